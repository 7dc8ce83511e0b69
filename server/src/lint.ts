// One entry point for "check this runbook": parse + schema (+ the safety rules as they land).
// The CLI, the language server and the runner all lint through here, so they agree.
import { parseRunbook, parseRunbookBytes, type ParsedRunbook, type ParseOptions, type Problem } from './language/index';

export interface LintOptions extends ParseOptions {}

export interface LintResult {
  parsed: ParsedRunbook;
  problems: Problem[];
}

/** Lints a runbook given as text or file bytes. Never throws. */
export function lintRunbook(source: string | Uint8Array, options: LintOptions = {}): LintResult {
  const parsed = typeof source === 'string' ? parseRunbook(source, options) : parseRunbookBytes(source, options);
  return { parsed, problems: parsed.problems };
}
