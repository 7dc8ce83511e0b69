// Hover at caret fixtures: steps, inputs, captures, schema keys, problems, shell commands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hover } from '../../server/src/service/index';
import { docAt, fixture, golden } from './helpers';

const base = fixture('rotation.runbook.yaml');

/** Puts the caret `delta` characters into the first occurrence of `needle` in the fixture. */
function at(needle: string, delta = 1, text = base): string {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, needle);
  return (text.slice(0, i + delta) + '|' + text.slice(i + delta)).replace(/: \|\n/g, ': \\|\n');
}

function hoverAt(src: string) {
  const { doc, offset } = docAt(src);
  const h = hover(doc, offset);
  return h && { markdown: h.contents.value, range: h.range };
}

test('hover golden: step reference, input use, capture, schema key, command, enum value', () => {
  golden('hover', {
    rollbackReference: hoverAt(at('rollback: unset-key', 12)),
    stepDeclaration: hoverAt(at('id: set-key', 5)),
    inputUse: hoverAt(at('$APP_ENV', 3)),
    inputDeclaration: hoverAt(at('  APP_ENV:', 4)),
    braced: hoverAt(at('${SUBSYSTEM}', 4)),
    capture: hoverAt(at('into: NEW_SEED', 8)),
    schemaKey: hoverAt(at('confirm: true', 2)),
    command: hoverAt(at('config:set', 2)),
    unknownCommand: hoverAt(at('python3 -c', 2)),
  });
});

test('hover on a problem names its rule and links the docs', () => {
  const src = base.replace('    title: Run the integrity checker', '    tilte: Run the integrity checker');
  const h = hoverAt(at('tilte', 2, src))!;
  assert.match(h.markdown, /runsafe `schema-unknown-key`/);
  assert.match(h.markdown, /docs\/problems\.md#schema-unknown-key/);
});

test('hover on a rule finding gives the rule summary and its docs page', () => {
  const text = base.replace('  - id: store-in-vault', '  - id: show-seed\n    run: echo "$NEW_SEED"\n  - id: store-in-vault');
  const h = hoverAt(at('echo "$NEW_SEED', 8, text))!;
  assert.match(h.markdown, /^\*\*captured `NEW_SEED`\*\*/);
  assert.match(h.markdown, /\*\*runsafe `secret-echo`\*\* \(error\): A secret value is printed .+ \[docs\]\(https:\/\/github\.com\/runsafe\/runsafe\/blob\/main\/docs\/rules\/secret-echo\.md\)/);
});

test('hover outside anything is null', () => {
  assert.equal(hoverAt(`# comment |\nrunsafe: 1\n`), null);
});
