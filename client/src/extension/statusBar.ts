// A status bar item, shown only while a runbook is the active editor, that says whether Runsafe is
// linting and whether this workspace may run runbooks.
import * as vscode from 'vscode';

export type RunsafeStatus = 'ready' | 'no-server' | 'server-failed';

export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('runsafe.status', vscode.StatusBarAlignment.Left, 10);
  private status: RunsafeStatus | undefined;
  private readonly watch = vscode.window.onDidChangeActiveTextEditor(() => this.render());

  constructor() {
    this.item.name = 'Runsafe';
    this.item.command = 'runsafe.showOutput';
  }

  show(status: RunsafeStatus): void {
    this.status = status;
    this.render();
  }

  private render(): void {
    const onRunbook = vscode.window.activeTextEditor?.document.languageId === 'runbook';
    if (!this.status || !onRunbook) {
      this.item.hide();
      return;
    }
    const trusted = vscode.workspace.isTrusted;
    const lint = this.status === 'ready' ? 'linting' : this.status === 'no-server' ? 'no language server' : 'language server stopped';
    this.item.text = `$(${trusted ? 'shield' : 'lock'}) Runsafe: ${lint}${trusted ? '' : ' · runs disabled'}`;
    this.item.tooltip = trusted
      ? 'Runsafe lints runbooks and can run them in a guarded terminal.'
      : 'This workspace is not trusted: Runsafe lints runbooks but runs nothing. Trust the workspace to run steps.';
    this.item.show();
  }

  dispose(): void {
    this.watch.dispose();
    this.item.dispose();
  }
}
