// Completion, pushed settings and a malformed frame, over stdio with a real protocol client that,
// like Neovim 0.7, offers no workspace/configuration: what every client gets, not only VS Code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CompletionItem, CompletionList, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { startClient, type Client } from './client';

const limit = { timeout: 120_000 };
const uri = 'file:///tmp/runsafe-lsp-editor/deploy.runbook.yaml';

const runbook = `runsafe: 1
id: deploy
title: Deploy
inputs:
  APP_ENV: { description: Target environment, enum: [staging, prod], default: staging }
  API_TOKEN: { secret: true, description: API token }
steps:
  - id: restart
    run: kubectl rollout restart deployment api
    confirm: { target: APP_ENV }
    rollback: undo-restart
  - id: notify
    run: echo restarted
    when: { input: APP_ENV, equals: prod }
    rollback: restart
rollback:
  - id: undo-restart
    run: kubectl rollout undo deployment api
`;

function at(text: string, needle: string, delta = needle.length) {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, needle);
  const before = text.slice(0, i + delta).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

async function withServer(fn: (c: Client) => Promise<void>, options: Record<string, unknown> = { debounceMs: 0 }): Promise<void> {
  const c = startClient();
  try {
    await c.initialize({}, options);
    await c.conn.sendNotification('initialized', {});
    await fn(c);
  } finally {
    await c.close();
  }
}

async function complete(c: Client, text: string, version: number, needle: string, delta?: number): Promise<CompletionItem[]> {
  await c.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  const list = (await c.conn.sendRequest('textDocument/completion', { textDocument: { uri }, position: at(text, needle, delta) })) as CompletionList;
  return list.items;
}

const byCode = (p: PublishDiagnosticsParams, code: string) => p.diagnostics.filter((d) => d.code === code);

test('completion inside flow mappings, input values for when.equals, no secret confirm target, rollback-list ids, sortText', limit, async () => {
  await withServer(async (c) => {
    await c.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'runsafe', version: 1, text: runbook } });
    let v = 1;
    const labels = async (text: string, needle: string, delta?: number) => (await complete(c, text, ++v, needle, delta)).map((i) => i.label);

    assert.deepEqual(await labels(runbook.replace('{ target: APP_ENV }', '{ target:  }'), '{ target: '), ['APP_ENV'], 'a secret input is never a confirmation target');
    assert.deepEqual(await labels(runbook.replace('{ target: APP_ENV }', '{  }'), 'confirm: { '), ['message', 'target', 'required', 'reason']);
    assert.deepEqual(await labels(runbook.replace('equals: prod }', 'equals:  }'), 'equals: '), ['staging', 'prod']);
    assert.deepEqual(await labels(runbook.replace('rollback: undo-restart', 'rollback: '), 'rollback: '), ['undo-restart'], 'only steps of the rollback list');

    const fixing = await complete(c, runbook.replace('    run: echo restarted', '    run: echo restarted\n    tilte'), ++v, 'tilte');
    const first = [...fixing].sort((a, b) => a.sortText!.localeCompare(b.sortText!))[0]!;
    assert.equal(first.label, 'title');
    assert.equal(first.filterText, 'tilte');

    const newStep = await complete(c, runbook.replace('rollback:\n  - id: undo', '  - \nrollback:\n  - id: undo'), ++v, '  - \nrollback', 4);
    const order = [...newStep].sort((a, b) => a.sortText!.localeCompare(b.sortText!)).map((i) => i.label);
    assert.equal(order[0], 'run step', 'the step snippets come first where a new step starts');
    assert.ok(order.indexOf('change with rollback') < order.indexOf('id'));
  });
});

test('lint reports a rollback: naming an ordinary step', limit, async () => {
  await withServer(async (c) => {
    await c.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'runsafe', version: 1, text: runbook } });
    const p = await c.waitForDiagnostics((d) => d.uri === uri && d.version === 1);
    const found = byCode(p, 'broken-reference');
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.match(String(found[0]!.message), /rollback 'restart' is an ordinary step/);
    assert.deepEqual(found[0]!.range.start, at(runbook, '    rollback: restart', 14));
  });
});

test('settings pushed by workspace/didChangeConfiguration apply when the client has no workspace/configuration', limit, async () => {
  await withServer(async (c) => {
    await c.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'runsafe', version: 1, text: runbook } });
    const first = await c.waitForDiagnostics((d) => d.uri === uri && byCode(d, 'broken-reference').length === 1, 'the default severity');
    assert.equal(byCode(first, 'broken-reference')[0]!.severity, 1, 'error by default');

    const seen = c.published.length;
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: { runsafe: { severity: { 'broken-reference': 'info' } } } });
    const info = await c.waitForDiagnostics((d) => c.published.indexOf(d) >= seen && d.uri === uri && byCode(d, 'broken-reference')[0]?.severity === 3, 'broken-reference as info');
    assert.ok(info);

    const again = c.published.length;
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: { runsafe: { severity: { 'broken-reference': 'off' } } } });
    await c.waitForDiagnostics((d) => c.published.indexOf(d) >= again && d.uri === uri && byCode(d, 'broken-reference').length === 0, 'broken-reference off');
  });
  // A client that pushes nothing can pass the section at initialize.
  await withServer(
    async (c) => {
      await c.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'runsafe', version: 1, text: runbook } });
      const p = await c.waitForDiagnostics((d) => d.uri === uri && d.version === 1);
      assert.equal(byCode(p, 'broken-reference')[0]?.severity, 2, 'warning from initializationOptions.settings');
    },
    { debounceMs: 0, settings: { runsafe: { severity: { 'broken-reference': 'warning' } } } },
  );
});

test('after a malformed frame the stdio server exits with an error, so the client restarts it', limit, async () => {
  const c = startClient();
  await c.initialize({});
  // A well-framed message with bad JSON is skipped (server.test.ts); a frame without a length is fatal.
  c.proc.stdin.write('Content-Type: application/json\r\n\r\n{"jsonrpc":"2.0","method":"initialized","params":{}}');
  const code = await c.exited;
  assert.equal(code, 1);
  assert.match(c.stderr(), /malformed frame from the client .*exiting so the editor restarts the server/);
  assert.doesNotMatch(c.stderr(), /\n\s+at /, 'no stack trace');
  c.conn.dispose();
});
