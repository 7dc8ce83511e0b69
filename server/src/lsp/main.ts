// Entry of the bundled language server (`server/out/server.js`, `runsafe-language-server`):
// `--stdio` for most editors, `--node-ipc` when VS Code starts it.
import { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter, type Connection } from 'vscode-languageserver/node';
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
  // Over stdio the reader is ours: after a malformed frame (a bad header) the stream cannot be
  // resynchronised, so the server exits with an error and the editor restarts it, instead of going
  // silent. A well-framed message whose JSON is bad is skipped: the next frame is still found.
  let connection: Connection;
  if (process.argv.includes('--stdio')) {
    const reader = new StreamMessageReader(process.stdin);
    reader.onError((err) => {
      if (!/header|content-length/i.test(err.message)) return;
      process.stderr.write(`runsafe-language-server: malformed frame from the client (${err.message.split('\n')[0]}); exiting so the editor restarts the server\n`);
      // The parent-process watchdog would keep a quiet process alive: exit now, as `exit` does.
      process.exit(1);
    });
    connection = createConnection(ProposedFeatures.all, reader, new StreamMessageWriter(process.stdout));
  } else connection = createConnection(ProposedFeatures.all);
  // A bug must never take the editor's diagnostics down: log it and keep serving.
  process.on('uncaughtException', (err) => connection.console.error(`runsafe: uncaught ${err.stack ?? err.message}`));
  process.on('unhandledRejection', (err) => connection.console.error(`runsafe: unhandled rejection ${String(err)}`));
  // The rules parse shell with tree-sitter; its wasm files sit beside this bundle (scripts/build.mjs).
  startServer(connection, { prepare: () => initShellFromDisk() });
}
