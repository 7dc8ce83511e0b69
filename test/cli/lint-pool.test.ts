// `runsafe lint` on worker threads (commands/lint-pool.ts): over a folder of many runbooks, failing ones
// included, the pool's output and exit code are the serial lint's, in every format.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { root } from './bundled-cli';

let dir: string;

/** The bundled CLI; SARIF of every fixture is over spawnSync's default 1 MiB of output. */
function runsafeIn(cwd: string, args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'client/out/cli.js'), ...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(() => {
  if (!existsSync(join(root, 'client/out/cli.js'))) throw new Error('client/out/cli.js is missing: run npm run build');
  dir = mkdtempSync(join(tmpdir(), 'runsafe-lint-pool-'));
  // Every rule's fixtures (positives fail with errors, near-misses pass), the shipped runbooks, a broken
  // YAML file and a schema error: more files than the pool's threshold, so the default run uses workers.
  cpSync(join(root, 'test/fixtures/rules'), join(dir, 'rules'), { recursive: true });
  for (const f of readdirSync(join(root, 'runbooks')).filter((x) => x.endsWith('.runbook.yaml'))) cpSync(join(root, 'runbooks', f), join(dir, f));
  writeFileSync(join(dir, 'broken.runbook.yaml'), 'runsafe: 1\nid: [unclosed\n');
  writeFileSync(join(dir, 'schema.runbook.yaml'), 'runsafe: 1\nid: x\ntitle: T\nsteps:\n  - id: a\n    run: echo hi\n    comfirm: true\n');
  assert.ok(readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.runbook.yaml')).length >= 32, 'at least the pool threshold');
});
after(() => rmSync(dir, { recursive: true, force: true }));

for (const format of ['text', 'json', 'sarif', 'github']) {
  test(`pool and serial lint print the same ${format} output and exit code`, () => {
    const serial = runsafeIn(dir, ['lint', '.', '--format', format, '--jobs', '1']);
    assert.equal(serial.code, 1, serial.stderr);
    assert.ok(serial.stdout.length > 1000);
    for (const args of [[], ['--jobs', '3']]) {
      const pooled = runsafeIn(dir, ['lint', '.', '--format', format, ...args]);
      assert.equal(pooled.code, serial.code, `${args.join(' ')}: ${pooled.stderr}`);
      assert.equal(pooled.stdout, serial.stdout, args.join(' '));
      assert.equal(pooled.stderr, serial.stderr, args.join(' '));
    }
  });
}

test('pool and serial agree on a clean folder (exit 0), with --quiet and a baseline', () => {
  const clean = join(dir, 'rules');
  const base = runsafeIn(dir, ['lint', clean, '--write-baseline', 'base.json', '--jobs', '1']);
  assert.equal(base.code, 0, base.stderr);
  for (const extra of [['--baseline', 'base.json'], ['--quiet']]) {
    const serial = runsafeIn(dir, ['lint', clean, ...extra, '--jobs', '1']);
    const pooled = runsafeIn(dir, ['lint', clean, ...extra, '--jobs', '2']);
    assert.equal(pooled.code, serial.code);
    assert.equal(pooled.stdout, serial.stdout);
  }
  assert.equal(runsafeIn(dir, ['lint', clean, '--baseline', 'base.json', '--jobs', '2']).code, 0);
});

test('--jobs takes a whole number', () => {
  const r = runsafeIn(dir, ['lint', '.', '--jobs', '0']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--jobs must be a whole number/);
});

test('runbooks with SQL among many without: pool and serial give the same findings, read by PostgreSQL\'s parser', () => {
  // The lint loads libpg-query only at the first runbook holding SQL (and lints that one again with it):
  // here the first file in one lane and files late in both lanes hold SQL, in a `sql:` step and a psql -c.
  // `UPDATE … SET x = (SELECT 1 WHERE true)` has no WHERE of its own: PostgreSQL's parser says so
  // (destructive-unconfirmed); the tokenizer alone takes the sub-select's WHERE for it (unverified-change).
  const sqlDir = mkdtempSync(join(tmpdir(), 'runsafe-lint-pool-sql-'));
  try {
    const book = (steps: string) => `runsafe: 1\nid: x\ntitle: T\nsteps:\n${steps}`;
    const sqlStep = '  - id: s\n    title: S\n    sql: "SELECT 1; UPDATE accounts SET x = (SELECT 1 WHERE true);"\n';
    const psqlStep = '  - id: p\n    title: P\n    run: psql -c "UPDATE ledger SET x = (SELECT 1 WHERE true)"\n';
    const plain = (i: number) => `  - id: r${i}\n    title: R\n    run: echo ${i}\n`;
    writeFileSync(join(sqlDir, 'a-first.runbook.yaml'), book(sqlStep));
    for (let i = 0; i < 40; i++) writeFileSync(join(sqlDir, `m${String(i).padStart(2, '0')}.runbook.yaml`), book(plain(i)));
    for (const [name, steps] of [['z1', sqlStep], ['z2', psqlStep], ['z3', plain(1) + psqlStep], ['z4', sqlStep + psqlStep]]) writeFileSync(join(sqlDir, `${name}.runbook.yaml`), book(steps!));
    const serial = runsafeIn(sqlDir, ['lint', '.', '--format', 'json', '--jobs', '1']);
    assert.equal(serial.code, 1, serial.stderr);
    const report = JSON.parse(serial.stdout) as { files: { path: string; problems: { code: string; line: number }[] }[] };
    const sqlFindings = (path: string) => report.files.find((f) => f.path === path)?.problems.filter((p) => /destructive|unverified/.test(p.code)).map((p) => `${p.code}:${p.line}`);
    assert.deepEqual(sqlFindings('a-first.runbook.yaml'), ['destructive-unconfirmed:7']);
    assert.deepEqual(sqlFindings('z2.runbook.yaml'), ['destructive-unconfirmed:7']);
    assert.deepEqual(sqlFindings('z4.runbook.yaml'), ['destructive-unconfirmed:7', 'destructive-unconfirmed:10']);
    for (const args of [['--jobs', '2'], []]) {
      const pooled = runsafeIn(sqlDir, ['lint', '.', '--format', 'json', ...args]);
      assert.equal(pooled.code, serial.code, pooled.stderr);
      assert.equal(pooled.stdout, serial.stdout, args.join(' '));
    }
    // One runbook with SQL on stdin reads the same as from a file.
    const stdin = spawnSync(process.execPath, [join(root, 'client/out/cli.js'), 'lint', '-', '--format', 'json', '--stdin-filename', 'a-first.runbook.yaml'], { cwd: sqlDir, input: book(sqlStep), encoding: 'utf8' });
    assert.deepEqual((JSON.parse(stdin.stdout) as typeof report).files[0]!.problems.map((p) => p.code), report.files[0]!.problems.map((p) => p.code));
  } finally {
    rmSync(sqlDir, { recursive: true, force: true });
  }
});
