// Extension entry: the output channel, the language client, status, commands, lenses and the run view.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ApprovalLens } from './approvalLens';
import { registerCommands, trustStoreOf } from './commands';
import { RunView } from './runView';
import { RunsafeSecrets } from './secrets';
import { StatusItem } from './statusBar';

/** What activate returns: tests and the bench read the activation time and the client from here. */
export interface RunsafeApi {
  activationMs: number;
  languageClient: Promise<LanguageClient | undefined>;
}

let client: LanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): RunsafeApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Runsafe', { log: true });
  const status = new StatusItem();
  const view = new RunView();
  const lens = new ApprovalLens(trustStoreOf, log);
  context.subscriptions.push(
    log,
    status,
    lens,
    vscode.commands.registerCommand('runsafe.showOutput', () => log.show()),
    vscode.window.registerTreeDataProvider('runsafe.run', view),
    vscode.languages.registerCodeLensProvider({ language: 'runbook', scheme: 'file' }, lens),
  );
  registerCommands(context, { log, secrets: new RunsafeSecrets(context.secrets), view, refreshLenses: () => lens.refresh() });

  // The server starts in the background so activation does not wait for its initialize round trip.
  const clientReady = import('./languageClient').then(({ startLanguageClient }) => startLanguageClient(context, log)).then(
    (c) => {
      client = c;
      status.show(c ? 'ready' : 'no-server');
      return c;
    },
    (err: unknown) => {
      log.error(`language server failed to start: ${err instanceof Error ? err.message : String(err)}`);
      status.show('server-failed');
      return undefined;
    },
  );
  context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => status.show(client ? 'ready' : 'no-server')));

  const activationMs = performance.now() - started;
  const version = (context.extension.packageJSON as { version?: string }).version ?? '?';
  log.info(`Runsafe ${version} activated in ${activationMs.toFixed(1)} ms (workspace trusted: ${vscode.workspace.isTrusted})`);
  return { activationMs, languageClient: clientReady };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
