// Renders run events as terminal text (step headers, spinner, checks, summary table) and asks prompts through a LineEditor.
// Used by `runsafe run` over stdout/stdin and by the VS Code guarded terminal over a Pseudoterminal.
import { printable } from './inputs';
import type { RunEvent, RunnerHost, RunnerPrompts, SummaryRow, StepState, ManualAnswer, RollbackChoice, FailureChoice } from './events';
import { LineEditor } from './line-editor';
import { describeFailure } from './expect';
import { formatDuration } from '../../../server/src/language/duration';

export interface TerminalUiOptions {
  write: (text: string) => void;
  /** ANSI colours (see colorEnabled). */
  color: boolean;
  /** Output is a terminal: a spinner may redraw the current line. */
  live: boolean;
  /** Keystrokes are fed to handleInput(), so prompts can be asked. */
  interactive: boolean;
  /** Pseudoterminals move to column 0 only on "\r\n". */
  crlf?: boolean;
  now?: () => number;
  /** Show stdout/stderr of steps (on by default). */
  showOutput?: boolean;
  /** Ctrl+C while no question is open: the operator wants to cancel the run. */
  onInterrupt?: () => void;
  /**
   * The terminal's width, when known: the spinner line is cut to fit (a wrapped spinner leaves a
   * stale line behind at each redraw) and long output lines wrap with the gutter kept.
   */
  columns?: () => number | undefined;
}

/** Colour only on a terminal, never with NO_COLOR (https://no-color.org), always with FORCE_COLOR. */
export function colorEnabled(env: Record<string, string | undefined>, isTTY: boolean | undefined): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0') return true;
  return isTTY === true && env['TERM'] !== 'dumb';
}

const CODES = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39], gray: [90, 39] } as const;
type Style = keyof typeof CODES;

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

const STATE_MARK: Record<StepState, [string, Style]> = {
  pending: ['·', 'gray'],
  running: ['▸', 'cyan'],
  passed: ['✓', 'green'],
  failed: ['✗', 'red'],
  'timed-out': ['✗', 'red'],
  cancelled: ['■', 'yellow'],
  refused: ['⊘', 'yellow'],
  skipped: ['↷', 'gray'],
  parked: ['⏸', 'yellow'],
};

/** Strips ANSI escapes (for width computations). */
function plain(s: string): string {
  return s.replace(/\x1b\[[0-9;]*m/g, '');
}

/** Terminal control characters in process output could move the cursor over our lines or retitle the window: show them inert. */
function inert(text: string): string {
  return text.replace(/\x1b/g, '␛').replace(/[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]/g, (c) => `^${String.fromCharCode(c.charCodeAt(0) ^ 0x40)}`);
}

export class TerminalUi implements RunnerHost {
  readonly prompts?: RunnerPrompts;
  private readonly editor: LineEditor;
  private readonly now: () => number;
  private spinner: { stepId: string; text: string; frame: number; started: number; timer: ReturnType<typeof setInterval> } | undefined;
  private spinnerShown = false;
  /** Characters already on the current output line of each step stream (for wrapping). */
  private readonly column: Record<string, number> = {};
  private atLineStart: Record<string, boolean> = {};

  constructor(private readonly o: TerminalUiOptions) {
    this.now = o.now ?? Date.now;
    this.editor = new LineEditor((t) => this.raw(t));
    if (o.interactive) this.prompts = this.makePrompts();
  }

  /** Raw keystrokes from the terminal. */
  handleInput(data: string): void {
    if (!this.editor.asking && data.includes('\x03')) {
      this.o.onInterrupt?.();
      return;
    }
    this.editor.handleInput(data);
  }

  /** The terminal's input ended: open and later prompts are cancelled. */
  closeInput(): void {
    this.editor.close();
  }

  /** Stops the spinner timer (call when the run is over). */
  dispose(): void {
    this.stopSpinner();
  }

  private raw(text: string): void {
    this.o.write(this.o.crlf ? text.replace(/\r?\n/g, '\r\n') : text);
  }

  private paint(style: Style, text: string): string {
    if (!this.o.color) return text;
    const [on, off] = CODES[style];
    return `\x1b[${on}m${text}\x1b[${off}m`;
  }

  /** Writes whole lines, moving the spinner out of the way first. */
  private line(text: string): void {
    this.clearSpinner();
    this.raw(`${text}\n`);
    this.drawSpinner();
  }

  private clearSpinner(): void {
    if (this.spinnerShown) {
      this.raw('\r\x1b[2K');
      this.spinnerShown = false;
    }
  }

  private drawSpinner(): void {
    const s = this.spinner;
    if (!s || !this.o.live || !Object.values(this.atLineStart).every(Boolean)) return;
    const frame = this.o.color ? this.paint('cyan', SPINNER[s.frame % SPINNER.length]!) : SPINNER[s.frame % SPINNER.length]!;
    const took = formatDuration(this.now() - s.started);
    const cols = this.o.columns?.();
    // Frame, spaces and duration take 3 + took.length columns; one more is kept free so the line never wraps.
    const room = cols ? Math.max(1, cols - 4 - took.length) : Infinity;
    const text = [...s.text].length > room ? `${[...s.text].slice(0, Math.max(0, room - 1)).join('')}…` : s.text;
    this.raw(`\r\x1b[2K${frame} ${text} ${this.paint('gray', took)}`);
    this.spinnerShown = true;
  }

  private startSpinner(stepId: string, text: string): void {
    if (!this.o.live) return;
    this.stopSpinner();
    const timer = setInterval(() => {
      if (!this.spinner) return;
      this.spinner.frame++;
      this.clearSpinner();
      this.drawSpinner();
    }, 100);
    timer.unref?.();
    this.spinner = { stepId, text, frame: 0, started: this.now(), timer };
    this.drawSpinner();
  }

  private stopSpinner(): void {
    if (!this.spinner) return;
    clearInterval(this.spinner.timer);
    this.clearSpinner();
    this.spinner = undefined;
  }

  private output(stepId: string, stream: string, text: string): void {
    if (this.o.showOutput === false) return;
    this.clearSpinner();
    const key = `${stepId}:${stream}`;
    const other = `${stepId}:${stream === 'stdout' ? 'stderr' : 'stdout'}`;
    // Interleaved streams: finish the other stream's partial line first.
    if (this.atLineStart[other] === false) {
      this.raw('\n');
      this.atLineStart[other] = true;
    }
    const bar = this.paint(stream === 'stderr' ? 'yellow' : 'gray', '│');
    let out = '';
    const cols = this.o.columns?.();
    const width = cols && cols > 12 ? cols - 4 : Infinity;
    for (const piece of inert(text).split(/(?<=\n)/)) {
      if (this.atLineStart[key] !== false) {
        out += `  ${bar} `;
        this.column[key] = 0;
      }
      // Wrap long lines here, gutter included, instead of letting the terminal wrap them under it.
      let rest = piece;
      while (width !== Infinity && [...rest.replace(/\n$/, '')].length > width - (this.column[key] ?? 0)) {
        const chars = [...rest];
        const take = Math.max(1, width - (this.column[key] ?? 0));
        out += `${chars.slice(0, take).join('')}\n  ${bar} `;
        rest = chars.slice(take).join('');
        this.column[key] = 0;
      }
      out += rest;
      this.column[key] = rest.endsWith('\n') ? 0 : (this.column[key] ?? 0) + [...rest].length;
      this.atLineStart[key] = piece.endsWith('\n');
    }
    this.raw(out);
    this.drawSpinner();
  }

  /** Ends an unterminated output line of a step before anything else is printed. */
  private endOutput(stepId: string): void {
    for (const stream of ['stdout', 'stderr']) {
      const key = `${stepId}:${stream}`;
      if (this.atLineStart[key] === false) {
        this.raw('\n');
        this.atLineStart[key] = true;
      }
    }
  }

  emit(e: RunEvent): void {
    switch (e.type) {
      case 'run-started':
        this.line(`${this.paint('bold', `${e.dryRun ? 'Plan' : 'Run'}: ${e.title}`)} ${this.paint('gray', `(${e.runbook}, ${e.path})`)}`);
        break;
      case 'gate':
        this.line(`${e.ok ? this.paint('green', '✓') : this.paint('red', '✗')} ${this.paint('bold', e.gate)}: ${e.message}`);
        break;
      case 'section':
        this.line(`\n${this.paint('bold', `── ${e.title}${e.item ? ` · ${e.item.index}/${e.item.of} ${e.item.label}` : ''} ──`)}`);
        break;
      case 'step-state': {
        this.endOutput(e.stepId);
        if (e.state === 'running') {
          if (e.attempt === undefined || e.attempt <= 1) {
            this.line(`\n${this.paint('cyan', '▸')} ${this.paint('bold', e.title)} ${this.paint('gray', `[${e.kind} ${e.stepId}]`)}`);
          }
          this.startSpinner(e.stepId, e.kind === 'wait' ? `waiting: ${e.title}` : e.title);
        } else {
          if (this.spinner?.stepId === e.stepId) this.stopSpinner();
          const [mark, style] = STATE_MARK[e.state];
          const attempts = e.attempt && e.attempt > 1 ? ` after ${e.attempt} attempts` : '';
          this.line(`${this.paint(style, mark)} ${e.stepId} ${this.paint(style, e.state)}${attempts}${e.detail ? `: ${e.detail}` : ''}`);
        }
        break;
      }
      case 'output':
        this.output(e.stepId, e.stream, e.text);
        break;
      case 'progress':
        if (this.spinner && this.spinner.stepId === e.stepId) {
          this.spinner.text = e.message;
          this.clearSpinner();
          this.drawSpinner();
        } else this.line(`  ${this.paint('gray', '…')} ${e.message}`);
        break;
      case 'check':
        this.endOutput(e.stepId);
        this.line(`  ${e.ok ? `${this.paint('green', '✓')} ${e.check}` : `${this.paint('red', '✗')} ${describeFailure(e)}`}`);
        break;
      case 'retry':
        this.line(`  ${this.paint('yellow', '↻')} retrying: attempt ${e.attempt} of ${e.of} in ${formatDuration(e.delayMs)}`);
        break;
      case 'input':
        this.line(`  ${this.paint('gray', '·')} input ${e.name} ${e.secret ? '(secret)' : `= ${printable(e.value ?? '')}`} ${this.paint('gray', `from ${e.source}`)}`);
        break;
      case 'capture':
        this.line(`  ${this.paint('gray', '·')} captured ${e.into}${e.secret ? ' (secret, masked from now on)' : ''}`);
        break;
      case 'confirmation':
        if (!e.ok) this.line(`${this.paint('yellow', '⊘')} ${e.message ?? `confirmation of ${e.stepId} refused`}`);
        else this.line(`  ${this.paint('green', '✓')} confirmed ${e.stepId} ${this.paint('gray', `(${e.how === 'flag' ? '--confirm' : 'typed'})`)}`);
        break;
      case 'manual':
        break;
      case 'rollback-offer':
        this.line(`\n${this.paint('yellow', '⟲')} ${this.paint('bold', `${e.stepId} failed`)}: rollback available: ${e.rollbacks.join(', ')}`);
        break;
      case 'route':
        this.line(`\n${this.paint('yellow', '↪')} ${e.stepId} failed: into section "${e.title}" ${this.paint('gray', '(on_failure)')}`);
        break;
      case 'rollback-withheld':
        this.line(`  ${this.paint('yellow', '⊘')} rollback ${e.stepId} withheld: ${e.reason} (unsafe_after)`);
        break;
      case 'failure-choice':
        this.line(`  ${this.paint('yellow', FAILURE_MARK[e.choice])} ${e.stepId} (attempt ${e.attempt} failed): ${e.choice} ${this.paint('gray', `(${e.by === 'policy' ? '--on-failure' : 'operator'})`)}`);
        break;
      case 'rollback-choice':
        this.line(`  ${this.paint('yellow', '⟲')} rollback ${e.stepId}: ${e.choice} ${this.paint('gray', `(${e.by === 'policy' ? 'non-interactive policy' : 'operator'})`)}`);
        break;
      case 'message':
        this.line(`${e.level === 'error' ? this.paint('red', 'error:') : e.level === 'warn' ? this.paint('yellow', 'warning:') : this.paint('gray', 'note:')} ${e.text}`);
        break;
      case 'run-finished':
        this.stopSpinner();
        this.line('');
        for (const l of this.summaryTable(e.summary)) this.line(l);
        this.line(`\n${this.paint('bold', 'Result:')} ${this.paint(e.status === 'passed' ? 'green' : e.status === 'failed' ? 'red' : 'yellow', e.status)} in ${formatDuration(e.durationMs)}`);
        break;
    }
  }

  /** A fixed-width table: step, kind, state, attempts, time, detail. */
  summaryTable(rows: SummaryRow[]): string[] {
    if (!rows.length) return [];
    const head = ['step', 'kind', 'state', 'tries', 'time', 'detail'];
    const cells = rows.map((r) => [r.id, r.kind, r.state, String(r.attempts), r.durationMs ? formatDuration(r.durationMs) : '', r.detail ?? '']);
    const widths = head.map((h, i) => Math.min(i === 5 ? 60 : 40, Math.max(h.length, ...cells.map((c) => c[i]!.length))));
    const fit = (s: string, w: number) => (s.length > w ? `${s.slice(0, w - 1)}…` : s.padEnd(w));
    const out = [this.paint('bold', head.map((h, i) => fit(h, widths[i]!)).join('  ').trimEnd()), this.paint('gray', widths.map((w) => '─'.repeat(w)).join('  '))];
    for (let i = 0; i < rows.length; i++) {
      const row = cells[i]!.map((c, j) => fit(c, widths[j]!));
      const [, style] = STATE_MARK[rows[i]!.state];
      row[2] = this.paint(style, row[2]!);
      out.push(row.join('  ').trimEnd());
    }
    return out;
  }

  private async ask(question: string, hidden: boolean): Promise<string | undefined> {
    this.stopSpinner();
    this.raw(question);
    return this.editor.readLine(hidden);
  }

  private makePrompts(): RunnerPrompts {
    return {
      input: async (req) => {
        const hint = req.enum?.length ? ` [${req.enum.join('/')}]` : '';
        const def = req.default !== undefined && !req.secret ? ` (default ${req.default})` : '';
        const desc = req.description ? `${this.paint('gray', req.description)}\n` : '';
        return this.ask(`${desc}${this.paint('bold', req.name)}${req.secret ? ' (secret, not shown)' : ''}${hint}${def}: `, req.secret);
      },
      confirmTarget: async (req) => {
        this.line(`${this.paint('yellow', '!')} ${this.paint('bold', req.title)} needs confirmation: ${req.why}`);
        return this.ask(`  Type ${this.paint('bold', req.target)} to proceed (anything else cancels): `, false);
      },
      question: async (req) => {
        for (;;) {
          const a = await this.ask(`${this.paint('yellow', '?')} ${req.text} [y/n]: `, false);
          if (a === undefined) return undefined;
          const v = choice<boolean>(a, { y: true, yes: true, n: false, no: false });
          if (v !== undefined) return v;
        }
      },
      manual: async (req) => {
        this.line(`  ${this.paint('cyan', 'Manual step:')} ${req.text}`);
        for (const item of req.checklist ?? []) this.line(`    ☐ ${item}`);
        for (;;) {
          const a = await this.ask(`  Done? [d]one / [s]kip / [a]bort: `, false);
          if (a === undefined) return undefined;
          const v = choice<ManualAnswer>(a, { d: 'done', done: 'done', s: 'skip', skip: 'skip', a: 'abort', abort: 'abort' });
          if (v) return v;
        }
      },
      failure: async (req) => {
        this.line(`\n${this.paint('red', '✗')} ${this.paint('bold', req.title)} failed (attempt ${req.attempt}): ${req.detail}`);
        if (req.rollbacks.length) this.line(`  rollbacks offered: ${req.rollbacks.join(', ')}`);
        for (const w of req.withheld ?? []) this.line(`  rollback ${w.id} withheld: unsafe after ${w.after}, which has started`);
        const keys: Record<string, FailureChoice> = {};
        for (const o of req.options) keys[o === 'rollback' ? 'b' : o[0]!] = keys[o] = o;
        for (;;) {
          const a = await this.ask(`  ${req.options.map((o) => FAILURE_LABEL[o]).join(' / ')}: `, false);
          if (a === undefined) return undefined;
          const v = choice<FailureChoice>(a, keys);
          if (v) return v;
        }
      },
      rollback: async (req) => {
        for (;;) {
          const a = await this.ask(`  Rollback ${this.paint('bold', req.rollbacks.join(', '))}? [r]un / [s]kip / [a]bort: `, false);
          if (a === undefined) return undefined;
          const v = choice<RollbackChoice>(a, { r: 'run', run: 'run', s: 'skip', skip: 'skip', a: 'abort', abort: 'abort' });
          if (v) return v;
        }
      },
    };
  }
}

const FAILURE_LABEL: Record<FailureChoice, string> = { retry: '[r]etry', rollback: 'roll[b]ack', skip: '[s]kip', abort: '[a]bort', stop: 'stop' };
const FAILURE_MARK: Record<FailureChoice, string> = { retry: '↻', rollback: '⟲', skip: '↷', abort: '■', stop: '■' };

function choice<T>(answer: string, map: Record<string, T>): T | undefined {
  const key = answer.trim().toLowerCase();
  // Own keys only: "constructor" is not an answer.
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

export { plain as stripAnsi };
