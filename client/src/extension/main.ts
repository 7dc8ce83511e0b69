// Extension entry: the output channel, the language client, status, commands, lenses and the run view.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ApprovalLens } from './approvalLens';
import { pinsDirOf, registerCommands, trustStoreOf } from './commands';
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
  const lens = new ApprovalLens(trustStoreOf, pinsDirOf, log);
  const secrets = new RunsafeSecrets(context.secrets);
  const tree = vscode.window.createTreeView('runsafe.run', { treeDataProvider: view, showCollapseAll: true });
  view.treeView = tree;
  const refreshHistory = () => void loadHistory(view, secrets, log);
  context.subscriptions.push(
    log,
    status,
    lens,
    tree,
    vscode.commands.registerCommand('runsafe.showOutput', () => log.show()),
    vscode.languages.registerCodeLensProvider({ language: 'runbook', scheme: 'file' }, lens),
    // Past runs are read when the view is first shown, not on activation.
    tree.onDidChangeVisibility((e) => e.visible && refreshHistory()),
    ...walkthroughProgress(),
    registerLintTasks(),
  );
  if (tree.visible) refreshHistory();
  registerCommands(context, { log, secrets, view, refreshLenses: () => lens.refresh(), refreshHistory });

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

async function loadHistory(view: RunView, secrets: RunsafeSecrets, log: vscode.LogOutputChannel): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!folder) return;
  try {
    const { readHistory } = await import('./history');
    const { trustKeys } = await import('./approvals');
    const { createKeyLookup } = await import('../signing/trust-index');
    const { existsSync } = await import('node:fs');
    const dir = vscode.workspace.getConfiguration('runsafe', folder).get<string>('transcripts.directory', '.runsafe/transcripts');
    const store = trustStoreOf(folder);
    const keys = async () => {
      if (existsSync(store)) return trustKeys(store, pinsDirOf(folder));
      const { formatPublicKey } = await import('../signing/keys');
      const signer = await secrets.signer();
      return createKeyLookup(signer ? [{ key_id: signer.keyId, identity: 'you', roles: ['operator'], version: 1, public_key: formatPublicKey(signer.publicKey) }] : []);
    };
    const h = await readHistory(folder.fsPath, dir, keys);
    view.setHistory(h.runs, h.cadence);
  } catch (err) {
    log.warn(`past runs: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Context keys the walkthrough's steps complete on: what the operator really did, not only its buttons. */
function walkthroughProgress(): vscode.Disposable[] {
  const set = (key: string) => void vscode.commands.executeCommand('setContext', `runsafe.walkthrough.${key}`, true);
  const onRunbook = (doc: vscode.TextDocument | undefined) => doc?.languageId === 'runbook' && set('opened');
  onRunbook(vscode.window.activeTextEditor?.document);
  return [
    vscode.window.onDidChangeActiveTextEditor((e) => onRunbook(e?.document)),
    vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => /\.runbook\.ya?ml$/.test(u.path) && vscode.languages.getDiagnostics(u).some((d) => d.source === 'runsafe'))) set('sawDiagnostic');
    }),
  ];
}

/** The `runsafe` task type: `runsafe lint` through the bundled CLI, findings read by the `$runsafe-lint` matcher. */
function registerLintTasks(): vscode.Disposable {
  const task = (folder: vscode.WorkspaceFolder, def: vscode.TaskDefinition & { paths?: string[] }) => {
    const cli = vscode.extensions.getExtension('runsafe.runsafe')?.extensionPath;
    const args = [cli ? `${cli}/client/out/cli.js` : 'runsafe', 'lint', '--no-color', ...(def.paths?.length ? def.paths : ['.'])];
    const exec = cli ? new vscode.ProcessExecution(process.execPath, args, { cwd: folder.uri.fsPath, env: { ELECTRON_RUN_AS_NODE: '1' } }) : new vscode.ProcessExecution('runsafe', args.slice(1), { cwd: folder.uri.fsPath });
    const t = new vscode.Task(def, folder, 'lint', 'runsafe', exec, '$runsafe-lint');
    t.group = vscode.TaskGroup.Test;
    return t;
  };
  return vscode.tasks.registerTaskProvider('runsafe', {
    provideTasks: () => (vscode.workspace.workspaceFolders ?? []).map((f) => task(f, { type: 'runsafe', command: 'lint' })),
    resolveTask: (t) => (t.scope && typeof t.scope === 'object' ? task(t.scope, t.definition) : undefined),
  });
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
