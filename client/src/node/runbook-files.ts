// Finds runbook files: explicit paths as given, folders searched for *.runbook.yaml|yml.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const runbookPattern = /\.runbook\.ya?ml$/;

/** Plain words for the errors users meet when a path is wrong. */
export const reasons: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ELOOP: 'too many symbolic links',
};

/** Folders never worth descending into when looking for runbooks. */
const skipped = new Set(['node_modules', '.git', '.runsafe', 'out', 'build', '.cache']);

export interface FoundFiles {
  files: string[];
  /** Paths that do not exist or cannot be read, with the reason. */
  missing: { path: string; reason: string }[];
}

function walk(dir: string, out: string[]): void {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const name of names) {
    if (skipped.has(name)) continue;
    const p = join(dir, name);
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) walk(p, out);
    else if (runbookPattern.test(name)) out.push(p);
  }
}

/** Expands the given paths: files are kept whatever their name, folders are searched. */
export function findRunbooks(paths: string[]): FoundFiles {
  const files: string[] = [];
  const missing: FoundFiles['missing'] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      missing.push({ path: p, reason: reasons[code ?? ''] ?? String(code ?? err) });
      continue;
    }
    if (st.isDirectory()) walk(p, files);
    else files.push(p);
  }
  return { files: [...new Set(files)], missing };
}
