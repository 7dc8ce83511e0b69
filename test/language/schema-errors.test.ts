// Each schema error kind is reported with a human message at the exact key or value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRunbook, LineIndex, type Problem } from '../../server/src/language/index';

const base = `runsafe: 1
id: demo
title: Demo
`;

/** Problems as `line:col-line:col code [source text] message`, 1-based like the CLI. */
function located(text: string): string[] {
  const lines = new LineIndex(text);
  return parseRunbook(text).problems.map((p: Problem) => {
    const s = lines.positionAt(p.span.start);
    const e = lines.positionAt(p.span.end);
    return `${s.line + 1}:${s.character + 1}-${e.line + 1}:${e.character + 1} ${p.code} [${text.slice(p.span.start, p.span.end)}] ${p.message}`;
  });
}

test('a valid runbook has no problems', () => {
  assert.deepEqual(located(`${base}steps:\n  - id: a\n    run: echo hi\n    expect: { exit: 0, stdout: hi }\n`), []);
});

test('unknown key: points at the key, suggests the closest', () => {
  assert.deepEqual(located(`${base}steps:\n  - id: a\n    run: echo hi\n    comfirm: true\n`), [
    '7:5-7:12 schema-unknown-key [comfirm] unknown key `comfirm` in step `a`; did you mean `confirm`?',
  ]);
  assert.deepEqual(located(`${base}titel: x\nsteps:\n  - id: a\n    run: x\n`), ['4:1-4:6 schema-unknown-key [titel] unknown key `titel`; did you mean `title`?']);
});

test('unknown key without a close match lists the allowed keys', () => {
  const [p] = located(`${base}steps:\n  - id: a\n    run: x\n    expect: { exit: 0, zzzzzz: 1 }\n`);
  assert.match(p!, /^7:24-7:30 schema-unknown-key \[zzzzzz\] unknown key `zzzzzz` in `expect`; allowed keys: `exit`, `stdout`, `stderr`, `json`, `rows`, `row`$/);
});

test('wrong type: points at the value', () => {
  assert.deepEqual(located(`${base}steps:\n  - id: a\n    run: x\n    expect: { exit: "0" }\n`), ['7:21-7:24 schema-type ["0"] `expect.exit` must be an integer or a list']);
  assert.deepEqual(located(`${base}steps:\n  - id: a\n    run: x\n    confirm: 3\n`), ['7:14-7:15 schema-type [3] `confirm` must be true or false, a string or a map']);
});

test('missing required key: points at the owner key, never the whole document', () => {
  assert.deepEqual(located('runsafe: 1\nid: demo\nsteps:\n  - id: a\n    run: x\n'), ['1:1-1:8 schema-missing-key [runsafe] the runbook is missing the required key `title`']);
  assert.deepEqual(located(`${base}steps:\n  - id: a\n    run: x\n    capture: { secret: true }\n`), ['7:5-7:12 schema-missing-key [capture] `capture` is missing the required key `into`']);
});

test('enum: lists allowed values and suggests', () => {
  assert.deepEqual(located(`${base}steps:\n  - id: a\n    run: x\n    shell: bsh\n`), ['7:12-7:15 schema-value [bsh] `shell` must be one of `bash`, `sh`, `zsh`; did you mean `bash`?']);
});

test('const and pattern: version, ids, durations, variable names', () => {
  assert.deepEqual(located('runsafe: 2\nid: demo\ntitle: D\nsteps:\n  - id: a\n    run: x\n'), ['1:10-1:11 schema-value [2] `runsafe` must be 1']);
  assert.deepEqual(located(`${base}steps:\n  - id: Bad Id\n    run: x\n`), ['5:9-5:15 schema-value [Bad Id] `id` must be an id of lower-case letters, digits, `-`, `_` or `.`']);
  assert.deepEqual(located(`${base}steps:\n  - id: a\n    run: x\n    timeout: 5 minutes\n`), [
    '7:14-7:23 schema-value [5 minutes] `timeout` must be a duration such as `30s`, `5m` or `24h` (a number and ms, s, m, h or d)',
  ]);
  assert.deepEqual(located(`${base}inputs:\n  app-env: { default: x }\nsteps:\n  - id: a\n    run: x\n`), [
    '5:3-5:10 schema-value [app-env] `app-env` in `inputs` must be an environment variable name (letters, digits and `_`, not starting with a digit)',
  ]);
});

test('step kinds: none, or more than one', () => {
  assert.deepEqual(located(`${base}steps:\n  - id: a\n    title: nothing to do\n`), ['5:5-5:7 schema-missing-key [id] a step needs one of `run`, `manual`, `wait` or `sql`']);
  assert.deepEqual(located(`${base}steps:\n  - id: a\n    manual: do it\n    run: echo\n`), [
    '7:5-7:8 schema-value [run] a step has exactly one of `run`, `manual`, `wait` or `sql`; this one has both `manual` and `run`',
  ]);
});

test('wait needs a duration or a poll with until and timeout', () => {
  assert.deepEqual(located(`${base}steps:\n  - id: a\n    wait: { run: curl x }\n`), ['6:5-6:9 schema-missing-key [wait] `wait` needs either `for`, or `run` with `until` and `timeout`']);
});

test('minimum, minItems, uniqueItems, minProperties', () => {
  assert.deepEqual(located(`${base}steps:\n  - id: a\n    run: x\n    retry: { attempts: 0 }\n`), ['7:24-7:25 schema-value [0] `retry.attempts` must be at least 1']);
  assert.deepEqual(located(`${base}steps: []\n`), ['4:8-4:10 schema-value [[]] `steps` needs at least 1 item']);
  assert.deepEqual(located(`${base}steps:\n  - id: a\n    run: x\n    needs: [b, b]\n`), ['7:16-7:17 schema-value [b] `needs` lists the same value twice (items 0 and 1)']);
  assert.deepEqual(located(`${base}steps:\n  - id: a\n    run: x\n    expect: {}\n`), ['7:13-7:15 schema-value [{}] `expect` must not be empty']);
});

test('nested sections are validated like top-level steps', () => {
  assert.deepEqual(located(`${base}steps:\n  - section: Part A\n    steps:\n      - id: a\n        run: x\n        retyr: { attempts: 2 }\n`), [
    '9:9-9:14 schema-unknown-key [retyr] unknown key `retyr` in step `a`; did you mean `retry`?',
  ]);
});

test('an empty document says what a runbook needs', () => {
  assert.deepEqual(located(''), ['1:1-1:1 schema-missing-key [] the runbook is empty; it needs at least `runsafe: 1`, `id`, `title` and `steps`']);
});
