// Retries an attempt with a fixed delay between tries; the delay honours cancellation.

export interface RetryPolicy {
  /** Total tries, including the first (1 means no retry). */
  attempts: number;
  delayMs: number;
  /** Multiplies the delay after each attempt (1 = fixed delay). */
  backoff?: number;
}

/** Resolves after `ms`, or early (false) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface Attempt<T> {
  value: T;
  ok: boolean;
  /** A failure that retrying cannot fix (cancelled, refused): stop at once. */
  final?: boolean;
}

/**
 * Runs `attempt` until it succeeds, reports a final failure, or the tries run out; returns
 * the last attempt and how many were made. `onRetry` is told before each wait.
 */
export async function withRetry<T>(
  policy: RetryPolicy | undefined,
  attempt: (n: number) => Promise<Attempt<T>>,
  hooks: { signal?: AbortSignal; onRetry?: (n: number, delayMs: number, last: T) => void } = {},
): Promise<{ last: Attempt<T>; tries: number }> {
  const total = Math.max(1, policy?.attempts ?? 1);
  let tries = 0;
  for (;;) {
    tries++;
    const last = await attempt(tries);
    if (last.ok || last.final || tries >= total || hooks.signal?.aborted) return { last, tries };
    const delay = (policy?.delayMs ?? 0) * Math.pow(policy?.backoff ?? 1, tries - 1);
    hooks.onRetry?.(tries, delay, last.value);
    if (!(await sleep(delay, hooks.signal))) return { last, tries };
  }
}
