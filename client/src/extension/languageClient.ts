// Starts the bundled Runsafe language server over IPC and keeps it alive within a restart limit.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { commands } from '../../../server/src/lsp/protocol';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

/** How often the client restarts a crashed server within three minutes before it gives up and says so. */
export const maxServerRestarts = 4;

export function serverModulePath(context: vscode.ExtensionContext): string {
  return context.asAbsolutePath('server/out/server.js');
}

/**
 * Creates and starts the client, or returns undefined when the server bundle is missing (a build that
 * has no server yet still highlights and runs). The server only analyses text, so it also runs in
 * untrusted workspaces: linting never executes anything.
 */
export async function startLanguageClient(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
): Promise<LanguageClient | undefined> {
  const module = serverModulePath(context);
  if (!existsSync(module)) {
    log.warn(`language server not found at ${module}: diagnostics are off`);
    return undefined;
  }
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'runbook' },
      { scheme: 'untitled', language: 'runbook' },
      // Markdown runbooks: the server lints their fences only when runsafe.markdown covers them.
      { scheme: 'file', language: 'markdown' },
    ],
    // The server pulls settings per resource (workspace/configuration); this also pushes changes.
    synchronize: {
      configurationSection: 'runsafe',
      fileEvents: vscode.workspace.createFileSystemWatcher('**/.runsafe.{yaml,yml}'),
    },
    outputChannel: log,
    connectionOptions: { maxRestartCount: maxServerRestarts },
    middleware: {
      // The approval state lens comes from the client (ApprovalLens), where the signing core lives.
      provideCodeLenses: async (doc, token, next) => (await next(doc, token))?.filter((l) => l.command?.command !== commands.showApproval),
    },
  };
  const client = new LanguageClient('runsafe', 'Runsafe Language Server', serverOptions, clientOptions);
  await client.start();
  log.info('language server started');
  return client;
}
