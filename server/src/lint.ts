// One entry point for "check this runbook": parse + schema + the safety rules.
// The CLI, the language server and the runner all lint through here, so they agree. Pure: the
// shell grammar is loaded by each adapter (server/src/shell-wasm.ts) before its first lint.
import { parseRunbook, parseRunbookBytes, reparseRunbook, problem, sortProblems, type ParsedRunbook, type ParseOptions, type Problem } from './language/index';
import { runRules } from './rules/engine';
import { findDangers, type Danger } from './rules/confirmations';
import { workspacePolicyFrom, type WorkspacePolicy } from './rules/policy';
import { shellReady } from './rules/shell/index';
import type { StepFindings } from './rules/step-findings';

export interface LintOptions extends ParseOptions {
  /** The workspace's `.runsafe.yaml` policy, already read. */
  workspacePolicy?: WorkspacePolicy;
  /** The same as the raw `policy:` map of `.runsafe.yaml` (what the language server passes). */
  policy?: Record<string, unknown>;
  /** The parse of this text before its latest edit (editors): only the edited part is parsed again. */
  previous?: ParsedRunbook;
  /** The per-step findings of the lint before the latest edit: unchanged steps are not checked again. */
  previousFindings?: StepFindings;
}

export interface LintResult {
  parsed: ParsedRunbook;
  problems: Problem[];
  /** Per-step findings to pass as `previousFindings` to the lint after the next edit. */
  stepFindings?: StepFindings;
}

/**
 * What makes the runbook's steps need typed confirmation, independent of severities and
 * suppressions (see rules/confirmations). Only the runner asks, so the editor does not pay for it.
 */
export function lintDangers(parsed: ParsedRunbook, options: LintOptions = {}): Danger[] {
  if (!parsed.root) return [];
  const workspacePolicy = options.workspacePolicy ?? (options.policy ? workspacePolicyFrom(options.policy) : undefined);
  return findDangers({ text: parsed.text, lines: parsed.lines, runbook: parsed.runbook }, workspacePolicy ? { workspacePolicy } : {});
}

/** Lints a runbook given as text or file bytes. Never throws. */
export function lintRunbook(source: string | Uint8Array, options: LintOptions = {}): LintResult {
  const parsed = typeof source !== 'string' ? parseRunbookBytes(source, options) : options.previous ? reparseRunbook(options.previous, source, options) : parseRunbook(source, options);
  if (!parsed.root) return { parsed, problems: parsed.problems };
  const problems = [...parsed.problems];
  if (!shellReady()) {
    problems.push(problem('shell-parser-unavailable', 'info', 'the shell parser is not loaded, so commands were only checked conservatively', { start: 0, end: 0 }));
  }
  const workspacePolicy = options.workspacePolicy ?? (options.policy ? workspacePolicyFrom(options.policy) : undefined);
  let stepFindings: StepFindings | undefined;
  const ruleOptions = { ...(workspacePolicy ? { workspacePolicy } : {}), ...(options.previousFindings ? { previous: options.previousFindings } : {}), record: (f: StepFindings) => (stepFindings = f) };
  problems.push(...runRules({ text: parsed.text, lines: parsed.lines, runbook: parsed.runbook }, ruleOptions));
  const result: LintResult = { parsed, problems: sortProblems(problems) };
  if (stepFindings) result.stepFindings = stepFindings;
  return result;
}
