// Completion at caret fixtures: schema keys and values, step ids, `$` variables, snippets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completion } from '../../server/src/service/index';
import { applyEdits, docAt, golden } from './helpers';

const head = `runsafe: 1
id: demo
title: Demo
inputs:
  APP_ENV: { description: Target environment, enum: [staging, prod], default: staging }
  TOKEN: { secret: true, description: API token }
`;

function labels(src: string): string[] {
  const { doc, offset } = docAt(src);
  return completion(doc, offset).items.map((i) => i.label);
}

test('keys of a step, minus those already present, with schema docs', () => {
  const { doc, offset } = docAt(`${head}steps:
  - id: a
    run: echo hi
    con|
`);
  const items = completion(doc, offset).items;
  const names = items.map((i) => i.label);
  assert.ok(names.includes('confirm') && names.includes('expect') && names.includes('rollback'));
  assert.ok(!names.includes('id') && !names.includes('run'), 'present keys are not offered again');
  assert.ok(!names.includes('manual') && !names.includes('wait') && !names.includes('sql'), 'a step has one kind');
  const confirm = items.find((i) => i.label === 'confirm')!;
  assert.match(confirm.documentation!.value, /confirm/i);
  assert.equal(applyEdits(doc.text, [confirm.textEdit]).split('\n')[9], '    confirm: $0');
});

test('top-level keys at column 0', () => {
  const names = labels(`${head}|
`);
  for (const k of ['steps', 'rollback', 'preconditions', 'owner', 'policy']) assert.ok(names.includes(k), k);
  assert.ok(!names.includes('inputs') && !names.includes('title'));
});

test('enum values and booleans', () => {
  assert.deepEqual(labels(`${head}steps:
  - section: A
    kind: |
    steps: [{ id: a, run: x }]
`), ['procedure', 'checklist', 'variant', 'troubleshooting', 'incident', 'drill', 'verification']);
  assert.deepEqual(labels(`${head}steps:
  - id: a
    run: x
    dangerous: t|
`), ['true', 'false']);
  assert.deepEqual(labels(`${head}steps:
  - id: a
    run: x
    shell: |
`), ['bash', 'sh', 'zsh']);
});

test('step ids in rollback (rollback-list steps only) and needs, never the step itself', () => {
  const src = (field: string) => `${head}steps:
  - id: first
    run: x
  - id: second
    run: y
    ${field}
rollback:
  - id: undo-second
    run: z
`;
  assert.deepEqual(labels(src('rollback: |')), ['undo-second']);
  assert.deepEqual(labels(src('rollback: [|]')), ['undo-second']);
  assert.deepEqual(labels(src('needs: [|]')), ['first', 'undo-second']);
  assert.deepEqual(labels(src('needs:\n      - |')), ['first', 'undo-second']);
});

test('variables after $ in run scripts, with ${ closed', () => {
  const { doc, offset } = docAt(`${head}steps:
  - id: grab
    run: cat token.txt
    capture: { into: NEW_SEED }
  - id: use
    run: \\|
      curl -H "X: $|" https://example.com
`);
  const list = completion(doc, offset);
  assert.deepEqual(list.items.map((i) => i.label), ['APP_ENV', 'TOKEN', 'NEW_SEED']);
  assert.match(list.items[1]!.detail!, /secret/);
  const braced = docAt(`${head}steps:
  - id: use
    run: echo "\${APP|"
`);
  const item = completion(braced.doc, braced.offset).items.find((i) => i.label === 'APP_ENV')!;
  assert.equal(applyEdits(braced.doc.text, [item.textEdit]).split('\n')[8], '    run: echo "${APP_ENV}"');
});

test('input names where a field names an input', () => {
  assert.deepEqual(labels(`${head}steps:
  - id: a
    run: x
    when: { input: | }
`), ['APP_ENV', 'TOKEN']);
});

test('snippets for a new step: run, wait, manual, section, change with rollback', () => {
  const { doc, offset } = docAt(`${head}steps:
  - id: a
    run: x
  - |
`);
  const items = completion(doc, offset).items;
  const snippets = items.filter((i) => i.kind === 15);
  assert.deepEqual(snippets.map((s) => s.label), ['run step', 'wait step', 'manual step', 'section', 'change with rollback']);
  const pair = snippets.find((s) => s.label === 'change with rollback')!;
  const applied = applyEdits(doc.text, [pair.textEdit, ...pair.additionalTextEdits!]);
  golden('completion-rollback-pair', applied.split('\n'));
  const wait = snippets.find((s) => s.label === 'wait step')!;
  golden('completion-wait-step', applyEdits(doc.text, [wait.textEdit]).split('\n'));
});

test('no completion inside comments or plain prose values', () => {
  assert.deepEqual(labels(`${head}# a comment |
steps: []
`), []);
});

test('values and keys inside flow mappings', () => {
  assert.deepEqual(labels(`${head}steps:
  - id: a
    run: x
    confirm: { target: | }
`), ['APP_ENV'], 'confirm.target never offers a secret input');
  assert.deepEqual(labels(`${head}steps:
  - id: a
    run: x
    confirm: { |}
`), ['message', 'target', 'required', 'reason']);
  const { doc, offset } = docAt(`${head}steps:
  - id: a
    run: x
    confirm: { target: APP_ENV, | }
`);
  const message = completion(doc, offset).items.find((i) => i.label === 'message')!;
  assert.equal(applyEdits(doc.text, [message.textEdit]).split('\n')[9], '    confirm: { target: APP_ENV, message:  }', 'a flow key is inserted without a line break');
});

test('when.equals, when.not and when.in offer the chosen input\'s values', () => {
  const flags = head.replace('steps:', '') + '  DRY_RUN: { type: boolean, default: true }\n';
  assert.deepEqual(labels(`${flags}steps:
  - id: a
    run: x
    when: { input: APP_ENV, equals: | }
`), ['staging', 'prod']);
  assert.deepEqual(labels(`${flags}steps:
  - id: a
    run: x
    when:
      input: APP_ENV
      in: [staging, |]
`), ['staging', 'prod']);
  assert.deepEqual(labels(`${flags}steps:
  - id: a
    run: x
    when: { input: DRY_RUN, not: | }
`), ['true', 'false']);
});

test('sortText: the key being fixed first and matching the typed word; snippets first at a new step', () => {
  const { doc, offset } = docAt(`${head}steps:
  - id: a
    run: x
    tilte|
`);
  const items = completion(doc, offset).items.sort((a, b) => a.sortText!.localeCompare(b.sortText!));
  assert.equal(items[0]!.label, 'title');
  assert.equal(items[0]!.filterText, 'tilte', 'the editor keeps the fix when filtering by the typed word');
  const step = docAt(`${head}steps:
  - id: a
    run: x
  - |
`);
  const sorted = completion(step.doc, step.offset).items.sort((a, b) => a.sortText!.localeCompare(b.sortText!)).map((i) => i.label);
  assert.deepEqual(sorted.slice(0, 7), ['run step', 'wait step', 'manual step', 'section', 'change with rollback', 'id', 'manual']);
});
