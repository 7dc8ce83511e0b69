// Finds runbook files: explicit paths as given, folders searched for *.runbook.yaml|yml (.gitignore and .runsafeignore honoured).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { reasons } from './file-errors';

export { reasons };

export const runbookPattern = /\.runbook\.ya?ml$/;
/** Markdown runbooks: linted when named, and found in folders with `lint --markdown`. */
export const markdownPattern = /\.(md|markdown)$/i;

/** Folders never worth descending into when looking for runbooks. */
const skipped = new Set(['node_modules', '.git', '.runsafe', 'out', 'build', '.cache']);

export interface FoundFiles {
  files: string[];
  /** Paths that do not exist or cannot be read, with the reason. */
  missing: { path: string; reason: string }[];
}

/** The ignore files honoured while searching a folder, each relative to the folder holding it. */
export const ignoreFiles = ['.gitignore', '.runsafeignore'];

interface IgnoreRules {
  base: string;
  rules: Ignore;
}

function rulesIn(dir: string): IgnoreRules[] {
  const out: IgnoreRules[] = [];
  for (const name of ignoreFiles) {
    let text: string;
    try {
      text = readFileSync(join(dir, name), 'utf8');
    } catch {
      continue;
    }
    out.push({ base: dir, rules: ignore().add(text) });
  }
  return out;
}

const ignored = (rules: IgnoreRules[], path: string, isDir: boolean) =>
  rules.some((r) => {
    const rel = relative(r.base, path);
    return rel !== '' && !rel.startsWith('..') && r.rules.ignores(isDir ? `${rel}/` : rel);
  });

function walk(dir: string, out: string[], inherited: IgnoreRules[], pattern: RegExp): void {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return;
  }
  const rules = [...inherited, ...rulesIn(dir)];
  for (const name of names) {
    if (skipped.has(name)) continue;
    const p = join(dir, name);
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (ignored(rules, p, st.isDirectory())) continue;
    if (st.isDirectory()) walk(p, out, rules, pattern);
    else if (pattern.test(name)) out.push(p);
  }
}

/**
 * Expands the given paths: files are kept whatever their name, folders are searched, skipping what
 * the .gitignore and .runsafeignore files inside them ignore (gitignore syntax, per folder).
 */
export function findRunbooks(paths: string[], options: { markdown?: boolean } = {}): FoundFiles {
  const pattern = options.markdown ? new RegExp(`${runbookPattern.source}|${markdownPattern.source}`, 'i') : runbookPattern;
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
    if (st.isDirectory()) walk(p, files, [], pattern);
    else files.push(p);
  }
  return { files: [...new Set(files)], missing };
}
