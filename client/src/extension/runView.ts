// The "Runsafe Run" tree view: each step of the current run with its state and duration.
import * as vscode from 'vscode';
import type { RunEvent, StepState } from '../runner/events';

interface StepRow {
  id: string;
  title: string;
  state: StepState | 'rolled-back';
  started?: number;
  ended?: number;
  detail?: string;
}

const icons: Record<StepRow['state'], [string, string?]> = {
  pending: ['circle-outline'],
  running: ['sync~spin', 'charts.blue'],
  passed: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  'timed-out': ['watch', 'testing.iconFailed'],
  cancelled: ['circle-slash', 'list.warningForeground'],
  refused: ['shield', 'list.warningForeground'],
  skipped: ['debug-step-over'],
  'rolled-back': ['discard', 'list.warningForeground'],
};

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export class RunView implements vscode.TreeDataProvider<StepRow> {
  private readonly changed = new vscode.EventEmitter<StepRow | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private rows: StepRow[] = [];
  private runbook: vscode.Uri | undefined;
  private rollbackIds = new Set<string>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new run starts: the view lists what the plan will run, all pending. */
  start(runbook: vscode.Uri, steps: { id: string; title: string }[], rollbacks: string[]): void {
    this.runbook = runbook;
    this.rollbackIds = new Set(rollbacks);
    this.rows = steps.map((s) => ({ id: s.id, title: s.title, state: 'pending' }));
    this.changed.fire(undefined);
  }

  /** Mirrors step-state events; a rollback step that passed marks its run as rolled back. */
  onEvent(e: RunEvent): void {
    if (e.type !== 'step-state') return;
    let row = this.rows.find((r) => r.id === e.stepId);
    if (!row) {
      row = { id: e.stepId, title: e.title, state: 'pending' };
      this.rows.push(row);
    }
    if (e.state === 'running' && row.started === undefined) row.started = this.now();
    if (e.state !== 'running' && e.state !== 'pending') row.ended = this.now();
    row.state = e.state === 'passed' && this.rollbackIds.has(e.stepId) ? 'rolled-back' : e.state;
    row.detail = e.detail;
    this.changed.fire(undefined);
  }

  getChildren(element?: StepRow): StepRow[] {
    return element ? [] : this.rows;
  }

  getTreeItem(row: StepRow): vscode.TreeItem {
    const item = new vscode.TreeItem(row.title || row.id, vscode.TreeItemCollapsibleState.None);
    const [icon, color] = icons[row.state];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    const took = row.started !== undefined ? formatMs((row.ended ?? this.now()) - row.started) : '';
    item.description = [row.state, took].filter(Boolean).join(' · ');
    item.tooltip = [`${row.id}: ${row.state}`, row.detail].filter(Boolean).join('\n');
    item.id = row.id;
    if (this.runbook) item.command = { command: 'runsafe.revealStep', title: 'Reveal step', arguments: [this.runbook.toString(), row.id] };
    return item;
  }
}
