// Young-generation garbage collection in the idle time after diagnostics are published, instead of in
// the middle of the next edit's analysis.
//
// Why: every analysis allocates its new tree, model and findings, and V8 collects the young generation
// when it fills, which is during some later analysis: on the shipped 448-line runbook a scavenge came
// about every 7 edits and took 2-9 ms, on a 2,000-line one every 2-3 edits and 5-15 ms; those edits made
// the p95 latency. A keystroke's diagnostics are followed by idle time (people type tens of milliseconds
// apart), so a scavenge there costs the user nothing. V8 has no idle-time collection Node exposes; its
// `gc` function (--expose-gc) takes { type: 'minor' }. Set at run time, the flag gives that function to
// contexts created after it: one vm context, here. Without it (another runtime refusing the flag) the
// collector does nothing and V8 collects as before.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (options: { type: 'minor'; execution: 'sync' }) => void;

export interface IdleCollector {
  /** Collects the young generation once nothing has happened for a moment. */
  soon(): void;
  /** Something arrived: no collection now. */
  cancel(): void;
}

/**
 * `quietMs`: how long nothing must happen first. Changes typed in one burst arrive within a millisecond
 * of each other; a later one waits at most one scavenge, which it would have paid inside its analysis.
 */
export function idleCollector(quietMs = 4): IdleCollector {
  const gc = exposedGc();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cancel = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  if (!gc) return { soon: () => undefined, cancel };
  return {
    soon() {
      cancel();
      timer = setTimeout(() => {
        timer = undefined;
        gc({ type: 'minor', execution: 'sync' });
      }, quietMs);
      // Never what keeps the process alive.
      timer.unref();
    },
    cancel,
  };
}

/** V8's gc function, from a context created after --expose-gc is set; undefined where the flag is refused. */
function exposedGc(): Gc | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const fn: unknown = runInNewContext('typeof gc === "function" ? gc : undefined');
    return typeof fn === 'function' ? (fn as Gc) : undefined;
  } catch {
    return undefined;
  }
}
