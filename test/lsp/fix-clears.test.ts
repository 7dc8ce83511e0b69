// A quick fix the server offers, applied as the editor applies it, leaves clean text or says what remains (over stdio).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeAction, Diagnostic, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { applyEdits } from '../service/helpers';
import { startClient, type Client } from './client';

const limit = { timeout: 120_000 };

const runbook = (step: string) => `runsafe: 1
id: publish
title: Publish the release branch
steps:
${step}`;

/** Opens the text, applies the history-rewrite fix the server offers, and returns the title, the fixed text and what the server says of it. */
async function applyFix(c: Client, uri: string, text: string): Promise<{ title: string; fixed: string; after: Diagnostic[] }> {
  await c.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'runsafe', version: 1, text } });
  const first = await c.waitForDiagnostics((p) => p.uri === uri && p.version === 1, `diagnostics of ${uri}`);
  const d = first.diagnostics.filter((x) => x.code === 'history-rewrite');
  assert.equal(d.length, 1, JSON.stringify(first.diagnostics));
  assert.equal(d[0]!.severity, 1, 'git push --force is an error');
  const actions = (await c.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d[0]!.range, context: { diagnostics: d } })) as CodeAction[];
  const fix = actions.find((a) => a.kind === 'quickfix' && /force-with-lease/.test(a.title));
  assert.ok(fix, `a --force-with-lease fix among ${actions.map((a) => a.title).join(' | ')}`);
  const edits = (fix.edit as WorkspaceEdit).changes![uri]! as TextEdit[];
  const fixed = applyEdits(text, edits);
  // Sent as the editor sends an applied workspace edit: the edits themselves, as incremental changes, last first.
  const changes = [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character).map((e) => ({ range: e.range, text: e.newText }));
  await c.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: changes });
  const after = await c.waitForDiagnostics((p) => p.uri === uri && p.version === 2, `diagnostics of ${uri} after the fix`);
  return { title: fix.title, fixed, after: after.diagnostics };
}

test('the --force-with-lease fix leaves no finding: the flag is replaced and the step confirmed', limit, async () => {
  const c = startClient();
  try {
    await c.initialize({ textDocument: { codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } } } }, { debounceMs: 20 });
    await c.conn.sendNotification('initialized', {});

    const block = runbook('  - id: push\n    title: Push the branch\n    run: git push --force origin main\n    expect: { exit: 0 }\n');
    const a = await applyFix(c, 'file:///tmp/runsafe-fix/block.runbook.yaml', block);
    assert.equal(a.title, 'Use --force-with-lease and confirm the step (confirm: true)');
    assert.equal(a.fixed, runbook('  - id: push\n    confirm: true\n    title: Push the branch\n    run: git push --force-with-lease origin main\n    expect: { exit: 0 }\n'));
    assert.deepEqual(a.after.map((d) => `${String(d.code)}: ${d.message}`), [], 'clean after the fix');

    // A step confirmed already only needs the flag.
    const confirmed = runbook('  - id: push\n    title: Push the branch\n    confirm: true\n    run: git push -f origin main\n');
    const b = await applyFix(c, 'file:///tmp/runsafe-fix/confirmed.runbook.yaml', confirmed);
    assert.equal(b.title, 'Use --force-with-lease');
    assert.equal(b.fixed, confirmed.replace('-f origin', '--force-with-lease origin'));
    assert.deepEqual(b.after, []);

    // A flow-map step cannot take a new key: the title says the warning remains, and it does.
    const flow = runbook('  - { id: push, title: Push the branch, run: git push --force origin main }\n');
    const f = await applyFix(c, 'file:///tmp/runsafe-fix/flow.runbook.yaml', flow);
    assert.match(f.title, /a warning remains until the step has `confirm: true`/);
    assert.deepEqual(f.after.map((d) => [d.code, d.severity]), [['history-rewrite', 2]]);
  } finally {
    await c.close();
  }
});
