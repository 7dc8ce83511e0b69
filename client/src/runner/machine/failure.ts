// Pure decisions after a step failed: what the failure prompt offers, and what `--on-failure` chooses when nobody can be asked.
import type { FailureChoice } from '../events';
import type { PlanStep } from '../plan-types';

/**
 * `--on-failure`: `stop` (default), `rollback`, or `retry=N` (re-run the failed step up to N
 * more times, then stop); `retry=N,rollback` falls to rollback instead.
 */
export interface FailurePolicy {
  retries: number;
  then: 'stop' | 'rollback';
}

export const DEFAULT_FAILURE_POLICY: FailurePolicy = { retries: 0, then: 'stop' };

/** The most retries `--on-failure retry=N` may ask for: a bound, so a typo cannot loop for hours. */
export const MAX_POLICY_RETRIES = 100;

/** Parses an `--on-failure` value, or says what is wrong with it. */
export function parseOnFailure(text: string): FailurePolicy | { error: string } {
  const m = /^(?:(stop|rollback)|retry=(\d+)(?:,(stop|rollback))?)$/.exec(text.trim());
  if (!m) return { error: `--on-failure must be stop, rollback, retry=N or retry=N,rollback, not '${text}'` };
  if (m[1]) return { retries: 0, then: m[1] as FailurePolicy['then'] };
  const retries = Number(m[2]);
  if (retries < 1 || retries > MAX_POLICY_RETRIES) return { error: `--on-failure retry=N: N must be 1 to ${MAX_POLICY_RETRIES}, not ${m[2]}` };
  return { retries, then: m[3] === 'rollback' ? 'rollback' : 'stop' };
}

/** The policy as the flag would spell it (recorded in the transcript's header). */
export function formatOnFailure(p: FailurePolicy): string {
  if (!p.retries) return p.then;
  return `retry=${p.retries}${p.then === 'rollback' ? ',rollback' : ''}`;
}

/**
 * What the failure prompt offers: retry and abort always; rollback when a rollback is
 * offered; skip only for a step marked `skippable: true`. A step that changes nothing is not
 * skippable by that alone: most are checks, and passing over a failed check is what the
 * prompt must not make easy.
 */
export function failureOptions(step: PlanStep, rollbacksOffered: boolean): FailureChoice[] {
  const out: FailureChoice[] = ['retry'];
  if (rollbacksOffered) out.push('rollback');
  if (step.skippable) out.push('skip');
  out.push('abort');
  return out;
}

/** What the policy does after `retried` re-runs of the failed step have failed too. */
export function policyChoice(policy: FailurePolicy, retried: number): FailureChoice {
  if (retried < policy.retries) return 'retry';
  return policy.then === 'rollback' ? 'rollback' : 'stop';
}
