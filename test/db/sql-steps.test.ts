// `sql` steps against a real PostgreSQL: connection by environment only, bound variables, one transaction, row checks, located errors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { findPgBin, startCluster, type Cluster } from './cluster';
import { cli, transcriptOf, workspace } from '../runner/helpers';

let pg: Cluster;
const PASSWORD = 'pw-Zq8r;x';

before(async () => {
  pg = await startCluster();
  pg.psql(`CREATE ROLE app LOGIN PASSWORD '${PASSWORD}'; CREATE DATABASE shop OWNER app;`);
  pg.psql('CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL); CREATE TABLE ledger (n int CHECK (n > 0));', 'shop');
  pg.psql('ALTER TABLE notes OWNER TO app; ALTER TABLE ledger OWNER TO app;', 'shop');
});
after(() => pg?.stop());

/** Runs a runbook non-interactively with the app role's URL (password included) in the secret input DB_URL, from the environment. */
async function runSql(name: string, steps: string, inputs: string[] = [], flags: string[] = []) {
  const { dir, path } = workspace(name, `runsafe: 1
id: ${name}
title: SQL ${name}
inputs:
  DB_URL: { secret: true, description: The shop database }
  NOTE: { description: Free text, required: false, default: "" }
steps:
${steps}`);
  const r = await cli(['run', '--non-interactive', ...flags, path, ...inputs.flatMap((i) => ['-i', i])], dir, { DB_URL: pg.url('app', PASSWORD, 'shop') });
  const transcript = readFileSync(transcriptOf(r.stdout, dir), 'utf8');
  return { ...r, transcript, path };
}

test('the password reaches psql by environment only: psql\'s own command line (read while the step runs) holds no part of the URL', async () => {
  const r = await runSql(
    'argv',
    `  - id: whoami
    database: DB_URL
    sql: |
      \\! tr '\\0' ' ' < /proc/$PPID/cmdline; echo; test -n "$PGPASSWORD" && echo password-in-environment; echo "pw=$PGPASSWORD"
      SELECT current_user AS who;
    expect:
      stdout: password-in-environment
      row: { who: app }
`,
  );
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const argv = /^(.*psql.*)$/m.exec(r.stdout)?.[1] ?? '';
  assert.match(argv, /psql --no-psqlrc --quiet -v ON_ERROR_STOP=1 --single-transaction -f -/);
  for (const part of [PASSWORD, 'postgresql://', pg.socketDir, 'shop']) assert.ok(!argv.includes(part), `psql argv holds ${part}: ${argv}`);
  assert.match(r.stdout, /pw=\S/);
  assert.ok(!r.stdout.includes(PASSWORD) && !r.transcript.includes(PASSWORD), 'the password inside the secret URL is masked on its own');
});

test("an input with a quote and a semicolon is bound as a psql variable (:'NOTE'): stored verbatim, nothing else runs", async () => {
  const evil = "x'); DROP TABLE notes; --";
  const r = await runSql(
    'bind',
    `  - id: insert
    database: DB_URL
    sql: INSERT INTO notes (body) VALUES (:'NOTE');
  - id: check
    database: DB_URL
    sql: SELECT count(*) AS n, max(body) AS body FROM notes WHERE body = :'NOTE';
    expect:
      rows: 1
      row: { n: 1, body: ${JSON.stringify(evil)} }
`,
    [`NOTE=${evil}`],
  );
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(pg.psql("SELECT to_regclass('notes') IS NOT NULL, count(*) FROM notes", 'shop').trim(), 't|1');
});

test(':NAME unquoted (pasted into the SQL) is refused before psql starts', async () => {
  const r = await runSql('raw', `  - id: raw
    database: DB_URL
    sql: SELECT :NOTE;
`, ['NOTE=1']);
  assert.equal(r.status, 1);
  assert.match(r.stdout + r.stderr, /runbook line 10: :NOTE would paste the value of NOTE into the SQL text; write :'NOTE'/);
});

test('a failing statement rolls the whole step back and is reported with psql\'s message at its runbook line', async () => {
  const r = await runSql(
    'atomic',
    `  - id: two-inserts
    database: DB_URL
    sql: |
      INSERT INTO ledger VALUES (1);
      INSERT INTO ledger
        VALUES (-5);
      INSERT INTO ledger VALUES (2);
`,
  );
  assert.equal(r.status, 1);
  assert.match(r.stdout, /new row for relation "ledger" violates check constraint "ledger_n_check" \(runbook line 12: INSERT INTO ledger\); the step was rolled back/);
  assert.equal(pg.psql('SELECT count(*) FROM ledger', 'shop').trim(), '0');

  const pos = await runSql('position', `  - id: typo
    database: DB_URL
    sql: |
      SELECT 1;

      SELECT n
        FROM no_such_table;
`);
  assert.equal(pos.status, 1);
  assert.match(pos.stdout, /relation "no_such_table" does not exist \(runbook line 14: FROM no_such_table;\)/);
});

test('transaction: false commits each statement on its own (for statements that cannot run in a transaction)', async () => {
  const r = await runSql('autocommit', `  - id: vacuum
    database: DB_URL
    transaction: false
    sql: |
      INSERT INTO ledger VALUES (7);
      VACUUM ledger;
      INSERT INTO ledger VALUES (-1);
`);
  assert.equal(r.status, 1);
  assert.doesNotMatch(r.stdout, /rolled back/);
  assert.equal(pg.psql('SELECT string_agg(n::text, \',\') FROM ledger', 'shop').trim(), '7');
  pg.psql('DELETE FROM ledger', 'shop');
});

test('expect on rows: rows: 0, a column value, a JSON column\'s field; a failed row check names the value found', async () => {
  const ok = await runSql('rows', `  - id: empty
    database: DB_URL
    sql: SELECT * FROM ledger WHERE n > 100;
    expect: { rows: 0 }
  - id: changed
    database: DB_URL
    sql: DELETE FROM notes WHERE false;
    expect: { rows: 0 }
  - id: json
    database: DB_URL
    sql: |
      SELECT 'unknown_key' AS reason, 3::bigint AS count, true AS strict,
             '{"kid": "sidecar-v2", "n": 2}'::jsonb AS payload, NULL::text AS none;
    expect:
      rows: { gte: 1 }
      row:
        reason: unknown_key
        count: 3
        strict: true
        payload.kid: sidecar-v2
        payload.n: { gt: 1 }
        none: null
`);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  const bad = await runSql('rows-bad', `  - id: count
    database: DB_URL
    sql: SELECT 'invalid_signature' AS reason FROM generate_series(1, 2);
    expect:
      rows: 0
`);
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /expected rows = 0, got 2/);
});

test('without the PostgreSQL binaries the database tests fail with a message saying how to install them (never a silent skip)', () => {
  assert.throws(() => findPgBin('/nonexistent/postgresql', {}), /PostgreSQL server binaries not found .*apt-get install -y postgresql/);
});

test('precondition and rollback sql steps run through the sql runner too', async () => {
  const r = await runSql(
    'groups',
    `  - id: insert
    database: DB_URL
    sql: INSERT INTO ledger VALUES (-3);
    rollback: undo
rollback:
  - id: undo
    database: DB_URL
    sql: DELETE FROM notes WHERE body = 'never written';
    expect: { rows: 0 }
preconditions:
  - id: reachable
    database: DB_URL
    sql: SELECT count(*) AS n FROM ledger;
    expect:
      row: { n: 0 }
`,
    [],
    ['--on-failure', 'rollback'],
  );
  assert.equal(r.status, 1);
  assert.match(r.stdout, /reachable +sql +passed/);
  assert.match(r.stdout, /check constraint "ledger_n_check" \(runbook line 10: INSERT INTO ledger VALUES \(-3\);\)/);
  assert.match(r.stdout, /✓ rows = 0/);
});
