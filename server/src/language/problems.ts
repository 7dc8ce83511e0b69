// Problems found in a runbook: a stable code, a severity, a message and the exact source span.
import type { Span } from './positions';

export type Severity = 'error' | 'warning' | 'info';

export interface Problem {
  /** Stable identifier: a parse/schema code (`yaml-syntax`, `schema-type`, …) or a rule name. */
  code: string;
  severity: Severity;
  message: string;
  span: Span;
  /** Typed extra data for quick fixes and related information; never parsed from the message. */
  data?: Record<string, unknown>;
}

export function problem(code: string, severity: Severity, message: string, span: Span, data?: Record<string, unknown>): Problem {
  return data === undefined ? { code, severity, message, span } : { code, severity, message, span, data };
}

/** Stable order: by position, then code, so output and tests are deterministic. */
export function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end || a.code.localeCompare(b.code));
}
