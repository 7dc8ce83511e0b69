// The bundled server over Node IPC, the transport the VS Code extension starts it with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { createProtocolConnection, IPCMessageReader, IPCMessageWriter, type InitializeResult, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { serverPath } from './client';

test('--node-ipc: initialize, open, diagnostics, shutdown, exit', { timeout: 120_000 }, async () => {
  const proc = fork(serverPath, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const exited = new Promise<number | null>((res) => proc.on('exit', (code) => res(code)));
  const conn = createProtocolConnection(new IPCMessageReader(proc), new IPCMessageWriter(proc));
  const diagnostics = new Promise<PublishDiagnosticsParams>((res) => conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => res(p)));
  conn.listen();
  try {
    const init = (await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { debounceMs: 0 } })) as InitializeResult;
    assert.equal(init.serverInfo?.name, 'runsafe-language-server');
    await conn.sendNotification('initialized', {});
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: 'file:///ipc.runbook.yaml', languageId: 'runbook', version: 1, text: 'runsafe: 1\nid: ipc\ntitle: IPC\nstepz: []\n' } });
    const d = await diagnostics;
    assert.equal(d.version, 1);
    assert.ok(d.diagnostics.some((x) => x.code === 'schema-unknown-key' && /did you mean `steps`/.test(String(x.message))));
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
    assert.equal(await exited, 0);
  } finally {
    if (proc.exitCode === null) proc.kill('SIGKILL');
    conn.dispose();
  }
});
