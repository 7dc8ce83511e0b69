// Pure: which waits may park a run, when a parked run may go on, and how long remains.
import { formatDuration } from '../../../../server/src/language/duration';
import type { PlanStep } from '../plan-types';

/**
 * A fixed `wait: { for }` of at least this long may park the run: the grace periods of rotations, from the
 * trace signing key's 15 minutes (key cache TTL + grace) to the Alpaca key's day. Shorter waits (a few minutes
 * of traffic) are waited out: parking them would cost the operator a resume for less than it saves.
 */
export const PARK_MIN_MS = 15 * 60 * 1000;

/** Whether the step is a fixed wait long enough to park at. */
export function parkable(step: PlanStep): boolean {
  return step.kind === 'wait' && step.run === undefined && (step.wait?.forMs ?? 0) >= PARK_MIN_MS && step.group === 'step';
}

/** The time a run parked now at a wait of `forMs` may be resumed after. */
export function resumeAfter(nowMs: number, forMs: number): string {
  return new Date(nowMs + forMs).toISOString();
}

/** What a resume of a parked run may do at `nowMs`: go on, or wait `remainingMs` more (refused unless cut short with --now and a reason). */
export function parkedVerdict(resumeAfterIso: string, nowMs: number): { due: true } | { due: false; remainingMs: number; text: string } {
  const at = Date.parse(resumeAfterIso);
  if (!Number.isFinite(at) || nowMs >= at) return { due: true };
  const remainingMs = at - nowMs;
  return { due: false, remainingMs, text: `${formatDuration(Math.ceil(remainingMs / 1000) * 1000)} remain (resume after ${resumeAfterIso})` };
}
