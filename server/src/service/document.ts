// One analysed runbook: text -> parse, model and lint problems, computed once per version and
// shared by every feature (diagnostics, hover, completion, …).
import { lintRunbook } from '../lint';
import type { LineIndex, ParsedRunbook, Problem } from '../language/index';
import type { StepFindings } from '../rules/step-findings';
import type { ServiceSettings } from './settings';
import { defaultSettings } from './settings';

export interface RunbookDocument {
  uri: string;
  text: string;
  lines: LineIndex;
  parsed: ParsedRunbook;
  /** Every problem found by parse, schema and rules, before severity overrides. */
  problems: Problem[];
  settings: ServiceSettings;
  /** The step-scoped rules' findings per step, reused by the analysis after the next edit. */
  stepFindings?: StepFindings;
}

/**
 * Analyses a runbook's text. Never throws: a failing linter becomes one located problem. With
 * `previous` (the same document before an edit) only the edited part is parsed again.
 */
export function analyze(uri: string, text: string, settings: ServiceSettings = defaultSettings, previous?: RunbookDocument): RunbookDocument {
  // The rule engine applies the workspace policy (and its severities) itself; editor severities are
  // applied on top by diagnostics.ts, so they reach parse and schema problems too.
  const options = { ...(settings.maxLength ? { maxLength: settings.maxLength } : {}), workspacePolicy: settings.policy, ...(previous ? { previous: previous.parsed } : {}), ...(previous?.stepFindings ? { previousFindings: previous.stepFindings } : {}) };
  const result = lintRunbook(text, options);
  const doc: RunbookDocument = { uri, text, lines: result.parsed.lines, parsed: result.parsed, problems: result.problems, settings };
  if (result.stepFindings) doc.stepFindings = result.stepFindings;
  return doc;
}
