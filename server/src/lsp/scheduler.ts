// Per-document debounce: the latest edit wins; earlier pending validations are dropped.
export class Debouncer {
  private timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly delayMs: number) {}

  /** Runs `run` after the delay unless rescheduled; always asynchronous, so bursts coalesce. */
  schedule(key: string, run: () => void): void {
    this.cancel(key);
    this.timers.set(key, setTimeout(() => (this.timers.delete(key), run()), Math.max(0, this.delayMs)));
  }

  cancel(key: string): void {
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
  }

  cancelAll(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
