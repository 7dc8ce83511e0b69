// .runsafe.yaml: the schema accepts the documented shape, the CLI reads the nearest file, --fix edits files.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import Ajv2020 from 'ajv/dist/2020';
import { parse as yamlParse } from 'yaml';
import schema from '../../schemas/runsafe-config.schema.json';
import { initShellFromDisk } from '../../server/src/shell-wasm';
import { main } from '../../client/src/cli/main';
import type { CliIo } from '../../client/src/cli/command';

before(async () => {
  await initShellFromDisk();
});

const example = `policy:
  append_only_tables: [trace_events, 'settle*']
  secret_names: ['TRACE_SIGNING_PRIVKEY_*']
  dangerous_commands: ['make demo-down']
  approvals: { required: 2 }
severity:
  unverified-change: off
  secret-in-argv: error
`;

test('the .runsafe.yaml schema accepts the documented example and rejects typos', () => {
  const validate = new Ajv2020({ strict: false }).compile(schema);
  assert.equal(validate(yamlParse(example)), true, JSON.stringify(validate.errors));
  assert.equal(validate(yamlParse('policy:\n  append_only_table: [x]\n')), false);
  assert.equal(validate(yamlParse('severity:\n  secret-echo: loud\n')), false);
});

async function run(argv: string[], cwd: string): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (d) => (out += String(d)));
  const io: CliIo = { stdout, stderr: new PassThrough(), stdin: new PassThrough(), cwd, env: { NO_COLOR: '1' } };
  const code = await main(argv, io);
  return { code, out };
}

test('runsafe lint reads the nearest .runsafe.yaml and applies its policy and severities', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runsafe-ws-'));
  try {
    const sub = join(dir, 'ops');
    mkdirSync(sub);
    const runbook = `runsafe: 1
id: ws
title: Workspace policy
steps:
  - id: fix
    run: psql -c "UPDATE settlements SET x = 1 WHERE id = 2"
    confirm: true
    rollback: undo
rollback:
  - id: undo
    run: psql -c "UPDATE settlements SET x = 0 WHERE id = 2"
`;
    writeFileSync(join(sub, 'a.runbook.yaml'), runbook);
    const before = await run(['lint', '--format', 'json', '.'], sub);
    const codes = (r: { out: string }) => (JSON.parse(r.out) as { files: { problems: { code: string }[] }[] }).files.flatMap((f) => f.problems.map((p) => p.code));
    assert.ok(!codes(before).includes('append-only-mutation'));
    writeFileSync(join(dir, '.runsafe.yaml'), example);
    const after = await run(['lint', '--format', 'json', '.'], sub);
    assert.deepEqual(codes(after).filter((c) => c === 'append-only-mutation'), ['append-only-mutation', 'append-only-mutation']);
    assert.ok(!codes(after).includes('unverified-change'));
    assert.equal(after.code, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('runsafe lint --fix rewrites only what the safe fixes change', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runsafe-fix-'));
  try {
    const text = `runsafe: 1
id: fixme
title: Fix me   # trailing comment kept
inputs:
  NEW_SEED: { secret: true, description: seed }
steps:
  - id: scale-down
    run: kubectl scale deployment producer --replicas=0
  - id: set
    run: |
      heroku config:set "TRACE_SIGNING_PRIVKEY_A_V2=$NEW_SEED" -a app
  - id: check
    run: curl -fsS https://x/health
    expect: { stdout: ok }
`;
    const file = join(dir, 'f.runbook.yaml');
    writeFileSync(file, text);
    const r = await run(['lint', '--fix', file], dir);
    const fixed = readFileSync(file, 'utf8');
    assert.equal(
      fixed,
      text.replace('  - id: scale-down\n', '  - id: scale-down\n    confirm: true\n').replace('-a app\n', '-a app >/dev/null 2>&1\n'),
    );
    assert.ok(!r.out.includes('destructive-unconfirmed'));
    // Nothing left to fix: a second run leaves the bytes alone.
    await run(['lint', '--fix', file], dir);
    assert.equal(readFileSync(file, 'utf8'), fixed);
    const stdin = await run(['lint', '--fix', '-'], dir);
    assert.equal(stdin.code, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
