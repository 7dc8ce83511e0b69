// The effective safety policy: the workspace's .runsafe.yaml is a floor; a runbook's own `policy:` may only tighten it.
import type { Policy } from '../language/model';
import type { RuleSeverity } from './types';

/** The workspace policy as read from `.runsafe.yaml` (same fields as a runbook's `policy:`). */
export interface WorkspacePolicy {
  appendOnlyTables?: string[];
  secretNames?: string[];
  dangerousCommands?: string[];
  approvalsRequired?: number;
  severity?: Record<string, RuleSeverity | 'off'>;
  /** Rules whose findings no `# runsafe-ignore` comment may suppress. `*` locks every rule. */
  locked?: string[];
  /** Operator environment variables steps may see, on top of the clean allowlist (PATH, HOME, …). */
  envPassthrough?: string[];
}

/** One append-only table pattern and where it came from, so a finding can say which entry fired. */
export interface AppendOnlyEntry {
  glob: string;
  re: RegExp;
  origin: 'default' | 'workspace' | 'runbook';
}

export interface EffectivePolicy {
  appendOnlyTables: RegExp[];
  /** The same patterns as `appendOnlyTables`, with their origin. */
  appendOnlyEntries: AppendOnlyEntry[];
  secretNames: RegExp[];
  /** Command prefixes (as words) that need confirmation, e.g. ['make', 'demo-down']. */
  dangerousCommands: string[][];
  approvalsRequired: number;
  /** Severity entries as merged (for display); use `ruleSeverity` to decide, which applies the floor. */
  severity: Record<string, RuleSeverity | 'off'>;
  /** The workspace's severities: the floor. */
  workspaceSeverity: Record<string, RuleSeverity | 'off'>;
  /** The runbook's own severities: they count only where they tighten. */
  runbookSeverity: Record<string, RuleSeverity | 'off'>;
  /** Rules the workspace locked against suppression (`*` locks all). */
  locked: Set<string>;
  envPassthrough: string[];
}

const rank: Record<RuleSeverity | 'off', number> = { off: 0, info: 1, warning: 2, error: 3 };

/**
 * The severity a finding gets: the workspace's setting (or, when it has none, the finding's own
 * severity) is the floor; the runbook's setting applies only when it is stricter. A runbook
 * can therefore never switch a rule off or soften it below what the workspace or the rule says.
 */
export function ruleSeverity(policy: EffectivePolicy, rule: string, natural: RuleSeverity): RuleSeverity | 'off' {
  const floor = policy.workspaceSeverity[rule] ?? natural;
  const own = policy.runbookSeverity[rule];
  return own !== undefined && rank[own] > rank[floor] ? own : floor;
}

/** Whether a rule is switched off altogether (only the workspace can do that). */
export function ruleOff(policy: EffectivePolicy, rule: string): boolean {
  return ruleSeverity(policy, rule, 'info') === 'off';
}

/** Runbook severity entries that try to go below the floor (ignored; the linter says so). */
export function loosenedSeverities(policy: EffectivePolicy, natural: (rule: string) => RuleSeverity | undefined): { rule: string; own: string; floor: string }[] {
  const out: { rule: string; own: string; floor: string }[] = [];
  for (const [rule, own] of Object.entries(policy.runbookSeverity)) {
    const base = natural(rule);
    if (base === undefined && policy.workspaceSeverity[rule] === undefined) continue;
    const floor = policy.workspaceSeverity[rule] ?? base!;
    if (rank[own] < rank[floor]) out.push({ rule, own, floor });
  }
  return out;
}

/** Whether the workspace locks a rule against `# runsafe-ignore`. */
export function isLocked(policy: EffectivePolicy, rule: string): boolean {
  return policy.locked.has('*') || policy.locked.has(rule);
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

/**
 * Append-only tables: the defaults, then the workspace's entries, then the runbook's. An entry
 * written `!name` removes matching defaults (`!ledgers` where `ledgers` are account heads, not a
 * journal); it cannot remove what the workspace added, because the workspace policy is a floor.
 */
export function appendOnlyEntries(workspace: string[], runbook: string[]): AppendOnlyEntry[] {
  const removed = [...workspace, ...runbook].filter((g) => g.startsWith('!')).map((g) => globToRegExp(g.slice(1).trim()));
  const defaults = defaultAppendOnlyTables.filter((g) => !removed.some((re) => re.test(g)));
  const entry = (origin: AppendOnlyEntry['origin']) => (glob: string): AppendOnlyEntry => ({ glob, re: globToRegExp(glob), origin });
  return [
    ...defaults.map(entry('default')),
    ...workspace.filter((g) => !g.startsWith('!')).map(entry('workspace')),
    ...runbook.filter((g) => !g.startsWith('!')).map(entry('runbook')),
  ];
}

export function effectivePolicy(workspace: WorkspacePolicy | undefined, runbook: Policy): EffectivePolicy {
  const ws = workspace ?? {};
  const words = (s: string) => s.trim().split(/\s+/).filter(Boolean);
  const entries = appendOnlyEntries(ws.appendOnlyTables ?? [], runbook.appendOnlyTables);
  return {
    appendOnlyTables: entries.map((e) => e.re),
    appendOnlyEntries: entries,
    secretNames: [...(ws.secretNames ?? []), ...runbook.secretNames].map(globToRegExp),
    dangerousCommands: [...(ws.dangerousCommands ?? []), ...runbook.dangerousCommands].map(words).filter((w) => w.length > 0),
    approvalsRequired: Math.max(ws.approvalsRequired ?? 0, runbook.approvalsRequired ?? 0),
    severity: { ...(ws.severity ?? {}), ...runbook.severity },
    workspaceSeverity: { ...(ws.severity ?? {}) },
    runbookSeverity: { ...runbook.severity },
    locked: new Set(ws.locked ?? []),
    // Only the workspace widens the environment: a runbook cannot ask for the operator's variables.
    envPassthrough: [...(ws.envPassthrough ?? [])],
  };
}

/** Whether a table (optionally schema-qualified) is append-only under the policy. */
export function isAppendOnly(policy: EffectivePolicy, table: string, schema: string | null): boolean {
  return appendOnlyMatch(policy, table, schema) !== null;
}

/** The policy entry that makes a table append-only, or null. */
export function appendOnlyMatch(policy: EffectivePolicy, table: string, schema: string | null): AppendOnlyEntry | null {
  const names = schema ? [table, `${schema}.${table}`] : [table];
  const entries = policy.appendOnlyEntries ?? policy.appendOnlyTables.map((re) => ({ glob: re.source, re, origin: 'default' as const }));
  return entries.find((e) => names.some((n) => e.re.test(n))) ?? null;
}

const stringList = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);

/**
 * The workspace policy from the raw `policy:` map of `.runsafe.yaml` (same keys as a runbook's
 * `policy:`). Wrong shapes are ignored; the file's schema reports them.
 */
export function workspacePolicyFrom(raw: unknown): WorkspacePolicy {
  const r = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const out: WorkspacePolicy = {};
  const tables = stringList(r.append_only_tables);
  if (tables) out.appendOnlyTables = tables;
  const secrets = stringList(r.secret_names);
  if (secrets) out.secretNames = secrets;
  const dangerous = stringList(r.dangerous_commands);
  if (dangerous) out.dangerousCommands = dangerous;
  const locked = stringList(r.locked);
  if (locked) out.locked = locked;
  const passthrough = stringList(r.env_passthrough);
  if (passthrough) out.envPassthrough = passthrough;
  const approvals = r.approvals as { required?: unknown } | undefined;
  if (approvals && typeof approvals.required === 'number') out.approvalsRequired = approvals.required;
  if (r.severity && typeof r.severity === 'object' && !Array.isArray(r.severity)) {
    const sev: Record<string, RuleSeverity | 'off'> = {};
    for (const [k, v] of Object.entries(r.severity as Record<string, unknown>)) if (v === 'error' || v === 'warning' || v === 'info' || v === 'off') sev[k] = v;
    out.severity = sev;
  }
  return out;
}
