// Per-document debounce: the latest edit wins; earlier pending validations are dropped.
export class Debouncer {
  private timers = new Map<string, { cancel: () => void }>();

  constructor(private readonly delayMs: number) {}

  /**
   * Runs `run` after the delay unless rescheduled; always asynchronous, so bursts coalesce. With no
   * delay (debounceMs 0) the run waits two turns of the event loop (setImmediate twice) instead of a
   * setTimeout of 0, which Node raises to 1 ms that every edit then waited for with nothing to do. Two
   * turns, because the JSON-RPC connection dispatches one queued message per turn: a change already
   * read behind this one is dispatched in the next turn and reschedules the run, so a burst is still
   * analysed once, at its last version.
   */
  schedule(key: string, run: () => void): void {
    this.cancel(key);
    const fire = () => (this.timers.delete(key), run());
    if (this.delayMs <= 0) {
      let h = setImmediate(() => (h = setImmediate(fire)));
      this.timers.set(key, { cancel: () => clearImmediate(h) });
    } else {
      const h = setTimeout(fire, this.delayMs);
      this.timers.set(key, { cancel: () => clearTimeout(h) });
    }
  }

  cancel(key: string): void {
    this.timers.get(key)?.cancel();
    this.timers.delete(key);
  }

  cancelAll(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }
}
