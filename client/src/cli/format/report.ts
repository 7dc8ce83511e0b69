// The lint report every output format renders: files, their text and their problems.
import { LineIndex, type Problem } from '../../../../server/src/language/index';

export interface FileReport {
  /** The path as the user should see it (relative to the working directory). */
  path: string;
  text: string;
  lines: LineIndex;
  problems: Problem[];
  /** Stable fingerprints, one per problem (SARIF partialFingerprints, baselines). */
  fingerprints?: string[];
}

export interface LintReport {
  files: FileReport[];
  /** Files that could not be read: path and reason. */
  unreadable: { path: string; reason: string }[];
  /** Findings hidden because the baseline knows them (`lint --baseline`). */
  baselined?: number;
}

/** Short description and docs link of a problem code (from the rule registry when it has it). */
export interface CodeInfo {
  summary: string;
  helpUri: string;
}

export function counts(report: LintReport): { errors: number; warnings: number; infos: number } {
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const f of report.files)
    for (const p of f.problems) {
      if (p.severity === 'error') errors++;
      else if (p.severity === 'warning') warnings++;
      else infos++;
    }
  return { errors, warnings, infos };
}

/** One-based line/column of a problem's start and end, columns in UTF-16 units like editors. */
export function lineCol(file: FileReport, p: Problem): { line: number; column: number; endLine: number; endColumn: number } {
  const s = file.lines.positionAt(p.span.start);
  const e = file.lines.positionAt(Math.max(p.span.end, p.span.start));
  return { line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
