// Entry of the bundled language server (`server/out/server.js`, `runsafe-language-server`):
// `--stdio` for most editors, `--node-ipc` when VS Code starts it.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { initShellFromDisk } from '../shell-wasm';
import { startServer } from './server';

const usage = 'usage: runsafe-language-server --stdio | --node-ipc | --socket=<port>';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(`${usage}\n`);
} else if (!process.argv.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket=') || a.startsWith('--pipe=') || a.startsWith('--clientProcessId'))) {
  process.stderr.write(`runsafe-language-server: choose a transport.\n${usage}\n`);
  process.exitCode = 2;
} else {
  // createConnection reads the transport from argv; logs go to the client (stdout is the protocol).
  const connection = createConnection(ProposedFeatures.all);
  // A bug must never take the editor's diagnostics down: log it and keep serving.
  process.on('uncaughtException', (err) => connection.console.error(`runsafe: uncaught ${err.stack ?? err.message}`));
  process.on('unhandledRejection', (err) => connection.console.error(`runsafe: unhandled rejection ${String(err)}`));
  // The rules parse shell with tree-sitter; its wasm files sit beside this bundle (scripts/build.mjs).
  startServer(connection, { prepare: () => initShellFromDisk() });
}
