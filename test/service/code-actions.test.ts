// Code actions: schema suggestions, rule fixes from typed data, suppress with reason, fix-all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, codeActions, fixAll, type CodeAction } from '../../server/src/service/index';
import type { Problem } from '../../server/src/language/index';
import { applyEdits, fixture, golden, uri } from './helpers';

const base = fixture('rotation.runbook.yaml');
const apply = (text: string, a: CodeAction) => applyEdits(text, a.edit.changes[uri]!);
const spanOf = (text: string, needle: string) => {
  const start = text.indexOf(needle);
  assert.ok(start >= 0, needle);
  return { start, end: start + needle.length };
};

test('a misspelt key gets its "did you mean" fix', () => {
  const text = base.replace('    title: Run the integrity checker', '    tilte: Run the integrity checker');
  const doc = analyze(uri, text);
  const actions = codeActions(doc, spanOf(text, 'tilte'));
  const fix = actions.find((a) => a.title === 'Change `tilte` to `title`')!;
  assert.equal(fix.kind, 'quickfix');
  assert.equal(fix.isPreferred, true);
  assert.equal(fix.diagnostics![0]!.code, 'schema-unknown-key');
  assert.equal(apply(text, fix), base);
  assert.ok(!actions.some((a) => a.title.startsWith('Suppress')), 'schema problems are fixed, not suppressed');
});

test('a misspelt enum value gets its fix', () => {
  const text = base.replace('    kind: x', '').replace('  - section: "Part A: new key"\n', '  - section: "Part A: new key"\n    kind: trubleshooting\n');
  const doc = analyze(uri, text);
  const fix = codeActions(doc, spanOf(text, 'trubleshooting')).find((a) => a.kind === 'quickfix')!;
  assert.match(apply(text, fix), /kind: troubleshooting\n/);
});

/** A rule finding as the rules report it: code, span and typed data with fixes. */
function withRuleProblem(text: string, p: Problem) {
  const doc = analyze(uri, text);
  doc.problems.push(p);
  return doc;
}

test('rule fixes come from typed data, never from the message', () => {
  const text = base;
  const span = spanOf(text, 'heroku run python');
  const doc = withRuleProblem(text, {
    code: 'unverified-change',
    severity: 'warning',
    message: 'words that do not matter',
    span,
    data: { fixes: [{ title: 'Add an exit check', edits: [{ span: { start: span.start, end: span.start }, newText: 'set -e; ' }] }] },
  });
  const actions = codeActions(doc, span);
  const fix = actions.find((a) => a.title === 'Add an exit check')!;
  assert.equal(fix.isPreferred, true);
  assert.match(apply(text, fix), /run: set -e; heroku run python/);
});

test('suppress with reason: a shell comment inside a literal script, before the whole continued command', () => {
  const text = base;
  const doc = withRuleProblem(text, { code: 'secret-in-argv', severity: 'warning', message: 'm', span: spanOf(text, '-a "raxx-api-$APP_ENV" >/dev/null') });
  const action = codeActions(doc, spanOf(text, '-a "raxx-api-$APP_ENV" >/dev/null')).find((a) => a.title.startsWith('Suppress'))!;
  golden('suppress-literal', apply(text, action).split('\n').slice(30, 38));
});

test('suppress with reason: a YAML comment before a plain one-line script', () => {
  const text = base;
  const span = spanOf(text, 'heroku config:unset');
  const doc = withRuleProblem(text, { code: 'key-history-deletion', severity: 'error', message: 'm', span });
  const action = codeActions(doc, span).find((a) => a.title.startsWith('Suppress'))!;
  const lines = apply(text, action).split('\n');
  const i = lines.findIndex((l) => l.includes('# runsafe-ignore'));
  assert.equal(lines[i], '    # runsafe-ignore key-history-deletion: TODO say why this is safe');
  assert.match(lines[i + 1]!, /^    run: heroku config:unset/);
});

test('fix-all applies every preferred fix once, skipping overlaps', () => {
  const text = base.replace('    title: Run the integrity checker', '    tilte: Run the integrity checker').replace('    confirm: true', '    confrim: true');
  const doc = analyze(uri, text);
  const all = fixAll(doc)!;
  assert.equal(all.kind, 'source.fixAll.runsafe');
  assert.equal(all.diagnostics!.length, 2);
  assert.equal(apply(text, all), base);
  assert.equal(codeActions(doc, { start: 0, end: 0 }, ['source.fixAll']).length, 1);
  assert.equal(codeActions(doc, { start: 0, end: 0 }, ['quickfix']).length, 0);
  assert.equal(fixAll(analyze(uri, base)), null);
});
