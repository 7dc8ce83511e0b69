// The V8 flags every `runsafe` thread runs under: main.ts sets them at start, each lint worker again before it loads a bundle.
import { setFlagsFromString } from 'node:v8';

/**
 * --liftoff-only: the bash grammar's wasm compiles with the baseline compiler only: a CLI run is short, and
 * the optimising compile V8 would otherwise start (and finish before exit) cost about 60% of a cold lint.
 * --semi-space-growth-factor=1 and --heap-growing-percent=20: the young generation stays at its first size
 * instead of growing to 3 × 16 MiB, and the old one grows by 20% at a time: a CLI's garbage is short-lived,
 * and linting 1,000 runbooks must stay under 150 MiB (it peaked at 177 MiB on one thread with V8's
 * defaults, 99 MiB with these). scripts/code-cache.mjs sets the same flags (V8 accepts a code cache only
 * under the flags it was made with).
 */
const flags = ['--liftoff-only', '--semi-space-growth-factor=1', '--heap-growing-percent=20'];

/**
 * Sets the flags (process-wide: V8 has one set for every thread). Creating a thread's heap sets a growth
 * factor below 2 back to 2, so after a Worker starts the main thread's young generation doubled to 32 MiB
 * again and the worker's code cache was refused (its flags no longer matched); a worker calls this first.
 */
export function applyCliV8Flags(): void {
  for (const f of flags) setFlagsFromString(f);
}
