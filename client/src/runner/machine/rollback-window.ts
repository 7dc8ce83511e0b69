// Pure: which rollbacks a failure, refusal or cancel offers, in the order they are offered.
import type { PlanStep } from '../plan-types';

/**
 * The failed (or cancelled) step's own rollbacks first, then those of the steps that passed,
 * newest first; each rollback once. A refused step never ran, so `failed` is then undefined.
 */
export function offeredRollbacks(failed: PlanStep | undefined, passedInOrder: readonly PlanStep[]): string[] {
  const ids: string[] = [];
  for (const s of [...(failed ? [failed] : []), ...[...passedInOrder].reverse()]) for (const id of s.rollback) if (!ids.includes(id)) ids.push(id);
  return ids;
}

export interface RollbackWindow {
  /** Offered, in order. */
  offered: string[];
  /** Withheld: the rollback, and the step whose start closed its window. */
  withheld: { id: string; after: string }[];
}

/**
 * Splits the offered rollbacks by their `unsafe_after` windows: a rollback is withheld once
 * one of those steps has started (passed, or failed or was cancelled part-way), since the
 * harm it guards against (records re-encrypted under the new key) begins with the step, not
 * with its success.
 */
export function rollbackWindow(ids: readonly string[], rollbacks: readonly PlanStep[], started: ReadonlySet<string>): RollbackWindow {
  const byId = new Map(rollbacks.map((r) => [r.id, r]));
  const out: RollbackWindow = { offered: [], withheld: [] };
  for (const id of ids) {
    const after = byId.get(id)?.unsafeAfter?.find((s) => started.has(s));
    if (after !== undefined) out.withheld.push({ id, after });
    else out.offered.push(id);
  }
  return out;
}
