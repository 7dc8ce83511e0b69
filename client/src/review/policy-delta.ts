// How a change moves the policy: each key of a runbook's `policy:` or the workspace's
// `.runsafe.yaml` compared in the direction that matters for safety (lowered, raised, changed).

export type Direction = 'lowered' | 'raised' | 'changed';

export interface PolicyChange {
  scope: 'workspace' | 'runbook';
  key: string;
  before?: unknown;
  after?: unknown;
  direction: Direction;
  detail: string;
}

const rank: Record<string, number> = { off: 0, info: 1, warning: 2, error: 3 };
/** Lists where removing an entry weakens the policy (fewer protected tables, secrets, dangerous commands, locked rules). */
const protective = new Set(['append_only_tables', 'secret_names', 'dangerous_commands', 'locked', 'lock', 'unsuppressible', 'no_suppress']);
/** Lists where adding an entry weakens it (more of the operator's environment reaches steps). */
const permissive = new Set(['env_passthrough']);

type Plain = Record<string, unknown>;
const asMap = (v: unknown): Plain => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Plain) : {});
const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
const show = (v: unknown) => (v === undefined ? '(unset)' : JSON.stringify(v));

function listChanges(scope: PolicyChange['scope'], key: string, before: unknown, after: unknown): PolicyChange[] {
  const b = new Set(asList(before));
  const a = new Set(asList(after));
  const removed = [...b].filter((x) => !a.has(x));
  const added = [...a].filter((x) => !b.has(x));
  const out: PolicyChange[] = [];
  const weakenedBy = permissive.has(key) ? added : removed;
  const strengthenedBy = permissive.has(key) ? removed : added;
  if (weakenedBy.length) out.push({ scope, key, before, after, direction: 'lowered', detail: `${key}: ${permissive.has(key) ? 'added' : 'removed'} ${weakenedBy.join(', ')}` });
  if (strengthenedBy.length) out.push({ scope, key, before, after, direction: 'raised', detail: `${key}: ${permissive.has(key) ? 'removed' : 'added'} ${strengthenedBy.join(', ')}` });
  return out;
}

function severityChanges(scope: PolicyChange['scope'], before: Plain, after: Plain): PolicyChange[] {
  const out: PolicyChange[] = [];
  for (const rule of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const b = before[rule];
    const a = after[rule];
    if (b === a) continue;
    // An unset severity is the rule's default: dropping an override to `error` may lower it, dropping `off` raises it.
    const rb = b === undefined ? (a === 'off' || a === 'info' ? 2 : 1.5) : (rank[String(b)] ?? 1.5);
    const ra = a === undefined ? (b === 'off' || b === 'info' ? 2 : 1.5) : (rank[String(a)] ?? 1.5);
    out.push({ scope, key: `severity.${rule}`, before: b, after: a, direction: ra < rb ? 'lowered' : ra > rb ? 'raised' : 'changed', detail: `severity of ${rule}: ${show(b)} -> ${show(a)}` });
  }
  return out;
}

/** Compares two raw policy maps (a runbook's `policy:`, or `.runsafe.yaml`'s policy with its severities). */
export function policyChanges(scope: PolicyChange['scope'], beforeRaw: unknown, afterRaw: unknown): PolicyChange[] {
  const before = asMap(beforeRaw);
  const after = asMap(afterRaw);
  const out: PolicyChange[] = [];
  for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const b = before[key];
    const a = after[key];
    if (JSON.stringify(b) === JSON.stringify(a)) continue;
    if (key === 'severity') out.push(...severityChanges(scope, asMap(b), asMap(a)));
    else if (protective.has(key) || permissive.has(key)) out.push(...listChanges(scope, key, b, a));
    else if (key === 'approvals') {
      const nb = Number(asMap(b).required ?? 0);
      const na = Number(asMap(a).required ?? 0);
      out.push({ scope, key: 'approvals.required', before: nb, after: na, direction: na < nb ? 'lowered' : na > nb ? 'raised' : 'changed', detail: `approvals required: ${nb} -> ${na}` });
    } else out.push({ scope, key, before: b, after: a, direction: 'changed', detail: `${key}: ${show(b)} -> ${show(a)}` });
  }
  return out;
}
