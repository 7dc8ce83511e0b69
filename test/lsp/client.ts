// A real LSP client for tests: spawns the bundled server over stdio and speaks JSON-RPC with
// vscode-languageserver-protocol, recording notifications and answering server requests.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

export const serverPath = resolve(__dirname, '..', '..', 'server', 'out', 'server.js');

export interface Client {
  conn: ProtocolConnection;
  proc: ChildProcessWithoutNullStreams;
  published: PublishDiagnosticsParams[];
  logs: string[];
  stderr: () => string;
  /**
   * Resolves with the first published diagnostics (already recorded or later) matching `test`.
   * Rejects, naming what was awaited and what did arrive, when the server exits or after
   * `giveUpMs` (a guard so a broken server fails the test instead of hanging the suite).
   */
  waitForDiagnostics(test: (p: PublishDiagnosticsParams) => boolean, what?: string, giveUpMs?: number): Promise<PublishDiagnosticsParams>;
  /** Resolves when the server process exits, with its code. */
  exited: Promise<number | null>;
  initialize(capabilities?: ClientCapabilities, options?: Record<string, unknown>, rootUri?: string | null): Promise<InitializeResult>;
  close(): Promise<void>;
}

export interface ClientOptions {
  /** Answers workspace/configuration items (per scopeUri). */
  configuration?: (scopeUri: string | undefined, section: string | undefined) => unknown;
  /** Another copy of the bundled server (default: server/out/server.js). */
  serverPath?: string;
}

export function startClient(opts: ClientOptions = {}): Client {
  const server = opts.serverPath ?? serverPath;
  if (!existsSync(server)) throw new Error(`${server} is missing: run npm run build first`);
  const proc = spawn(process.execPath, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((res) => proc.on('exit', (code) => res(code)));
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  const published: PublishDiagnosticsParams[] = [];
  const logs: string[] = [];
  const waiters: { test: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    published.push(p);
    for (const w of [...waiters]) {
      if (w.test(p)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(p);
      }
    }
  });
  conn.onNotification('window/logMessage', (p: { message: string }) => {
    logs.push(p.message);
  });
  conn.onRequest('workspace/configuration', (p: { items: { scopeUri?: string; section?: string }[] }) => p.items.map((i) => (opts.configuration ? opts.configuration(i.scopeUri, i.section) : {})));
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('workspace/diagnostic/refresh', () => null);
  conn.onRequest('workspace/workspaceFolders', () => null);
  conn.onError(() => undefined);
  conn.listen();
  return {
    conn,
    proc,
    published,
    logs,
    stderr: () => err,
    exited,
    waitForDiagnostics(test, what = 'diagnostics', giveUpMs = 30_000) {
      const found = published.find(test);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          const seen = published.slice(-3).map((p) => `${p.uri}@${p.version}: ${p.diagnostics.map((d) => d.code).join(',')}`);
          reject(new Error(`no ${what} within ${giveUpMs} ms; last published: ${seen.join(' | ') || 'none'}`));
        }, giveUpMs);
        waiters.push({
          test,
          resolve: (p) => {
            clearTimeout(timer);
            resolve(p);
          },
        });
        exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`server exited (${code}) while waiting for ${what}; stderr: ${err}`));
        });
      });
    },
    initialize(capabilities = {}, options = {}, rootUri = null) {
      return conn.sendRequest('initialize', {
        processId: process.pid,
        rootUri,
        workspaceFolders: rootUri ? [{ uri: rootUri, name: 'ws' }] : null,
        capabilities,
        initializationOptions: options,
      }) as Promise<InitializeResult>;
    },
    async close() {
      if (proc.exitCode === null) {
        try {
          await conn.sendRequest('shutdown');
          await conn.sendNotification('exit');
        } catch {
          // Already gone.
        }
      }
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      conn.dispose();
    },
  };
}

export const fixturesDir = join(__dirname, '..', 'service', 'fixtures');
