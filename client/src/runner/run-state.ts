// A run's secret state while it runs: secret captures a resume (or a rollback after one) needs, kept encrypted at rest beside the segment's transcript, or in memory only without a state key.
import { statePath, writeSecretState } from '../node/secret-state-file';

export class SecretRunState {
  private readonly values: Record<string, string> = {};
  private warned = false;

  constructor(
    /** The operator's state key (`--state-key-file` / `--state-key-env`); without it nothing is written. */
    private readonly key: Buffer | undefined,
    private readonly runId: string,
    private readonly transcript: string,
    /** Told once when a secret is kept in memory only (no key): a resume would have to ask for it again. */
    private readonly onUnkept: (name: string) => void,
  ) {}

  get file(): string {
    return statePath(this.transcript);
  }

  /** Carries values restored from an earlier segment into this one's state file. */
  carry(values: ReadonlyMap<string, string>): void {
    for (const [k, v] of values) this.values[k] = v;
    if (values.size) this.write();
  }

  /** A secret captured now: written (encrypted) before the next step runs. */
  add(name: string, value: string): void {
    this.values[name] = value;
    if (!this.key) {
      if (!this.warned) this.onUnkept(name);
      this.warned = true;
      return;
    }
    this.write();
  }

  private write(): void {
    if (this.key) writeSecretState(this.file, this.key, this.runId, this.values);
  }
}
