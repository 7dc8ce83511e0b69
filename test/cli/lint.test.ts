// `runsafe lint` as a user runs it: the bundled CLI in a real process, on real files.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

const root = resolve(__dirname, '../..');
const cli = join(root, 'client/out/cli.js');
let dir: string;

function runsafe(args: string[], input?: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const good = 'runsafe: 1\nid: good\ntitle: Good\nsteps:\n  - id: a\n    run: echo hi\n';
const wrongKey = 'runsafe: 1\nid: bad\ntitle: Bad\nsteps:\n  - id: a\n    run: |\n      echo hi\n    comfirm: true\n';

before(() => {
  // scripts/test.mjs bundles once before any test file runs (files run concurrently).
  if (!existsSync(cli)) throw new Error('client/out/cli.js is missing: run npm run build');
  dir = mkdtempSync(join(tmpdir(), 'runsafe-lint-'));
  mkdirSync(join(dir, 'books/nested'), { recursive: true });
  mkdirSync(join(dir, 'books/node_modules'), { recursive: true });
  writeFileSync(join(dir, 'books/good.runbook.yaml'), good);
  writeFileSync(join(dir, 'books/nested/bad.runbook.yml'), wrongKey);
  writeFileSync(join(dir, 'books/notes.yaml'), 'not: a runbook\n');
  writeFileSync(join(dir, 'books/node_modules/dep.runbook.yaml'), 'garbage: [\n');
});

test('a wrong key prints path:line:col, the source line and a caret, and exits 1', () => {
  const r = runsafe(['lint', 'books']);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], 'books/nested/bad.runbook.yml:8:5 error schema-unknown-key unknown key `comfirm` in step `a`; did you mean `confirm`?');
  assert.equal(lines[1], '8 |     comfirm: true');
  assert.equal(lines[2], '  |     ^^^^^^^');
  assert.match(r.stdout, /1 error, 0 warnings in 2 files/);
  assert.doesNotMatch(r.stdout, /node_modules|notes\.yaml/);
});

test('a clean runbook exits 0', () => {
  const r = runsafe(['lint', 'books/good.runbook.yaml']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /0 errors, 0 warnings in 1 file/);
});

test('a missing file is a clear message and exit 2', () => {
  const r = runsafe(['lint', 'nope.runbook.yaml']);
  assert.equal(r.code, 2);
  assert.match(r.stdout, /nope\.runbook\.yaml error io cannot read: no such file or directory/);
});

test('a path through a file (not a directory) is exit 2 with the reason', () => {
  const r = runsafe(['lint', 'books/good.runbook.yaml/inner.runbook.yaml']);
  assert.equal(r.code, 2);
  assert.match(r.stdout, /inner\.runbook\.yaml error io cannot read: not a directory/);
});

test('usage errors exit 2 and point at --help', () => {
  const r = runsafe(['lint', '--format', 'xml', 'books']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown format 'xml'; use one of text, json, sarif, github/);
  assert.match(r.stderr, /runsafe lint --help/);
  const u = runsafe(['lint', '--bogus']);
  assert.equal(u.code, 2);
  assert.match(u.stderr, /--bogus/);
});

test('--help documents formats, stdin and exit codes', () => {
  const r = runsafe(['lint', '--help']);
  assert.equal(r.code, 0);
  for (const word of ['--format', 'sarif', 'github', '--stdin-filename', 'Exit codes', 'NO_COLOR']) assert.ok(r.stdout.includes(word), word);
  const top = runsafe(['--help']);
  assert.match(top.stdout, /lint\s+check runbooks/);
});

test('stdin (-) with a display name', () => {
  const r = runsafe(['lint', '-', '--stdin-filename', 'piped.runbook.yaml'], wrongKey);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^piped\.runbook\.yaml:8:5 error schema-unknown-key/);
});

test('json output has exact positions and a summary', () => {
  const r = runsafe(['lint', '--format', 'json', 'books']);
  assert.equal(r.code, 1);
  const doc = JSON.parse(r.stdout);
  const bad = doc.files.find((f: { path: string }) => f.path.endsWith('bad.runbook.yml'));
  assert.deepEqual(
    bad.problems.map((p: Record<string, unknown>) => [p.code, p.line, p.column, p.endLine, p.endColumn]),
    [['schema-unknown-key', 8, 5, 8, 12]],
  );
  assert.deepEqual(doc.summary, { files: 2, errors: 1, warnings: 0, infos: 0 });
});

test('sarif output validates against the official SARIF 2.1.0 schema', () => {
  const r = runsafe(['lint', '--format', 'sarif', 'books', 'missing.runbook.yaml']);
  assert.equal(r.code, 2);
  const sarif = JSON.parse(r.stdout) as any;
  const schema = JSON.parse(readFileSync(join(root, 'node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json'), 'utf8'));
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const compiled = ajv.compile(schema);
  // A plain boolean function: ajv's type guard would narrow the document to `unknown`.
  const validate = (d: unknown): boolean => compiled(d);
  assert.ok(validate(sarif), JSON.stringify(compiled.errors, null, 2));
  const result = sarif.runs[0].results[0];
  assert.equal(result.ruleId, 'schema-unknown-key');
  assert.deepEqual(result.locations[0].physicalLocation.region.startLine, 8);
  assert.deepEqual(result.locations[0].physicalLocation.region.startColumn, 5);
  assert.equal(result.locations[0].physicalLocation.artifactLocation.uri, 'books/nested/bad.runbook.yml');
  assert.equal(sarif.runs[0].invocations[0].executionSuccessful, false);
  // The validator is not vacuous: a broken document fails it.
  assert.equal(validate({ ...sarif, version: '2.0.0' }), false);
});

test('github output prints escaped workflow annotations', () => {
  const r = runsafe(['lint', '--format', 'github', 'books']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout.trim(), '::error file=books/nested/bad.runbook.yml,line=8,col=5,endLine=8,endColumn=12,title=runsafe schema-unknown-key::unknown key `comfirm` in step `a`; did you mean `confirm`?');
});

test('colour only when asked or on a TTY, never with NO_COLOR', () => {
  assert.doesNotMatch(runsafe(['lint', 'books']).stdout, /\x1b\[/);
  assert.match(runsafe(['lint', '--color', 'books'], undefined, { NO_COLOR: '' }).stdout, /\x1b\[/);
});
