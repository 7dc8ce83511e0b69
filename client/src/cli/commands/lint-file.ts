// One file of `runsafe lint`: read, lint (runbook or Markdown), fix in place when asked. The serial lint and
// every lane of the lint pool (lint-pool.ts) call this, so both produce the same report for a file.
import { readFileSync, writeFileSync } from 'node:fs';
import { lintRunbook, type LintOptions } from '../../../../server/src/lint';
import { applySafeFixes } from '../../../../server/src/rules/apply-fixes';
import { LineIndex, mapGet, nodeAt, type LNode, type Problem } from '../../../../server/src/language/index';
import { markdownPattern, reasons } from '../../node/runbook-files';
import { clearShellCache } from '../../../../server/src/rules/shell/index';
import { withSqlParser } from '../../../../server/src/shell-wasm';
import { lintMarkdown } from '../../../../server/src/markdown/lint-markdown';
import { fingerprintProblems, fingerprintText } from '../../review/fingerprint';
import type { FileReport } from '../format/report';

export interface LintFileOptions {
  quiet: boolean;
  fix: boolean;
  /** Fingerprints (a hash per finding) only where they are read: SARIF and baselines. */
  fingerprints: boolean;
  lint: LintOptions;
}

/**
 * Renames each unknown key the schema has a spelling suggestion for (`comfirm` -> `confirm`),
 * unless its map already holds the suggested key (then a human decides which one is meant).
 */
function renameMisspeltKeys(text: string, problems: Problem[], root: LNode | null): { text: string; applied: number } {
  const edits = problems.flatMap((p) => {
    const { suggestion, path } = (p.data ?? {}) as { suggestion?: unknown; path?: unknown };
    if (p.code !== 'schema-unknown-key' || typeof suggestion !== 'string' || !Array.isArray(path)) return [];
    const map = nodeAt(root, path.slice(0, -1) as (string | number)[]);
    if (map?.kind !== 'map' || mapGet(map, suggestion) !== undefined) return [];
    return [{ span: p.span, newText: suggestion }];
  });
  let out = text;
  for (const e of edits.sort((a, b) => b.span.start - a.span.start)) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return { text: out, applied: edits.length };
}

/** The report of one file's bytes, and with `fix` the fixed text when a fix changed it (written by the caller). */
export function lintBytes(path: string, bytes: Uint8Array, options: LintFileOptions, fix = false): { report: FileReport; fixed?: string } {
  if (markdownPattern.test(path)) {
    // Markdown: the fences' shell and SQL; quick fixes apply to runbooks only (`runsafe import` makes one).
    const md = lintMarkdown(Buffer.from(bytes).toString('utf8'), options.lint);
    const kept = options.quiet ? md.problems.filter((p) => p.severity === 'error') : md.problems;
    return { report: { path, text: md.text, lines: md.lines, problems: kept, ...(options.fingerprints ? { fingerprints: fingerprintText(md.text, kept) } : {}) } };
  }
  let { parsed, problems } = lintRunbook(bytes, options.lint);
  const original = parsed.text;
  if (fix) {
    // Misspelt keys first: once `comfirm` reads `confirm`, no rule adds a second `confirm` beside it.
    for (const fix of [renameMisspeltKeys, applySafeFixes]) {
      const fixed = fix(parsed.text, problems, parsed.root);
      if (fixed.applied > 0 && fixed.text !== parsed.text) ({ parsed, problems } = lintRunbook(fixed.text, options.lint));
    }
  }
  const kept = options.quiet ? problems.filter((p) => p.severity === 'error') : problems;
  const report = { path, text: parsed.text, lines: parsed.lines ?? new LineIndex(parsed.text), problems: kept, ...(options.fingerprints ? { fingerprints: fingerprintProblems(parsed, kept) } : {}) };
  return parsed.text !== original ? { report, fixed: parsed.text } : { report };
}

/** A file on disk: its report, or why it could not be read. */
export type FileOutcome = { file: FileReport } | { unreadable: { path: string; reason: string } };

/**
 * One file of a run over many. What the report keeps of it is what the formats render: a file without
 * findings keeps no text (its lines are never shown), and the shell parses, shared by the rules within
 * a file, are dropped after it (no other file has the same scripts; kept, 1,000 runbooks held 4,096 parses).
 */
export async function lintFile(display: string, file: string, options: LintFileOptions): Promise<FileOutcome> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    return { unreadable: { path: display, reason: reasons[(err as NodeJS.ErrnoException).code ?? ''] ?? String((err as Error).message) } };
  }
  // PostgreSQL's parser is loaded with the first runbook holding SQL (a second lint of that one file).
  const { report, fixed } = await withSqlParser(() => lintBytes(display, bytes, options, options.fix));
  if (fixed !== undefined) writeFileSync(file, fixed);
  clearShellCache();
  return { file: report.problems.length ? report : { ...report, text: '', lines: new LineIndex('') } };
}
