// The Workspace Trust gate: in an untrusted workspace Runsafe lints but runs nothing, and says why.
import * as vscode from 'vscode';

export const untrustedMessage =
  'Runsafe runs nothing in an untrusted workspace: running a runbook executes the shell commands it contains. Linting still works. Trust this workspace to run steps.';

/** True when running is allowed; otherwise tells the operator why not (with a way to manage trust). */
export function mayRun(what: string, log: vscode.LogOutputChannel): boolean {
  if (vscode.workspace.isTrusted) return true;
  log.warn(`refused to ${what}: the workspace is not trusted`);
  void vscode.window.showWarningMessage(untrustedMessage, 'Manage Workspace Trust').then((pick) => {
    if (pick) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}
