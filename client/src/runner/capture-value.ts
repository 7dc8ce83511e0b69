// The value a step's `capture` takes from its output, and registering a secret one with the masker before anything can print it.
import { parseJsonOutput, readPath } from './expect';
import type { Masker } from './masker';
import type { PlanStep } from './plan-types';
import type { ProcessResult } from './process';

/** The captured value, or why there is none (never quoting the output). */
export function capturedValue(cap: NonNullable<PlanStep['capture']>, result: Pick<ProcessResult, 'stdout' | 'stderr'>): { value: string } | { problem: string } {
  let value = cap.from === 'stderr' ? result.stderr : result.stdout;
  if (cap.json !== undefined) {
    const parsed = parseJsonOutput(value);
    const got = parsed.ok ? readPath(parsed.value, cap.json) : { found: false };
    if (!got.found) return { problem: `capture into ${cap.into}: ${parsed.ok ? `${cap.json} is missing from the JSON output` : 'the output is not JSON'}` };
    value = typeof got.value === 'string' ? got.value : JSON.stringify(got.value);
  }
  return { value: cap.trim ? value.trim() : value.replace(/\r?\n$/, '') };
}

/**
 * Registers a secret capture's value as soon as the process has ended, before its checks,
 * their failure messages or its other stream are shown: a token that also went to stderr, or
 * that an `expect.json` check quotes, is masked there too. A value too short to mask is left to
 * the capture itself, which fails the step.
 */
export function preRegisterCapture(step: PlanStep, result: Pick<ProcessResult, 'stdout' | 'stderr'>, masker: Masker): void {
  const cap = step.capture;
  if (!cap?.secret) return;
  const got = capturedValue(cap, result);
  if (!('value' in got)) return;
  try {
    masker.add({ name: cap.into, value: got.value });
  } catch {
    // Reported by the capture.
  }
}
