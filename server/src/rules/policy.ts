// The effective safety policy: built-in defaults, the workspace's .runsafe.yaml, then the runbook's own `policy:`.
import type { Policy } from '../language/model';
import type { RuleSeverity } from './types';

/** The workspace policy as read from `.runsafe.yaml` (same fields as a runbook's `policy:`). */
export interface WorkspacePolicy {
  appendOnlyTables?: string[];
  secretNames?: string[];
  dangerousCommands?: string[];
  approvalsRequired?: number;
  severity?: Record<string, RuleSeverity | 'off'>;
}

export interface EffectivePolicy {
  appendOnlyTables: RegExp[];
  secretNames: RegExp[];
  /** Command prefixes (as words) that need confirmation, e.g. ['make', 'demo-down']. */
  dangerousCommands: string[][];
  approvalsRequired: number;
  severity: Record<string, RuleSeverity | 'off'>;
}

/**
 * Tables that are append-only unless a policy says otherwise: ledgers and audit trails. Names that merely
 * contain the word (`audit_log_retention_policy`) are deliberately not matched.
 */
export const defaultAppendOnlyTables = [
  'ledger', 'ledgers', '*_ledger', 'ledger_entries', '*_ledger_entries', 'ledger_events', '*_ledger_events', 'journal_entries',
  'audit', 'audits', 'audit_log', 'audit_logs', 'audit_events', 'audit_trail', '*_audit', '*_audit_log', '*_audit_logs', '*_audit_events', '*_audit_trail',
];

/** Glob (`*`, `?`) to an anchored, case-insensitive regular expression. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

export function effectivePolicy(workspace: WorkspacePolicy | undefined, runbook: Policy): EffectivePolicy {
  const ws = workspace ?? {};
  const words = (s: string) => s.trim().split(/\s+/).filter(Boolean);
  return {
    appendOnlyTables: [...defaultAppendOnlyTables, ...(ws.appendOnlyTables ?? []), ...runbook.appendOnlyTables].map(globToRegExp),
    secretNames: [...(ws.secretNames ?? []), ...runbook.secretNames].map(globToRegExp),
    dangerousCommands: [...(ws.dangerousCommands ?? []), ...runbook.dangerousCommands].map(words).filter((w) => w.length > 0),
    approvalsRequired: Math.max(ws.approvalsRequired ?? 0, runbook.approvalsRequired ?? 0),
    severity: { ...(ws.severity ?? {}), ...runbook.severity },
  };
}

/** Whether a table (optionally schema-qualified) is append-only under the policy. */
export function isAppendOnly(policy: EffectivePolicy, table: string, schema: string | null): boolean {
  const names = schema ? [table, `${schema}.${table}`] : [table];
  return policy.appendOnlyTables.some((re) => names.some((n) => re.test(n)));
}
