// Definition, references and rename for step ids and variables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { definition, prepareRename, references, rename } from '../../server/src/service/index';
import { applyEdits, docAt, fixture, golden } from './helpers';

const base = fixture('rotation.runbook.yaml');
const caretAt = (needle: string, delta = 1) => {
  const i = base.indexOf(needle);
  assert.ok(i >= 0, needle);
  return (base.slice(0, i + delta) + '|' + base.slice(i + delta)).replace(/: \|\n/g, ': \\|\n');
};
const lineOf = (r: { range: { start: { line: number } } }) => r.range.start.line;

test('definition of a rollback reference is the rollback step id; of $NAME the input key or capture', () => {
  let { doc, offset } = docAt(caretAt('rollback: unset-key', 12));
  assert.deepEqual(definition(doc, offset).map(lineOf), [base.split('\n').findIndex((l) => l.includes('- id: unset-key'))]);
  ({ doc, offset } = docAt(caretAt('$NEW_SEED', 3)));
  assert.deepEqual(definition(doc, offset).map(lineOf), [base.split('\n').findIndex((l) => l.includes('into: NEW_SEED'))]);
  ({ doc, offset } = docAt(caretAt('$APP_ENV', 3)));
  assert.deepEqual(definition(doc, offset).map(lineOf), [base.split('\n').findIndex((l) => l.startsWith('  APP_ENV:'))]);
});

test('references of a step id and an input', () => {
  let { doc, offset } = docAt(caretAt('id: set-key', 5));
  assert.equal(references(doc, offset, true).length, 2);
  assert.equal(references(doc, offset, false).length, 1);
  ({ doc, offset } = docAt(caretAt('  APP_ENV:', 4)));
  assert.equal(references(doc, offset, false).length, 4, 'three scripts and the manual text');
});

test('rename an input updates the key and every $NAME / ${NAME} use', () => {
  const { doc, offset } = docAt(caretAt('-$APP_ENV', 4));
  assert.deepEqual(prepareRename(doc, offset)?.placeholder, 'APP_ENV');
  const r = rename(doc, offset, 'TARGET_ENV');
  assert.ok(r && 'edit' in r);
  const out = applyEdits(doc.text, Object.values(r.edit.changes)[0]!);
  assert.ok(!/\bAPP_ENV\b/.test(out));
  golden('rename-input', out.split('\n'));
});

test('rename a capture updates capture.into and ${NEW_SEED} uses; a step id updates needs and rollback', () => {
  let { doc, offset } = docAt(caretAt('into: NEW_SEED', 8));
  let r = rename(doc, offset, 'SEED_V2');
  assert.ok(r && 'edit' in r);
  let out = applyEdits(doc.text, Object.values(r.edit.changes)[0]!);
  assert.match(out, /into: SEED_V2/);
  assert.match(out, /=\$SEED_V2"/);
  ({ doc, offset } = docAt(caretAt('- id: set-key', 8)));
  r = rename(doc, offset, 'add-key');
  assert.ok(r && 'edit' in r);
  out = applyEdits(doc.text, Object.values(r.edit.changes)[0]!);
  assert.match(out, /needs: \[add-key\]/);
  assert.match(out, /- id: add-key/);
  assert.ok(!/\bset-key/.test(out));
});

test('rename refuses invalid or clashing names and undeclared variables', () => {
  let { doc, offset } = docAt(caretAt('- id: set-key', 8));
  assert.deepEqual(rename(doc, offset, 'Bad Name'), { error: '`Bad Name` is not a valid step id: use lower-case letters, digits, `-`, `_` and `.`' });
  assert.match((rename(doc, offset, 'unset-key') as { error: string }).error, /already exists/);
  ({ doc, offset } = docAt(`runsafe: 1\nsteps:\n  - id: a\n    run: echo $HO|ME\n`));
  assert.equal(prepareRename(doc, offset), null);
  assert.match((rename(doc, offset, 'X') as { error: string }).error, /not declared/);
});
