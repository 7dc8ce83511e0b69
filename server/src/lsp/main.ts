// The language server's process entry, bundled to `server/out/server-core.js` and started by
// `server/out/server.js` (boot.ts, which loads it with its V8 code cache): `--stdio` for most editors,
// `--node-ipc` when VS Code starts it. `io` is the process's own streams; scripts/code-cache.mjs passes
// streams of its own to record the code a session compiles.
import { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter, type Connection } from 'vscode-languageserver/node';
import { initShellFromDisk } from '../shell-wasm';
import { idleCollector } from './idle-gc';
import { startServer } from './server';

const usage = 'usage: runsafe-language-server --stdio | --node-ipc | --socket=<port>';

export interface ServerIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export function main(argv: readonly string[] = process.argv, io: ServerIo = process): void {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(`${usage}\n`);
    return;
  }
  if (!argv.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket=') || a.startsWith('--pipe=') || a.startsWith('--clientProcessId'))) {
    io.stderr.write(`runsafe-language-server: choose a transport.\n${usage}\n`);
    process.exitCode = 2;
    return;
  }
  // createConnection reads the transport from argv; logs go to the client (stdout is the protocol).
  // Over stdio the reader is ours: after a malformed frame (a bad header) the stream cannot be
  // resynchronised, so the server exits with an error and the editor restarts it, instead of going
  // silent. A well-framed message whose JSON is bad is skipped: the next frame is still found.
  let connection: Connection;
  if (argv.includes('--stdio')) {
    const reader = new StreamMessageReader(io.stdin);
    reader.onError((err) => {
      if (!/header|content-length/i.test(err.message)) return;
      io.stderr.write(`runsafe-language-server: malformed frame from the client (${err.message.split('\n')[0]}); exiting so the editor restarts the server\n`);
      // The parent-process watchdog would keep a quiet process alive: exit now, as `exit` does.
      process.exit(1);
    });
    connection = createConnection(ProposedFeatures.all, reader, new StreamMessageWriter(io.stdout));
  } else connection = createConnection(ProposedFeatures.all);
  // A bug must never take the editor's diagnostics down: log it and keep serving.
  process.on('uncaughtException', (err) => connection.console.error(`runsafe: uncaught ${err.stack ?? err.message}`));
  process.on('unhandledRejection', (err) => connection.console.error(`runsafe: unhandled rejection ${String(err)}`));
  // The rules parse shell with tree-sitter; its wasm files sit beside this bundle (scripts/build.mjs).
  // Only in the server's own process: scripts/code-cache.mjs records the cache through here with its own
  // streams, and V8 would refuse a cache recorded after idleCollector's flag change.
  startServer(connection, { prepare: () => initShellFromDisk(), ...(io === process ? { idle: idleCollector() } : {}) });
}
