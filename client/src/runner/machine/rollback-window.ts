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
