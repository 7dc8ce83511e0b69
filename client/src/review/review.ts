// A review of one runbook change: what runs differently, what that does to risk, findings new
// and resolved, and what it means for approvals. Pure: texts and policies in, a report out.
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex } from '../signing/bytes';
import { lintRunbook } from '../../../server/src/lint';
import { effectivePolicy, type WorkspacePolicy } from '../../../server/src/rules/policy';
import type { Problem } from '../../../server/src/language/index';
import { fieldChanges, lineDiff, movedKeys, type FieldChange, type LineDiff } from './diff';
import { fingerprintProblems } from './fingerprint';
import { policyChanges, type PolicyChange } from './policy-delta';
import { riskModel, type StepRisk } from './risk';
import { shapeOf, type RunbookShape, type StepShape } from './shape';

export interface Side {
  path: string;
  text: string;
  /** The workspace policy in force for this side (its `.runsafe.yaml`, already read). */
  workspace?: WorkspacePolicy;
  /** SHA-256 of the runbook bytes claimed by each approval signature found beside it, with identity. */
  approvals?: { sha256: string; identity: string; valid?: boolean }[];
  bytes?: Uint8Array;
}

export interface StepRef {
  key: string;
  label: string;
  group: string;
  sections: string[];
  /** 1-based line in head (or in base for removed steps). */
  line: number;
  side: 'base' | 'head';
}

export interface StepChange {
  step: StepRef;
  fields: FieldChange[];
  /** Line-level view of changed command texts (run, sql, manual, wait.run). */
  scripts: { field: string; diff: LineDiff }[];
  movedSection?: { from: string[]; to: string[] };
}

export type RiskKind = 'became-dangerous' | 'new-dangerous-step' | 'lost-confirmation' | 'confirmation-waived' | 'lost-check' | 'lost-rollback' | 'secret-reach' | 'input-no-longer-secret';

export interface RiskItem {
  kind: RiskKind;
  step?: StepRef;
  message: string;
}

export interface FindingRef {
  code: string;
  severity: Problem['severity'];
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  fingerprint: string;
  side: 'base' | 'head';
}

export interface ApprovalConsequence {
  baseApprovedBy: string[];
  invalidated: number;
  headApprovedBy: string[];
  required: number;
  /** Whether approvals were checked against a trust store (otherwise: what the .sig files claim). */
  checked: boolean;
  summary: string;
}

export interface RunbookReview {
  path: string;
  basePath?: string;
  status: 'added' | 'deleted' | 'modified' | 'renamed';
  id?: { base?: string; head?: string };
  /** Anything that changes what a run does (steps, sections, inputs, policy, target, cadence). */
  behaviourChanged: boolean;
  /** Keys whose change is wording only (titles, descriptions, notes, docs). */
  wording: string[];
  top: FieldChange[];
  steps: { added: StepRef[]; removed: StepRef[]; moved: StepRef[]; changed: StepChange[] };
  sections: { added: string[]; removed: string[]; changed: { section: string; fields: FieldChange[] }[] };
  inputs: { added: string[]; removed: string[]; changed: { name: string; fields: FieldChange[] }[] };
  policy: PolicyChange[];
  policyLowered: boolean;
  risk: RiskItem[];
  findings: { new: FindingRef[]; resolved: FindingRef[] };
  approvals: ApprovalConsequence;
  /** Exit-worthy: a new error-level finding or a lowered policy. */
  failing: boolean;
  /** Head's text and its new findings as problems, for SARIF and annotations. */
  head?: { text: string; problems: Problem[]; fingerprints: string[] };
}

const scriptFields = ['run', 'sql', 'manual'];

function lineOf(shape: RunbookShape, offset: number): number {
  return shape.parsed.lines.positionAt(offset).line + 1;
}

function ref(shape: RunbookShape, s: StepShape, side: 'base' | 'head'): StepRef {
  return { key: s.key, label: s.label, group: s.group, sections: s.sections, line: lineOf(shape, s.offset), side };
}

function findingRefs(shape: RunbookShape, problems: Problem[], side: 'base' | 'head'): (FindingRef & { problem: Problem })[] {
  const fps = fingerprintProblems(shape.parsed, problems);
  return problems.map((p, i) => {
    const s = shape.parsed.lines.positionAt(p.span.start);
    const e = shape.parsed.lines.positionAt(Math.max(p.span.end, p.span.start));
    return { code: p.code, severity: p.severity, message: p.message, line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1, fingerprint: fps[i]!, side, problem: p };
  });
}

/** Fingerprints in `a` not matched one-for-one in `b`. */
function unmatched<T extends FindingRef>(a: T[], b: FindingRef[]): T[] {
  const pool = new Map<string, number>();
  for (const f of b) pool.set(f.fingerprint, (pool.get(f.fingerprint) ?? 0) + 1);
  return a.filter((f) => {
    const n = pool.get(f.fingerprint) ?? 0;
    if (n > 0) {
      pool.set(f.fingerprint, n - 1);
      return false;
    }
    return true;
  });
}

const empty = (): RunbookShape => shapeOf('');

function approvedBy(side: Side | undefined): string[] {
  if (!side?.approvals) return [];
  const hash = toHex(sha256(side.bytes ?? new TextEncoder().encode(side.text)));
  return [...new Set(side.approvals.filter((a) => a.sha256 === hash && a.valid !== false).map((a) => a.identity))];
}

function approvalConsequence(base: Side | undefined, head: Side | undefined, headShape: RunbookShape, changedBytes: boolean): ApprovalConsequence {
  const required = head ? effectivePolicy(head.workspace, headShape.parsed.runbook.policy).approvalsRequired : 0;
  const baseBy = approvedBy(base);
  const headBy = approvedBy(head);
  const checked = [base, head].some((s) => s?.approvals?.some((a) => a.valid !== undefined));
  const invalidated = changedBytes ? baseBy.length : 0;
  let summary: string;
  if (!head) summary = 'runbook deleted';
  else {
    const parts: string[] = [];
    if (invalidated) parts.push(`the change invalidates ${invalidated} approval${invalidated === 1 ? '' : 's'} (${baseBy.join(', ')}): approvals cover exact bytes`);
    else if (changedBytes && base) parts.push('base was not approved');
    const has = `${headBy.length ? `has ${headBy.length} (${headBy.join(', ')})` : 'has none'}`;
    parts.push(required ? `head needs ${required} approval${required === 1 ? '' : 's'} under the effective policy and ${has}` : `the effective policy requires no approval; head ${has}`);
    if (!checked && (base?.approvals?.length || head?.approvals?.length)) parts.push('signatures not checked: pass --trust to verify them');
    summary = parts.join('; ');
  }
  return { baseApprovedBy: baseBy, invalidated, headApprovedBy: headBy, required, checked, summary };
}

function riskItems(baseShape: RunbookShape, headShape: RunbookShape, base: Side | undefined, head: Side | undefined): RiskItem[] {
  if (!head) return [];
  const baseRisk = riskModel(baseShape.parsed, base?.workspace);
  const headRisk = riskModel(headShape.parsed, head.workspace);
  const before = new Map<string, StepRisk>(baseShape.steps.map((s) => [s.key, baseRisk.risk(s.step)]));
  const out: RiskItem[] = [];
  for (const s of headShape.steps) {
    const r = headRisk.risk(s.step);
    const b = before.get(s.key);
    const at = ref(headShape, s, 'head');
    if (r.danger && !b) out.push({ kind: 'new-dangerous-step', step: at, message: `new dangerous step ${s.label}: ${r.danger}${r.confirmed ? '' : ' (no confirmation)'}` });
    else if (r.danger && b && !b.danger) out.push({ kind: 'became-dangerous', step: at, message: `step ${s.label} became dangerous: ${r.danger}` });
    if (b?.confirmed && !r.confirmed) out.push({ kind: r.confirmWaived ? 'confirmation-waived' : 'lost-confirmation', step: at, message: `step ${s.label} ${r.confirmWaived ? 'waives its confirmation (confirm: false)' : 'lost its confirmation'}` });
    else if (!b && r.confirmWaived) out.push({ kind: 'confirmation-waived', step: at, message: `new step ${s.label} waives its confirmation (confirm: false)` });
    if (b?.checked && !r.checked) out.push({ kind: 'lost-check', step: at, message: `step ${s.label} lost its check (expect)` });
    if (b?.rollback && !r.rollback) out.push({ kind: 'lost-rollback', step: at, message: `step ${s.label} lost its rollback` });
    const had = new Set(b?.secrets ?? []);
    const reached = r.secrets.filter((x) => !had.has(x));
    if (reached.length) out.push({ kind: 'secret-reach', step: at, message: `secret ${reached.map((x) => `$${x}`).join(', ')} now reaches ${b ? '' : 'new '}step ${s.label}` });
  }
  const baseInputs = new Map(baseShape.parsed.runbook.inputs.map((i) => [i.name, i]));
  for (const i of headShape.parsed.runbook.inputs) {
    if (baseInputs.get(i.name)?.secret && !i.secret) out.push({ kind: 'input-no-longer-secret', message: `input ${i.name} is no longer secret: its value may be shown, recorded and passed on the command line` });
  }
  return out;
}

export function reviewRunbook(base: Side | undefined, head: Side | undefined): RunbookReview {
  const baseShape = base ? shapeOf(base.text) : empty();
  const headShape = head ? shapeOf(head.text) : empty();
  const baseSteps = new Map(baseShape.steps.map((s) => [s.key, s]));
  const headSteps = new Map(headShape.steps.map((s) => [s.key, s]));
  const added = headShape.steps.filter((s) => !baseSteps.has(s.key)).map((s) => ref(headShape, s, 'head'));
  const removed = baseShape.steps.filter((s) => !headSteps.has(s.key)).map((s) => ref(baseShape, s, 'base'));
  const moved = movedKeys(
    baseShape.steps.map((s) => s.key),
    headShape.steps.map((s) => s.key),
  ).map((k) => ref(headShape, headSteps.get(k)!, 'head'));
  const changed: StepChange[] = [];
  const wording = new Set<string>();
  for (const h of headShape.steps) {
    const b = baseSteps.get(h.key);
    if (!b) continue;
    const fields = fieldChanges(b.fields, h.fields);
    if (fieldChanges(b.wording, h.wording).length) wording.add(`step ${h.label}`);
    const sectionMoved = JSON.stringify(b.sections) !== JSON.stringify(h.sections);
    if (!fields.length && !sectionMoved) continue;
    const scripts = fields.filter((f) => scriptFields.includes(f.field) && typeof f.before === 'string' && typeof f.after === 'string').map((f) => ({ field: f.field, diff: lineDiff(f.before as string, f.after as string) }));
    const wait = fields.find((f) => f.field === 'wait');
    const bw = (wait?.before as { run?: unknown } | undefined)?.run;
    const hw = (wait?.after as { run?: unknown } | undefined)?.run;
    if (typeof bw === 'string' && typeof hw === 'string' && bw !== hw) scripts.push({ field: 'wait.run', diff: lineDiff(bw, hw) });
    const c: StepChange = { step: ref(headShape, h, 'head'), fields, scripts };
    if (sectionMoved) c.movedSection = { from: b.sections, to: h.sections };
    changed.push(c);
  }
  const baseSections = new Map(baseShape.sections.map((s) => [s.key, s]));
  const headSections = new Map(headShape.sections.map((s) => [s.key, s]));
  const sections = {
    added: headShape.sections.filter((s) => !baseSections.has(s.key)).map((s) => s.key),
    removed: baseShape.sections.filter((s) => !headSections.has(s.key)).map((s) => s.key),
    changed: headShape.sections.flatMap((s) => {
      const b = baseSections.get(s.key);
      const fields = b ? fieldChanges(b.fields, s.fields) : [];
      return fields.length ? [{ section: s.key, fields }] : [];
    }),
  };
  const inputs = {
    added: Object.keys(headShape.inputs).filter((n) => !(n in baseShape.inputs)),
    removed: Object.keys(baseShape.inputs).filter((n) => !(n in headShape.inputs)),
    changed: Object.keys(headShape.inputs).flatMap((n) => {
      const b = baseShape.inputs[n];
      const fields = b ? fieldChanges(b, headShape.inputs[n]!) : [];
      return fields.length ? [{ name: n, fields }] : [];
    }),
  };
  const { policy: basePolicyRaw, ...baseTop } = baseShape.top;
  const { policy: headPolicyRaw, ...headTop } = headShape.top;
  const top = fieldChanges(baseTop, headTop);
  for (const f of fieldChanges(baseShape.wording, headShape.wording)) wording.add(f.field);
  const policy = head ? policyChanges('runbook', basePolicyRaw, headPolicyRaw) : [];
  const policyLowered = policy.some((p) => p.direction === 'lowered');
  const baseFindings = base ? findingRefs(baseShape, lintRunbook(base.bytes ?? base.text, base.workspace ? { workspacePolicy: base.workspace } : {}).problems, 'base') : [];
  const headFindings = head ? findingRefs(headShape, lintRunbook(head.bytes ?? head.text, head.workspace ? { workspacePolicy: head.workspace } : {}).problems, 'head') : [];
  const fresh = unmatched(headFindings, baseFindings);
  const strip = ({ problem: _p, ...f }: FindingRef & { problem: Problem }): FindingRef => f;
  const findings = { new: fresh.map(strip), resolved: unmatched(baseFindings, headFindings).map(strip) };
  const changedBytes = (base?.text ?? '') !== (head?.text ?? '');
  const behaviourChanged =
    added.length + removed.length + moved.length + changed.length + sections.added.length + sections.removed.length + sections.changed.length + inputs.added.length + inputs.removed.length + inputs.changed.length + top.length + policy.length > 0;
  const review: RunbookReview = {
    path: head?.path ?? base!.path,
    status: !base ? 'added' : !head ? 'deleted' : base.path !== head.path ? 'renamed' : 'modified',
    behaviourChanged,
    wording: [...wording].sort(),
    top,
    steps: { added, removed, moved, changed },
    sections,
    inputs,
    policy,
    policyLowered,
    risk: riskItems(baseShape, headShape, base, head),
    findings,
    approvals: approvalConsequence(base, head, headShape, changedBytes),
    failing: policyLowered || findings.new.some((f) => f.severity === 'error'),
  };
  if (head) review.head = { text: headShape.parsed.text, problems: fresh.map((f) => f.problem), fingerprints: fresh.map((f) => f.fingerprint) };
  if (base && head && base.path !== head.path) review.basePath = base.path;
  if (baseShape.id || headShape.id) review.id = { ...(baseShape.id ? { base: baseShape.id } : {}), ...(headShape.id ? { head: headShape.id } : {}) };
  return review;
}
