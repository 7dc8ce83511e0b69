// Pure: a run's verified transcript records (every segment, in order) replayed into what a resume needs: what passed, what was captured, where it parked, how it ended.
import type { Plan, PlanStep } from '../plan-types';

type Rec = Record<string, unknown>;

/** How the last segment ended: its run_end status, or `killed` when it has none. */
export type EndedAs = 'passed' | 'failed' | 'aborted' | 'refused' | 'cancelled' | 'parked' | 'killed';

export interface Replayed {
  runId: string | undefined;
  runbook: { id: string; sha256: string };
  /** Per step key (`precondition:<id>`, `step:<id>`), the fingerprint recorded when the run started (absent in older transcripts). */
  stepHashes: Record<string, string> | undefined;
  segments: number;
  endedAs: EndedAs;
  /** Steps and preconditions that passed and were not rolled back since, by key, with the segment they passed in. */
  passed: Map<string, { id: string; segment: number }>;
  /** Non-secret input values as recorded (the recorded text: masked if it ever held a secret). */
  inputs: Map<string, string>;
  /** Secret inputs, by name: not recorded, so asked again. */
  secretInputs: Set<string>;
  /** Captures by variable: non-secret ones carry the recorded value; secret ones only their step. */
  captures: Map<string, { stepId: string; secret: boolean; value?: string }>;
  /** The wait the run parked at, when its last segment ended parked. */
  parked: { stepId: string; resumeAfter: string } | undefined;
  /** run_start choices of the first segment: the resume keeps them. */
  confirmed: string[];
  answered: Record<string, boolean>;
  sections: string[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Replays records into state. A step counts as passed when its last step_end (group step or
 * precondition) says passed and no rollback of it passed afterwards: a rolled-back change is
 * made again by the resume.
 */
export function replay(records: Rec[], plan: Pick<Plan, 'steps' | 'preconditions'>): Replayed {
  const starts = records.filter((r) => r['type'] === 'run_start');
  const first = starts[0] ?? {};
  const runbook = (first['runbook'] ?? {}) as Rec;
  const out: Replayed = {
    runId: str(first['run_id']),
    runbook: { id: str(runbook['id']) ?? '', sha256: str(runbook['sha256']) ?? '' },
    stepHashes: first['step_hashes'] && typeof first['step_hashes'] === 'object' ? (first['step_hashes'] as Record<string, string>) : undefined,
    segments: starts.length,
    endedAs: 'killed',
    passed: new Map(),
    inputs: new Map(),
    secretInputs: new Set(),
    captures: new Map(),
    parked: undefined,
    confirmed: Array.isArray(first['confirmed']) ? (first['confirmed'] as unknown[]).filter((c): c is string => typeof c === 'string') : [],
    answered: first['answered'] && typeof first['answered'] === 'object' ? (first['answered'] as Record<string, boolean>) : {},
    sections: Array.isArray(first['sections']) ? (first['sections'] as unknown[]).filter((c): c is string => typeof c === 'string') : [],
  };
  const rolledBackBy = new Map<string, PlanStep[]>();
  for (const s of plan.steps) for (const rb of s.rollback) rolledBackBy.set(rb, [...(rolledBackBy.get(rb) ?? []), s]);
  let segment = 0;
  for (const r of records) {
    const type = r['type'];
    if (type === 'run_start') {
      segment++;
      out.endedAs = 'killed';
      out.parked = undefined;
    } else if (type === 'run_end') {
      const status = str((r['summary'] as Rec | undefined)?.['status']);
      out.endedAs = (['passed', 'failed', 'aborted', 'refused', 'cancelled', 'parked'] as const).find((s) => s === status) ?? 'failed';
    } else if (type === 'input') {
      const name = str(r['name']);
      if (!name) continue;
      if (r['secret'] === true) out.secretInputs.add(name);
      else if (typeof r['value'] === 'string') out.inputs.set(name, r['value']);
    } else if (type === 'capture') {
      const into = str(r['into']);
      const stepId = str(r['stepId']);
      if (!into || !stepId) continue;
      out.captures.set(into, { stepId, secret: r['secret'] !== false, ...(r['secret'] === false && typeof r['value'] === 'string' ? { value: r['value'] } : {}) });
    } else if (type === 'parked') {
      const stepId = str(r['stepId']);
      const until = str(r['resumeAfter']);
      if (stepId && until) out.parked = { stepId, resumeAfter: until };
    } else if (type === 'step_end') {
      const id = str(r['stepId']);
      const group = str(r['group']);
      if (!id || (group !== 'step' && group !== 'precondition' && group !== 'rollback')) continue;
      if (group === 'rollback') {
        // A rollback that ran undoes the steps it belongs to: they run again on resume.
        if (r['state'] === 'passed') for (const s of rolledBackBy.get(id) ?? []) out.passed.delete(`step:${s.id}`);
        continue;
      }
      const key = `${group}:${id}`;
      if (r['state'] === 'passed') out.passed.set(key, { id, segment: out.passed.get(key)?.segment ?? segment });
      else out.passed.delete(key);
    }
  }
  if (out.endedAs !== 'parked') out.parked = undefined;
  return out;
}

/** A step's fingerprint for "what changed since the run started": its resolved plan entry. */
export function stepKey(s: PlanStep): string {
  return `${s.group}:${s.id}`;
}

/** The steps whose planned form differs between the recorded fingerprints and now. */
export function changedSteps(before: Record<string, string>, now: Record<string, string>): { changed: string[]; added: string[]; removed: string[] } {
  const changed: string[] = [];
  const added: string[] = [];
  const removed: string[] = [];
  for (const [k, h] of Object.entries(now)) {
    if (!(k in before)) added.push(k);
    else if (before[k] !== h) changed.push(k);
  }
  for (const k of Object.keys(before)) if (!(k in now)) removed.push(k);
  return { changed, added, removed };
}
