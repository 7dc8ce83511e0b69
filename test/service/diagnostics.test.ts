// Diagnostics: codes, docs links, severity overrides, related information; settings files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, diagnostics, mergeSettings, readWorkspaceConfig } from '../../server/src/service/index';
import { fixture, formatOnly, uri } from './helpers';

const base = fixture('rotation.runbook.yaml');
const broken = base.replace('    title: Run the integrity checker', '    tilte: Run the integrity checker');

test('schema problems become diagnostics with code, docs link, source and data', () => {
  const [d] = formatOnly(diagnostics(analyze(uri, broken)));
  assert.deepEqual(d, {
    range: { start: { line: 38, character: 4 }, end: { line: 38, character: 9 } },
    severity: 1,
    code: 'schema-unknown-key',
    codeDescription: { href: 'https://github.com/runsafe/runsafe/blob/main/docs/problems.md#schema-unknown-key' },
    source: 'runsafe',
    message: 'unknown key `tilte` in step `integrity-check`; did you mean `title`?',
    data: { path: ['steps', 1, 'tilte'], key: 'tilte', suggestion: 'title' },
  });
  assert.deepEqual(formatOnly(diagnostics(analyze(uri, base))), []);
});

test('severity overrides from settings: change and off', () => {
  const warn = analyze(uri, broken, mergeSettings(undefined, { severity: { 'schema-unknown-key': 'warning' } }));
  assert.equal(formatOnly(diagnostics(warn))[0]!.severity, 2);
  const off = analyze(uri, broken, mergeSettings(readWorkspaceConfig('severity:\n  schema-unknown-key: off\n'), {}));
  assert.deepEqual(formatOnly(diagnostics(off)), []);
  // The editor's setting wins over the workspace file.
  const both = analyze(uri, broken, mergeSettings(readWorkspaceConfig('severity:\n  schema-unknown-key: off\n'), { severity: { 'schema-unknown-key': 'info' } }));
  assert.equal(formatOnly(diagnostics(both))[0]!.severity, 3);
  // The extension's `runsafe.lint.enable: false` turns diagnostics off.
  assert.deepEqual(diagnostics(analyze(uri, broken, mergeSettings(undefined, { lint: { enable: false } }))), []);
});

test('related information: the declaration of the variable a rule names, and explicit related spans', () => {
  const doc = analyze(uri, base);
  const at = base.indexOf('$NEW_SEED');
  doc.problems.push({ code: 'secret-echo', severity: 'warning', message: 'm', span: { start: at, end: at + 9 }, data: { variable: 'NEW_SEED' } });
  doc.problems.push({ code: 'broken-reference', severity: 'error', message: 'm', span: { start: 0, end: 1 }, data: { related: [{ span: { start: at, end: at + 1 }, message: 'first defined here' }] } });
  const ds = diagnostics(doc);
  const echo = ds.find((d) => d.code === 'secret-echo')!;
  const broken = ds.find((d) => d.code === 'broken-reference')!;
  assert.deepEqual(echo.relatedInformation, [{ location: { uri, range: { start: { line: 29, character: 16 }, end: { line: 29, character: 24 } } }, message: '`NEW_SEED` is captured here' }]);
  assert.equal(broken.relatedInformation![0]!.message, 'first defined here');
});

test('a real rule finding: docs link, typed data, and the capture that makes the value secret', () => {
  const text = base.replace('  - id: store-in-vault', '  - id: show-seed\n    run: echo "$NEW_SEED"\n  - id: store-in-vault');
  const d = diagnostics(analyze(uri, text)).find((x) => x.code === 'secret-echo')!;
  assert.equal(d.codeDescription.href, 'https://github.com/runsafe/runsafe/blob/main/docs/rules/secret-echo.md');
  assert.equal(d.data!.rule, 'secret-echo');
  assert.deepEqual(d.relatedInformation, [{ location: { uri, range: { start: { line: 29, character: 16 }, end: { line: 29, character: 24 } } }, message: '`NEW_SEED` is captured here' }]);
});

test('related information: declared variables used inside a rule finding', () => {
  const doc = analyze(uri, base);
  const start = base.indexOf('heroku config:set "TRACE');
  const end = base.indexOf('>/dev/null 2>&1', start);
  doc.problems.push({ code: 'secret-in-argv', severity: 'warning', message: 'm', span: { start, end } });
  const d = diagnostics(doc).find((x) => x.code === 'secret-in-argv' && x.range.start.line === 33 && x.range.end.line === 34)!;
  assert.deepEqual(d.relatedInformation!.map((r) => [r.message, r.location.range.start.line]), [
    ['`APP_ENV` is declared here', 10],
    ['`SUBSYSTEM` is declared here', 14],
    ['`NEW_SEED` is captured here', 29],
  ]);
});

test('.runsafe.yaml: bad YAML or shapes are ignored, never thrown', () => {
  assert.deepEqual(readWorkspaceConfig('::: [\n'), { severity: {}, policy: {} });
  assert.deepEqual(readWorkspaceConfig('severity: [1]\npolicy: 3\n'), { severity: {}, policy: {} });
  const c = readWorkspaceConfig('policy:\n  append_only_tables: [ledger]\n  approvals: { required: 2 }\n  severity:\n    secret-echo: error\nsecret_names: ["*_KEY"]\n');
  assert.deepEqual(c, { severity: { 'secret-echo': 'error' }, policy: { appendOnlyTables: ['ledger'], secretNames: ['*_KEY'], approvalsRequired: 2, severity: { 'secret-echo': 'error' } } });
});
