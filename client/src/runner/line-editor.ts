// Reads answers from raw keystrokes (a TTY in raw mode or a VS Code Pseudoterminal), echoing unless hidden.

/** Where echoed characters go; for a Pseudoterminal that is its write emitter. */
export type Write = (text: string) => void;

interface Pending {
  hidden: boolean;
  resolve: (line: string | undefined) => void;
}

/**
 * A minimal line editor: printable characters, backspace, Enter, Ctrl+C / Ctrl+D (cancel).
 * Hidden mode echoes nothing, not even stars, so the length of a secret is not shown either.
 * Keystrokes that arrive before a question (type-ahead, a paste) wait for it.
 */
export class LineEditor {
  private line = '';
  private queued = '';
  private pending: Pending | undefined;
  private closed = false;

  constructor(private readonly write: Write) {}

  /** True while a question waits for its answer. */
  get asking(): boolean {
    return this.pending !== undefined;
  }

  /** Feeds raw input: what the terminal sent (one key, or a whole paste). */
  handleInput(data: string): void {
    this.queued += data;
    this.drain();
  }

  /** The input ended (terminal closed): the open question and all later ones are cancelled. */
  close(): void {
    this.closed = true;
    this.finish(undefined);
  }

  /** Asks for one line; resolves undefined when cancelled. */
  readLine(hidden: boolean): Promise<string | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.pending = { hidden, resolve };
      this.line = '';
      this.drain();
    });
  }

  private finish(value: string | undefined): void {
    const p = this.pending;
    this.pending = undefined;
    this.line = '';
    p?.resolve(value);
  }

  private drain(): void {
    while (this.pending && this.queued.length) {
      const ch = this.queued[0]!;
      // An escape sequence (arrow keys, function keys) is dropped whole rather than typed.
      const esc = /^\x1b(\[[0-9;?]*[ -/]*[@-~]|O.|.)?/.exec(this.queued);
      if (esc && ch === '\x1b') {
        this.queued = this.queued.slice(esc[0].length || 1);
        continue;
      }
      this.queued = this.queued.slice(1);
      const hidden = this.pending.hidden;
      if (ch === '\r' || ch === '\n') {
        // A "\r\n" pair is one Enter.
        if (ch === '\r' && this.queued[0] === '\n') this.queued = this.queued.slice(1);
        this.write('\r\n');
        this.finish(this.line);
      } else if (ch === '\x03' || (ch === '\x04' && this.line === '')) {
        this.write('^C\r\n');
        this.queued = '';
        this.finish(undefined);
      } else if (ch === '\x7f' || ch === '\b') {
        if (this.line.length) {
          this.line = [...this.line].slice(0, -1).join('');
          if (!hidden) this.write('\b \b');
        }
      } else if (ch === '\x15') {
        // Ctrl+U clears the line.
        if (!hidden) this.write('\b \b'.repeat([...this.line].length));
        this.line = '';
      } else if (ch >= ' ') {
        this.line += ch;
        if (!hidden) this.write(ch);
      }
    }
  }
}
