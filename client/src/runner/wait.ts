// Polls a condition until it holds or a deadline passes, reporting progress after every probe.
import { sleep } from './retry';

export interface WaitProgress {
  attempt: number;
  elapsedMs: number;
  deadlineMs: number;
  /** 0..1 share of the deadline used so far. */
  fraction: number;
  /** What the last probe saw (already masked by the caller's probe). */
  detail?: string;
}

export interface WaitOptions {
  /** One probe: did the condition hold? It must end within `remainingMs` (the wait's deadline). */
  probe: (attempt: number, remainingMs: number) => Promise<{ ok: boolean; detail?: string; final?: boolean }>;
  intervalMs: number;
  /** Total time allowed, measured from the first probe. */
  deadlineMs: number;
  signal?: AbortSignal;
  onProgress?: (p: WaitProgress) => void;
  /** The clock, passed in so tests and the extension can drive it. */
  now?: () => number;
}

export type WaitOutcome = { status: 'met' | 'deadline' | 'cancelled' | 'failed'; attempts: number; elapsedMs: number; detail?: string };

/** A probe's own timeout: the step's `timeout` if any, never past what is left of the wait. */
export function probeTimeout(stepTimeoutMs: number | undefined, remainingMs: number): number {
  return Math.max(1, Math.min(stepTimeoutMs ?? Infinity, remainingMs));
}

/** Probes until met; never sleeps past the deadline, and always probes at least once. */
export async function waitUntil(options: WaitOptions): Promise<WaitOutcome> {
  const now = options.now ?? Date.now;
  const start = now();
  let attempts = 0;
  for (;;) {
    if (options.signal?.aborted) return { status: 'cancelled', attempts, elapsedMs: now() - start };
    attempts++;
    const r = await options.probe(attempts, Math.max(1, options.deadlineMs - (now() - start)));
    const elapsedMs = now() - start;
    options.onProgress?.({ attempt: attempts, elapsedMs, deadlineMs: options.deadlineMs, fraction: Math.min(1, elapsedMs / Math.max(1, options.deadlineMs)), detail: r.detail });
    if (r.ok) return { status: 'met', attempts, elapsedMs, detail: r.detail };
    if (r.final) return { status: 'failed', attempts, elapsedMs, detail: r.detail };
    if (options.signal?.aborted) return { status: 'cancelled', attempts, elapsedMs };
    const left = options.deadlineMs - elapsedMs;
    if (left <= 0) return { status: 'deadline', attempts, elapsedMs, detail: r.detail };
    if (!(await sleep(Math.min(options.intervalMs, left), options.signal))) return { status: 'cancelled', attempts, elapsedMs: now() - start };
  }
}
