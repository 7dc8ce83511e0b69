// The Runsafe view (activity bar): the current run (header, sections, steps with state, duration,
// attempts and checks) and past runs from the transcripts with their verdicts and cadence state.
import * as vscode from 'vscode';
import type { FailureChoice, RunEvent, StepState } from '../runner/events';
import type { CadenceState, PastRun } from './run-history';
import { relativeTime } from './run-history';

export interface StepRow {
  id: string;
  title: string;
  section?: string;
  group: 'precondition' | 'step' | 'rollback';
  state: StepState | 'rolled-back';
  started?: number;
  ended?: number;
  attempts: number;
  detail?: string;
  rollbacks: string[];
  checks: { check: string; ok: boolean; detail?: string }[];
  /** What was done about each failed attempt (the failure prompt or `--on-failure`), in order. */
  choices: { choice: FailureChoice; by: 'operator' | 'policy'; attempt: number }[];
  /** Set while the failure prompt waits for this step: the options it offers (the row's actions). */
  asking?: FailureChoice[];
}

/** A failure choice as the step's row says it. */
const choiceLabel: Record<FailureChoice, string> = { retry: 'retried', rollback: 'rollback chosen', skip: 'skipped', abort: 'aborted', stop: 'stopped' };

export interface CurrentRun {
  /** Bumped per run so tree ids never collide with the previous run's rows. */
  seq: number;
  runbook: vscode.Uri;
  title: string;
  operator: string;
  dryRun: boolean;
  status: 'running' | 'passed' | 'failed' | 'aborted' | 'refused' | 'cancelled' | 'parked';
  transcript?: string;
  verdict?: string;
  signed?: boolean;
  refusal?: string;
  rows: StepRow[];
}

export type Node =
  | { kind: 'run' }
  | { kind: 'info'; label: string; value: string; tooltip?: string; command?: vscode.Command; icon?: string }
  | { kind: 'section'; title: string }
  | { kind: 'step'; row: StepRow }
  | { kind: 'check'; row: StepRow; index: number }
  | { kind: 'history' }
  | { kind: 'past'; run: PastRun; path: string; verdict?: string; resumable?: boolean }
  | { kind: 'cadence'; state: CadenceState; title: string };

const icons: Record<StepRow['state'], [string, string?]> = {
  pending: ['circle-outline'],
  running: ['sync~spin', 'charts.blue'],
  passed: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  'timed-out': ['watch', 'testing.iconFailed'],
  cancelled: ['circle-slash', 'list.warningForeground'],
  refused: ['shield', 'list.warningForeground'],
  skipped: ['debug-step-over'],
  parked: ['debug-pause', 'list.warningForeground'],
  'rolled-back': ['discard', 'list.warningForeground'],
};

const statusIcons: Record<CurrentRun['status'], [string, string?]> = {
  running: ['sync~spin', 'charts.blue'],
  passed: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  aborted: ['error', 'testing.iconFailed'],
  refused: ['shield', 'list.warningForeground'],
  cancelled: ['circle-slash', 'list.warningForeground'],
  parked: ['debug-pause', 'list.warningForeground'],
};

/** Run ends a resume can continue (refused and passed runs cannot; a killed one shows as unterminated in the past runs). */
export const resumableStatus: ReadonlySet<string> = new Set(['failed', 'aborted', 'cancelled', 'parked', 'unterminated']);

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function themeIcon([icon, color]: [string, string?]): vscode.ThemeIcon {
  return new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
}

export class RunView implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  current: CurrentRun | undefined;
  private seq = 0;
  private history: { runs: { run: PastRun; path: string; verdict?: string; resumable?: boolean }[]; cadence: { state: CadenceState; title: string }[] } = { runs: [], cadence: [] };
  /** Set by main.ts once the tree view exists: its message says plainly when a run is unsigned. */
  treeView?: vscode.TreeView<Node>;

  constructor(private readonly now: () => number = Date.now) {}

  /** A new run starts: the view lists what the plan will run, all pending, grouped by section. */
  start(runbook: vscode.Uri, opts: { title: string; operator: string; dryRun: boolean; signed: boolean }, steps: { id: string; title: string; section?: string; group?: StepRow['group']; rollback?: string[] }[]): void {
    this.current = {
      seq: ++this.seq,
      runbook,
      title: opts.title,
      operator: opts.operator,
      dryRun: opts.dryRun,
      signed: opts.signed,
      status: 'running',
      rows: steps.map((s) => ({ id: s.id, title: s.title, section: s.section, group: s.group ?? 'step', state: 'pending', attempts: 0, rollbacks: s.rollback ?? [], checks: [], choices: [] })),
    };
    this.setMessage();
    void vscode.commands.executeCommand('setContext', 'runsafe.running', true);
    this.changed.fire(undefined);
  }

  /** Mirrors the runner's events; a rollback step that passed marks its run as rolled back. */
  onEvent(e: RunEvent): void {
    const run = this.current;
    if (!run) return;
    if (e.type === 'run-started') run.title = e.title || run.title;
    else if (e.type === 'gate' && !e.ok) run.refusal = e.message;
    else if (e.type === 'step-state') {
      let row = run.rows.find((r) => r.id === e.stepId);
      if (!row) {
        row = { id: e.stepId, title: e.title, group: 'step', state: 'pending', attempts: 0, rollbacks: [], checks: [], choices: [] };
        run.rows.push(row);
      }
      if (e.state === 'running') {
        row.started ??= this.now();
        row.ended = undefined;
        row.attempts = Math.max(row.attempts + (row.state === 'running' ? 0 : 1), e.attempt ?? 0);
      }
      if (e.state !== 'running' && e.state !== 'pending') row.ended = this.now();
      row.state = e.state === 'passed' && row.group === 'rollback' ? 'rolled-back' : e.state;
      row.detail = e.detail;
    } else if (e.type === 'retry') {
      const row = run.rows.find((r) => r.id === e.stepId);
      if (row) row.attempts = Math.max(row.attempts, e.attempt);
    } else if (e.type === 'failure-choice') {
      run.rows.find((r) => r.id === e.stepId)?.choices.push({ choice: e.choice, by: e.by, attempt: e.attempt });
    } else if (e.type === 'check') {
      run.rows.find((r) => r.id === e.stepId)?.checks.push({ check: e.check, ok: e.ok, detail: e.detail });
    } else if (e.type === 'run-finished') run.status = e.status;
    else return;
    this.changed.fire(undefined);
  }

  /** The failure prompt waits for `stepId` with these options, or (undefined) was answered. */
  askFailure(stepId: string, options: FailureChoice[] | undefined): void {
    const row = this.current?.rows.find((r) => r.id === stepId);
    if (!row) return;
    row.asking = options;
    this.changed.fire(undefined);
  }

  /** The run is over: its transcript, verdict and whether it was signed. */
  finish(result: { status?: CurrentRun['status']; transcript?: string; verdict?: string; signed?: boolean }): void {
    const run = this.current;
    if (!run) return;
    if (result.status) run.status = result.status;
    if (run.status === 'running') run.status = 'aborted';
    run.transcript = result.transcript;
    run.verdict = result.verdict;
    if (result.signed !== undefined) run.signed = result.signed;
    this.setMessage();
    void vscode.commands.executeCommand('setContext', 'runsafe.running', false);
    this.changed.fire(undefined);
  }

  setHistory(runs: { run: PastRun; path: string; verdict?: string; resumable?: boolean }[], cadence: { state: CadenceState; title: string }[]): void {
    this.history = { runs, cadence };
    this.changed.fire(undefined);
  }

  private setMessage(): void {
    if (!this.treeView) return;
    const run = this.current;
    this.treeView.message = run && !run.dryRun && run.signed === false ? 'This run is NOT signed: its transcript is hash-chained only. Generate a signing key to sign runs.' : undefined;
  }

  getParent(): undefined {
    return undefined;
  }

  getChildren(node?: Node): Node[] {
    const run = this.current;
    if (!node) {
      const top: Node[] = [];
      if (run) top.push({ kind: 'run' });
      top.push({ kind: 'history' });
      return top;
    }
    if (node.kind === 'run' && run) {
      const info: Node[] = [
        { kind: 'info', label: 'Runbook', value: vscode.workspace.asRelativePath(run.runbook), icon: 'book', command: { command: 'vscode.open', title: 'Open runbook', arguments: [run.runbook] } },
        { kind: 'info', label: 'Operator', value: run.operator, icon: 'person' },
      ];
      if (run.refusal) info.push({ kind: 'info', label: 'Refused', value: run.refusal, icon: 'shield' });
      if (run.transcript) info.push({ kind: 'info', label: 'Transcript', value: vscode.workspace.asRelativePath(run.transcript), icon: 'file', command: { command: 'runsafe.showTranscriptSummary', title: 'Open transcript summary', arguments: [vscode.Uri.file(run.transcript)] } });
      if (run.verdict) info.push({ kind: 'info', label: 'Verdict', value: run.verdict, icon: run.signed ? 'verified' : 'unverified' });
      else if (!run.dryRun && run.status !== 'running' && !run.transcript) info.push({ kind: 'info', label: 'Verdict', value: 'no transcript', icon: 'unverified' });
      const sections: Node[] = [];
      const seen = new Set<string>();
      for (const r of run.rows) {
        if (r.section && !seen.has(r.section)) {
          seen.add(r.section);
          sections.push({ kind: 'section', title: r.section });
        } else if (!r.section) sections.push({ kind: 'step', row: r });
      }
      return [...info, ...sections];
    }
    if (node.kind === 'section' && run) return run.rows.filter((r) => r.section === node.title).map((row) => ({ kind: 'step', row }));
    if (node.kind === 'step') return node.row.checks.map((_, index) => ({ kind: 'check', row: node.row, index }));
    if (node.kind === 'history') return [...this.history.cadence.map((c): Node => ({ kind: 'cadence', ...c })), ...this.history.runs.map((r): Node => ({ kind: 'past', ...r }))];
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const run = this.current;
    const seq = run?.seq ?? 0;
    const None = vscode.TreeItemCollapsibleState.None;
    const Expanded = vscode.TreeItemCollapsibleState.Expanded;
    switch (node.kind) {
      case 'run': {
        const item = new vscode.TreeItem(`${run!.dryRun ? 'Plan of ' : ''}${run!.title}`, Expanded);
        item.id = `run/${seq}`;
        item.iconPath = themeIcon(statusIcons[run!.status]);
        item.description = [run!.status, run!.dryRun ? 'dry run' : run!.status === 'running' ? '' : run!.signed ? 'signed' : 'NOT signed'].filter(Boolean).join(' · ');
        item.tooltip = `${run!.title}\n${run!.status}${run!.verdict ? `\n${run!.verdict}` : ''}`;
        item.contextValue = `run-${run!.status === 'running' ? 'running' : 'over'}${run!.transcript ? '-transcript' : ''}${run!.transcript && !run!.dryRun && resumableStatus.has(run!.status) ? '-resumable' : ''}`;
        return item;
      }
      case 'info': {
        const item = new vscode.TreeItem(node.label, None);
        item.id = `run/${seq}/info/${node.label}`;
        item.description = node.value;
        item.tooltip = `${node.label}: ${node.value}`;
        if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon);
        if (node.command) item.command = node.command;
        return item;
      }
      case 'section': {
        const rows = run?.rows.filter((r) => r.section === node.title) ?? [];
        const item = new vscode.TreeItem(node.title, Expanded);
        item.id = `run/${seq}/section/${node.title}`;
        item.iconPath = new vscode.ThemeIcon('list-tree');
        item.description = `${rows.filter((r) => r.state === 'passed' || r.state === 'rolled-back').length}/${rows.length}`;
        item.tooltip = node.title;
        return item;
      }
      case 'step': {
        const row = node.row;
        const item = new vscode.TreeItem(row.title || row.id, row.checks.length ? vscode.TreeItemCollapsibleState.Collapsed : None);
        item.id = `run/${seq}/step/${row.id}`;
        item.iconPath = themeIcon(icons[row.state]);
        const took = row.started !== undefined ? formatMs((row.ended ?? this.now()) - row.started) : '';
        const attempts = row.attempts > 1 ? `${row.attempts} attempts` : '';
        const choices = row.choices.map((c) => choiceLabel[c.choice]).join(', ');
        // A step a resume did not run again says so (the runner's detail: "passed in segment 1; not run again").
        const carried = row.state === 'passed' && row.attempts === 0 && row.detail ? row.detail : '';
        item.description = [row.state, took, attempts, choices, carried, row.asking ? 'waiting for your choice' : ''].filter(Boolean).join(' · ');
        // The full title and state live in the tooltip too, so a narrow view never hides them.
        const md = new vscode.MarkdownString();
        md.appendText(`${row.title || row.id}\n`);
        md.appendMarkdown(`\n\`${row.id}\` · ${row.state}${took ? ` · ${took}` : ''}${row.attempts ? ` · ${row.attempts} attempt${row.attempts === 1 ? '' : 's'}` : ''}\n`);
        if (row.detail) md.appendText(`\n${row.detail}\n`);
        for (const c of row.checks) md.appendText(`\n${c.ok ? '✓' : '✗'} ${c.check}${c.detail ? `: ${c.detail}` : ''}`);
        for (const c of row.choices) md.appendText(`\nattempt ${c.attempt} failed: ${c.choice} (${c.by === 'policy' ? '--on-failure' : 'operator'})`);
        if (row.asking) md.appendText(`\nThe run waits: choose ${row.asking.join(', ')} here or in the terminal.`);
        item.tooltip = md;
        const failed = row.state === 'failed' || row.state === 'timed-out' || row.state === 'cancelled' || row.state === 'refused';
        // While the failure prompt waits, the row's actions are exactly the options it offers.
        if (row.asking) item.contextValue = `failure-prompt:${row.asking.join(':')}`;
        else item.contextValue = `step${failed ? '-failed' : ''}${row.rollbacks.length ? '-rollback' : ''}${row.group === 'rollback' ? '-undo' : ''}`;
        // While the prompt waits, a click (or Enter) on the row offers its choices: the inline actions show only on hover.
        if (row.asking) item.command = { command: 'runsafe.view.failure.choose', title: 'Answer the failure prompt', arguments: [node] };
        else if (run) item.command = { command: 'runsafe.revealStep', title: 'Reveal step', arguments: [run.runbook.toString(), row.id] };
        return item;
      }
      case 'check': {
        const c = node.row.checks[node.index]!;
        const item = new vscode.TreeItem(c.check, None);
        item.id = `run/${seq}/step/${node.row.id}/check/${node.index}`;
        item.iconPath = themeIcon(c.ok ? ['pass', 'testing.iconPassed'] : ['error', 'testing.iconFailed']);
        item.description = c.detail;
        item.tooltip = `${c.ok ? 'passed' : 'failed'}: ${c.check}${c.detail ? `\n${c.detail}` : ''}`;
        return item;
      }
      case 'history': {
        const item = new vscode.TreeItem('Past runs', vscode.TreeItemCollapsibleState.Collapsed);
        item.id = 'history';
        item.iconPath = new vscode.ThemeIcon('history');
        item.description = this.history.runs.length ? `${this.history.runs.length}` : 'none yet';
        item.contextValue = 'history';
        return item;
      }
      case 'cadence': {
        const s = node.state;
        const now = this.now();
        const item = new vscode.TreeItem(node.title, None);
        item.id = `cadence/${s.runbookId}`;
        item.iconPath = themeIcon(s.state === 'overdue' ? ['warning', 'list.warningForeground'] : s.state === 'never-run' ? ['circle-outline'] : ['calendar']);
        item.description = s.state === 'never-run' ? 'never passed: due now' : `${s.state === 'overdue' ? 'OVERDUE' : 'due'} ${relativeTime(s.dueAt!, now)} · last passed ${relativeTime(Date.parse(s.lastPassed!.ended!), now)}`;
        item.tooltip = `${node.title}: runs every ${formatMs(s.cadenceMs)}; ${item.description}`;
        return item;
      }
      case 'past': {
        const r = node.run;
        const item = new vscode.TreeItem(r.runbookTitle, None);
        item.id = `past/${r.file}`;
        const ok = r.status === 'passed';
        item.iconPath = themeIcon(ok ? ['pass', 'testing.iconPassed'] : r.status === 'unterminated' ? ['question'] : ['error', 'testing.iconFailed']);
        item.description = [r.status, r.started ? r.started.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '', node.verdict ?? ''].filter(Boolean).join(' · ');
        item.tooltip = `${r.runbookTitle}\n${r.file}\n${r.status} · operator ${r.operator}${node.verdict ? `\n${node.verdict}` : ''}`;
        item.contextValue = node.resumable ? 'past-run-resumable' : 'past-run';
        item.command = { command: 'runsafe.showTranscriptSummary', title: 'Open transcript summary', arguments: [vscode.Uri.file(node.path)] };
        return item;
      }
    }
  }
}
