// The bundled language server spoken to over stdio by a real protocol client, as editors do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource, LSPErrorCodes, type CodeAction, type CompletionList, type DocumentSymbol, type Hover, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver-protocol';
import { applyEdits } from '../service/helpers';
import { fixturesDir, startClient, type Client } from './client';

const base = readFileSync(join(fixturesDir, 'rotation.runbook.yaml'), 'utf8');
const uri = 'file:///tmp/runsafe-lsp-test/rotation.runbook.yaml';

/**
 * The format's own findings (parse and schema). The fixture is a real runbook, so the safety rules
 * may report on it too; these tests are about the protocol and look at the problems they cause.
 */
function schema<D extends { code?: number | string }>(p: { diagnostics: D[] }): D[] {
  return p.diagnostics.filter((d) => /^(schema|yaml)-/.test(String(d.code)));
}

/** Every test gets a generous limit, so a broken server fails the suite instead of hanging it. */
const limit = { timeout: 120_000 };

function open(c: Client, text: string, docUri = uri, version = 1) {
  return c.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: docUri, languageId: 'runsafe', version, text } });
}

function lineCol(text: string, needle: string, delta = 0) {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, needle);
  const before = text.slice(0, i + delta).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

test('push diagnostics, incremental changes, and no result for a stale version', limit, async () => {
  const c = startClient();
  try {
    const init = await c.initialize({}, { debounceMs: 20 });
    assert.equal(init.capabilities.textDocumentSync && typeof init.capabilities.textDocumentSync === 'object' && init.capabilities.textDocumentSync.change, 2, 'incremental sync');
    assert.equal(init.capabilities.diagnosticProvider, undefined, 'no pull without client support');
    await c.conn.sendNotification('initialized', {});
    const broken = base.replace('    title: Run the integrity checker', '    tilte: Run the integrity checker');
    await open(c, broken);
    const first = await c.waitForDiagnostics((p) => p.uri === uri && p.version === 1);
    assert.deepEqual(schema(first).map((d) => d.code), ['schema-unknown-key']);
    assert.equal(schema(first)[0]!.source, 'runsafe');
    assert.match(schema(first)[0]!.codeDescription!.href, /problems\.md#schema-unknown-key/);
    assert.ok(!first.diagnostics.some((d) => d.code === 'shell-parser-unavailable'), 'the server loads the shell parser at start-up');

    // Five incremental edits in a row, each misspelling the key differently.
    const at = lineCol(broken, 'tilte');
    const keys = ['tiltea', 'tilteb', 'tiltec', 'tilted', 'title'];
    const countBefore = c.published.length;
    let prev = 'tilte';
    for (let v = 2; v <= 6; v++) {
      const next = keys[v - 2]!;
      await c.conn.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: v },
        contentChanges: [{ range: { start: at, end: { line: at.line, character: at.character + prev.length } }, text: next }],
      });
      prev = next;
    }
    const last = await c.waitForDiagnostics((p) => p.uri === uri && p.version === 6);
    assert.deepEqual(schema(last), [], 'version 6 spells the key right');
    // Every publish after the edits names a version and carries exactly that version's findings.
    for (const p of c.published.slice(countBefore)) {
      const v = p.version!;
      assert.ok(v >= 2 && v <= 6);
      const expected = keys[v - 2] === 'title' ? [] : [`unknown key \`${keys[v - 2]}\` in step \`integrity-check\`; did you mean \`title\`?`];
      assert.deepEqual(schema(p).map((d) => d.message), expected);
    }
    const versions = c.published.slice(countBefore).map((p) => p.version!);
    assert.deepEqual(versions, [...versions].sort((a, b) => a - b), 'never an older version after a newer one');
    await c.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
    await c.waitForDiagnostics((p) => p.uri === uri && p.version === undefined && p.diagnostics.length === 0, 'cleared on close');
  } finally {
    await c.close();
  }
});

test('with no debounce, a burst of changes already sent is analysed once, at its last version', limit, async () => {
  const c = startClient();
  try {
    await c.initialize({}, { debounceMs: 0 });
    await c.conn.sendNotification('initialized', {});
    await open(c, base);
    await c.waitForDiagnostics((p) => p.uri === uri && p.version === 1);
    const countBefore = c.published.length;
    // Thirty one-letter edits written at once (no waiting between them), as a paste or a fast typist's
    // buffered keystrokes arrive; a single publish of an early version would mean each was analysed.
    const at = lineCol(base, 'title: ', 'title: '.length);
    const sends: Promise<void>[] = [];
    for (let v = 2; v <= 31; v++) {
      sends.push(c.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ range: { start: at, end: at }, text: 'x' }] }));
    }
    await Promise.all(sends);
    const last = await c.waitForDiagnostics((p) => p.uri === uri && p.version === 31);
    const versions = c.published.slice(countBefore).filter((p) => p.uri === uri).map((p) => p.version!);
    assert.ok(versions.length <= 3, `analysed ${versions.length} times: versions ${versions.join(', ')}`);
    assert.equal(versions.at(-1), 31);
  } finally {
    await c.close();
  }
});

test('hover, completion, symbols, definition, references over the protocol', limit, async () => {
  const c = startClient();
  try {
    await c.initialize({});
    await c.conn.sendNotification('initialized', {});
    await open(c, base);
    const hover = (await c.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: lineCol(base, 'rollback: unset-key', 12) })) as Hover;
    assert.match((hover.contents as { value: string }).value, /\*\*step `unset-key`\*\* — Remove the new key version/);

    const withCaret = base.replace('    needs: [set-key]', '    needs: [set-key, ]');
    await c.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: withCaret }] });
    const list = (await c.conn.sendRequest('textDocument/completion', { textDocument: { uri }, position: lineCol(withCaret, 'set-key, ]', 9) })) as CompletionList;
    assert.deepEqual(list.items.map((i) => i.label), ['logged-in', 'generate-seed', 'set-key', 'store-in-vault', 'unset-key']);

    const symbols = (await c.conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as DocumentSymbol[];
    assert.deepEqual(symbols.map((s) => s.name), ['metadata', 'inputs', 'preconditions', 'steps', 'rollback']);
    assert.deepEqual(symbols[3]!.children!.map((s) => s.name), ['Part A: new key', 'integrity-check', 'store-in-vault']);

    const def = (await c.conn.sendRequest('textDocument/definition', { textDocument: { uri }, position: lineCol(withCaret, '$NEW_SEED', 3) })) as { range: { start: { line: number } } }[];
    assert.equal(def[0]!.range.start.line, lineCol(withCaret, 'into: NEW_SEED').line);
    const refs = (await c.conn.sendRequest('textDocument/references', { textDocument: { uri }, position: lineCol(withCaret, '  APP_ENV:', 3), context: { includeDeclaration: true } })) as unknown[];
    assert.equal(refs.length, 5);
    const lenses = (await c.conn.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as { command: { command: string; arguments: unknown[] } }[];
    assert.deepEqual(lenses[0]!.command, { title: 'Run runbook', command: 'runsafe.runRunbook', arguments: [uri] });
    assert.ok(lenses.some((l) => l.command.command === 'runsafe.runStep' && l.command.arguments[1] === 'set-key'));
  } finally {
    await c.close();
  }
});

test('code action fixes a problem; the applied edit clears the diagnostic; rename edits every use', limit, async () => {
  const c = startClient();
  try {
    await c.initialize({}, { debounceMs: 0 });
    await c.conn.sendNotification('initialized', {});
    let text = base.replace('    confirm: true', '    confrim: true');
    await open(c, text);
    const d = schema(await c.waitForDiagnostics((p) => p.uri === uri && p.version === 1));
    assert.equal(d.length, 1);
    const actions = (await c.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d[0]!.range, context: { diagnostics: d } })) as CodeAction[];
    const fix = actions.find((a) => a.isPreferred)!;
    assert.equal(fix.title, 'Change `confrim` to `confirm`');
    const edits = (fix.edit as WorkspaceEdit).changes![uri]!;
    text = applyEdits(text, edits as TextEdit[]);
    assert.equal(text, base);
    await c.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: edits.map((e) => ({ range: e.range, text: e.newText })) });
    assert.deepEqual(schema(await c.waitForDiagnostics((p) => p.uri === uri && p.version === 2, 'fixed')), []);

    const prep = (await c.conn.sendRequest('textDocument/prepareRename', { textDocument: { uri }, position: lineCol(text, '$APP_ENV', 2) })) as { placeholder: string };
    assert.equal(prep.placeholder, 'APP_ENV');
    const rename = (await c.conn.sendRequest('textDocument/rename', { textDocument: { uri }, position: lineCol(text, '$APP_ENV', 2), newName: 'TARGET_ENV' })) as WorkspaceEdit;
    const renamed = applyEdits(text, rename.changes![uri]! as TextEdit[]);
    assert.equal((renamed.match(/TARGET_ENV/g) ?? []).length, 5);
    assert.ok(!renamed.includes('APP_ENV'));
    await assert.rejects(c.conn.sendRequest('textDocument/rename', { textDocument: { uri }, position: lineCol(text, '$APP_ENV', 2), newName: '1bad' }), /not a valid variable name/);
  } finally {
    await c.close();
  }
});

test('pull diagnostics: document and workspace reports, unchanged result ids, .runsafe.yaml re-applied', limit, async () => {
  const ws = mkdtempSync(join(tmpdir(), 'runsafe-ws-'));
  try {
    mkdirSync(join(ws, 'ops'));
    const broken = base.replace('    confirm: true', '    confrim: true');
    writeFileSync(join(ws, 'ops', 'closed.runbook.yaml'), broken);
    writeFileSync(join(ws, 'open.runbook.yaml'), broken);
    const rootUri = pathToFileURL(ws).toString();
    const openUri = pathToFileURL(join(ws, 'open.runbook.yaml')).toString();
    const c = startClient();
    try {
      const init = await c.initialize({ textDocument: { diagnostic: { dynamicRegistration: false } }, workspace: { diagnostics: { refreshSupport: true } } }, {}, rootUri);
      assert.deepEqual(init.capabilities.diagnosticProvider, { identifier: 'runsafe', interFileDependencies: false, workspaceDiagnostics: true });
      await c.conn.sendNotification('initialized', {});
      await open(c, broken, openUri);
      const r1 = (await c.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: openUri } })) as { kind: string; resultId: string; items: { code: string }[] };
      assert.equal(r1.kind, 'full');
      assert.deepEqual(schema({ diagnostics: r1.items }).map((i) => i.code), ['schema-unknown-key']);
      const r2 = (await c.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: openUri }, previousResultId: r1.resultId })) as { kind: string };
      assert.equal(r2.kind, 'unchanged');
      const w = (await c.conn.sendRequest('workspace/diagnostic', { previousResultIds: [] })) as { items: { uri: string; kind: string; items: { code: string }[] }[] };
      assert.deepEqual(w.items.map((i) => [i.uri.slice(rootUri.length), i.kind, schema({ diagnostics: i.items }).map((x) => x.code)]), [['/ops/closed.runbook.yaml', 'full', ['schema-unknown-key']]]);
      assert.equal(c.published.length, 0, 'pull mode publishes nothing');

      // The workspace file turns the code off; the watcher event re-applies it.
      writeFileSync(join(ws, '.runsafe.yaml'), 'severity:\n  schema-unknown-key: off\n');
      await c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: `${rootUri}/.runsafe.yaml`, type: 1 }] });
      const r3 = (await c.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: openUri }, previousResultId: r1.resultId })) as { kind: string; items: unknown[] };
      assert.equal(r3.kind, 'full');
      assert.deepEqual(schema({ diagnostics: r3.items as { code: string }[] }), []);
    } finally {
      await c.close();
    }
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
});

test('a cancelled workspace diagnostic request is answered as cancelled, and the server goes on', limit, async () => {
  const ws = mkdtempSync(join(tmpdir(), 'runsafe-ws-'));
  try {
    for (let i = 0; i < 400; i++) writeFileSync(join(ws, `r${i}.runbook.yaml`), base.replace(/^id: .*$/m, `id: r${i}`));
    const c = startClient();
    try {
      await c.initialize({ textDocument: { diagnostic: {} } }, {}, pathToFileURL(ws).toString());
      await c.conn.sendNotification('initialized', {});
      const source = new CancellationTokenSource();
      const pending = c.conn.sendRequest('workspace/diagnostic', { previousResultIds: [] }, source.token);
      source.cancel();
      await assert.rejects(pending, (e: { code?: number }) => e.code === LSPErrorCodes.RequestCancelled);
      const full = (await c.conn.sendRequest('workspace/diagnostic', { previousResultIds: [] })) as { items: unknown[] };
      assert.equal(full.items.length, 400);
    } finally {
      await c.close();
    }
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
});

test('settings per resource from workspace/configuration, re-read on change', limit, async () => {
  let severity = 'warning';
  const c = startClient({ configuration: (scope, section) => (section === 'runsafe' && scope === uri ? { severity: { 'schema-unknown-key': severity } } : {}) });
  try {
    await c.initialize({ workspace: { configuration: true } }, { debounceMs: 0 });
    await c.conn.sendNotification('initialized', {});
    await open(c, base.replace('    confirm: true', '    confrim: true'));
    const warn = await c.waitForDiagnostics((p) => p.uri === uri && schema(p).length === 1);
    assert.equal(schema(warn)[0]!.severity, 2);
    severity = 'off';
    const count = c.published.length;
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    await c.waitForDiagnostics((p) => c.published.indexOf(p) >= count && p.uri === uri && schema(p).length === 0, 'settings re-applied');
  } finally {
    await c.close();
  }
});

test('malformed, unknown and out-of-order messages are answered and the server survives', limit, async () => {
  const c = startClient();
  try {
    // A request before initialize is refused, not fatal.
    await assert.rejects(c.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } }), /not initialized/);
    await c.initialize({}, { debounceMs: 0 });
    await c.conn.sendNotification('initialized', {});
    await open(c, base, 'file:///first.yaml');
    // Requests about documents that are not open, bad params, unknown methods.
    assert.equal(await c.conn.sendRequest('textDocument/hover', { textDocument: { uri: 'file:///nowhere.yaml' }, position: { line: 0, character: 0 } }), null);
    await assert.rejects(c.conn.sendRequest('textDocument/hover', { textDocument: { uri: 'file:///first.yaml' } }), /hover failed/);
    await assert.rejects(c.conn.sendRequest('runsafe/noSuchMethod', {}), /Unhandled method|not found|not handled/i);
    // A change for a document that was never opened, and a notification with garbage params.
    await c.conn.sendNotification('textDocument/didChange', { textDocument: { uri: 'file:///never.yaml', version: 3 }, contentChanges: [{ text: 'x' }] });
    await c.conn.sendNotification('textDocument/didOpen', { textDocument: null });
    // Bytes that are not JSON at all, framed as a message.
    const junk = '{"jsonrpc": "2.0", "method": ';
    c.proc.stdin.write(`Content-Length: ${Buffer.byteLength(junk)}\r\n\r\n${junk}`);
    // Hostile documents: an alias bomb, deep nesting, binary noise, positions past the end.
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 12 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join('\n');
    const docs = { 'file:///bomb.yaml': bomb, 'file:///deep.yaml': '['.repeat(5000), 'file:///noise.yaml': '\u0000\uffff\t:\n- - : ]}' };
    for (const [u, t] of Object.entries(docs)) await open(c, t, u);
    for (const u of Object.keys(docs)) {
      const got = await c.waitForDiagnostics((p) => p.uri === u, u);
      assert.ok(got.diagnostics.length > 0, `${u} has findings`);
      await c.conn.sendRequest('textDocument/hover', { textDocument: { uri: u }, position: { line: 99, character: 99 } });
      await c.conn.sendRequest('textDocument/completion', { textDocument: { uri: u }, position: { line: 0, character: 9999 } });
      await c.conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri: u } });
    }
    // Still serving.
    await open(c, base);
    const ok = await c.waitForDiagnostics((p) => p.uri === uri && p.version === 1);
    assert.deepEqual(schema(ok), []);
    // Shutdown, then a request after shutdown is refused; exit ends the process with 0.
    await c.conn.sendRequest('shutdown');
    await assert.rejects(c.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } }), /shutting down/);
    await c.conn.sendNotification('exit');
    assert.equal(await c.exited, 0);
    assert.doesNotMatch(c.stderr(), /uncaught|TypeError/);
  } finally {
    await c.close();
  }
});
