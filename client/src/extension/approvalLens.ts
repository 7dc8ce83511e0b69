// Code lens above a runbook's title with its approval state, computed here because signing lives in the client.
import * as vscode from 'vscode';
import { commands as lspCommands } from '../../../server/src/lsp/protocol';

export class ApprovalLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly watcher = vscode.workspace.createFileSystemWatcher('**/{*.runbook.yaml.sig,*.runbook.yml.sig,.runsafe/trust.yaml,.runsafe/trust.json}');

  constructor(
    private readonly trustStoreOf: (uri: vscode.Uri) => string,
    private readonly pinsDirOf: (uri: vscode.Uri) => string,
    private readonly log: vscode.LogOutputChannel,
  ) {
    for (const ev of [this.watcher.onDidChange, this.watcher.onDidCreate, this.watcher.onDidDelete]) ev(() => this.refresh());
  }

  refresh(): void {
    this.changed.fire();
  }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (doc.uri.scheme !== 'file') return [];
    const text = doc.getText();
    let title: string;
    // Beside the server's "Run runbook" lens, above the runbook's `id:` (not above a leading comment).
    let top = new vscode.Range(0, 0, 0, 0);
    try {
      // Loaded on the first lens, after activation: the language layer and the signing core are not small.
      const { parseRunbook } = await import('../../../server/src/language/index');
      const { approvalReport, approvalTitle } = await import('./approvals');
      const parsed = parseRunbook(text);
      const head = parsed.runbook.id?.node.span.start ?? parsed.runbook.root?.pairs[0]?.key.span.start;
      if (head !== undefined) top = new vscode.Range(doc.positionAt(head), doc.positionAt(head));
      const required = parsed.runbook.policy.approvalsRequired;
      // The buffer's bytes, not the file's: an unsaved edit already counts as a modification.
      title = approvalTitle(approvalReport(doc.uri.fsPath, new TextEncoder().encode(text), this.trustStoreOf(doc.uri), required, this.pinsDirOf(doc.uri)));
    } catch (err) {
      this.log.warn(`approval state of ${doc.uri.fsPath}: ${err instanceof Error ? err.message : String(err)}`);
      title = '$(warning) Approval unreadable';
    }
    return [new vscode.CodeLens(top, { title, command: lspCommands.showApproval, arguments: [doc.uri.toString()] })];
  }

  dispose(): void {
    this.watcher.dispose();
    this.changed.dispose();
  }
}
