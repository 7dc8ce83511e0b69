// `runsafe lint --baseline`: findings already known (matched by fingerprint, never by line) are
// not reported, so a team adopting Runsafe fails CI only on new problems.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { UsageError } from './command';
import type { LintReport } from './format/report';

interface BaselineEntry {
  path: string;
  code: string;
  fingerprint: string;
  message: string;
}

interface BaselineFile {
  runsafe_baseline: 1;
  findings: BaselineEntry[];
}

/** Paths in the file are relative to its own folder, so the baseline works from any working directory. */
function keyPath(baselinePath: string, cwd: string, shown: string): string {
  const abs = isAbsolute(shown) ? shown : join(cwd, shown);
  return relative(dirname(baselinePath), abs).split(sep).join('/');
}

export function writeBaseline(path: string, cwd: string, report: LintReport, shown = path): number {
  const findings: BaselineEntry[] = report.files.flatMap((f) =>
    f.problems.map((p, i) => ({ path: keyPath(path, cwd, f.path), code: p.code, fingerprint: f.fingerprints?.[i] ?? '', message: p.message })),
  );
  const doc: BaselineFile = { runsafe_baseline: 1, findings };
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, `${JSON.stringify(doc, null, 2)}\n`);
    renameSync(tmp, path);
  } catch (err) {
    throw new UsageError(`cannot write the baseline ${shown}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'its folder does not exist' : (err as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : (err as Error).message}`);
  }
  return findings.length;
}

function readBaseline(path: string, shown: string): BaselineFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read the baseline ${shown}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (create one with --write-baseline)' : (err as Error).message}`);
  }
  let doc: Partial<BaselineFile>;
  try {
    doc = JSON.parse(text) as Partial<BaselineFile>;
  } catch {
    throw new UsageError(`the baseline ${shown} is not JSON; write it again with --write-baseline`);
  }
  if (doc.runsafe_baseline !== 1 || !Array.isArray(doc.findings)) throw new UsageError(`the baseline ${shown} is not a runsafe baseline (expected { "runsafe_baseline": 1, "findings": [...] })`);
  return doc as BaselineFile;
}

/** Drops each finding the baseline knows (one baseline entry hides one finding); returns how many were hidden. */
export function applyBaseline(path: string, cwd: string, report: LintReport, shown = path): number {
  const known = new Map<string, number>();
  for (const e of readBaseline(path, shown).findings) {
    const k = `${e.path}\u0000${e.fingerprint}`;
    known.set(k, (known.get(k) ?? 0) + 1);
  }
  let hidden = 0;
  for (const f of report.files) {
    const p = keyPath(path, cwd, f.path);
    const keep = f.problems.map((_, i) => {
      const k = `${p}\u0000${f.fingerprints?.[i] ?? ''}`;
      const n = known.get(k) ?? 0;
      if (n === 0) return true;
      known.set(k, n - 1);
      hidden++;
      return false;
    });
    if (f.fingerprints) f.fingerprints = f.fingerprints.filter((_, i) => keep[i]);
    f.problems = f.problems.filter((_, i) => keep[i]);
  }
  return hidden;
}
