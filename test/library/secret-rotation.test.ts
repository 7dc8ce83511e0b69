// Secret rotation through the real CLI with recording stand-ins (vault, curl to Alpaca and the services' health URLs, systemctl) and a real PostgreSQL:
// a troubleshooting run rotates nothing; the Alpaca backups survive the parked 24-hour grace period in the encrypted state.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCluster, type Cluster } from '../db/cluster';
import { runbook, simulation } from './sim';

const file = runbook('secret-rotation-90-day.runbook.yaml');
// An operator who confirms everything the plan could ask for in advance.
const confirmed = ['alpaca-dashboard-access', 'human-checks', 'db-alter-password', 'db-restart-service', 'alpaca-generate-key',
  'alpaca-restart-service', 'alpaca-delete-old-key'].flatMap((s) => ['--confirm', s]);

let pg: Cluster;
before(async () => {
  pg = await startCluster();
  pg.psql('CREATE DATABASE trader;');
  pg.psql('CREATE TABLE secret_rotation_log (secret_name text NOT NULL, rotated_by text NOT NULL, rotation_date timestamptz NOT NULL, status text NOT NULL);', 'trader');
});
after(() => pg?.stop());

test('--section troubleshoot-db-password without an answer to "Rotate secrets" is refused before any step (it would rotate first)', () => {
  const sim = simulation('secret-troubleshoot-unanswered');
  const r = sim.runsafe(['run', file, '--non-interactive', '--section', 'troubleshoot-db-password', ...confirmed]);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /--answer rotation=yes or --answer rotation=no/);
  assert.deepEqual(sim.calls().filter((c) => c.tool !== 'vault' || c.argv[0] !== 'token'), [], 'a step ran before the refusal');
});

/** Secrets of one rotation: the old values in Vault, the trader role's old password, the new Alpaca key from the dashboard. */
const old = { id: 'PKOLD' + 'A'.repeat(15), secret: 'old-secret-' + 'b'.repeat(29), db: 'old-db-password-123456' };
const fresh = { id: 'PKNEW' + 'C'.repeat(15), secret: 'new-secret-' + 'd'.repeat(29) };
const alpacaEnv = { NEW_ALPACA_KEY_ID: fresh.id, NEW_ALPACA_SECRET_KEY: fresh.secret };
const t0 = '2026-12-01T09:00:00.000Z';

/**
 * A workspace holding the shipped runbook's bytes beside the trading application's entry points the
 * steps run from the runbook's folder: the orchestrator's dry run (B4), `make paper-run` (validation)
 * and `scripts/rotate_secrets.py log` (A5, B6), which writes its row into the real PostgreSQL.
 */
function rotation(name: string) {
  const sim = simulation(name);
  const copy = join(sim.dir, 'secret-rotation-90-day.runbook.yaml');
  copyFileSync(file, copy);
  mkdirSync(join(sim.dir, 'apps/orchestrator'), { recursive: true });
  writeFileSync(join(sim.dir, 'apps/__init__.py'), '');
  writeFileSync(join(sim.dir, 'apps/orchestrator/__init__.py'), '');
  writeFileSync(join(sim.dir, 'apps/orchestrator/main.py'), "print('Initialized AlpacaClient (key ****)')\nprint('Account fetched successfully')\n");
  writeFileSync(join(sim.dir, 'Makefile'), 'paper-run:\n\tpython -m apps.orchestrator.main --dry-run\n');
  mkdirSync(join(sim.dir, 'scripts'));
  writeFileSync(join(sim.dir, 'scripts/rotate_secrets.py'), [
    '# The application\'s rotation logger (stand-in): one SUCCESS row in secret_rotation_log.',
    'import argparse, os, subprocess',
    'p = argparse.ArgumentParser(); p.add_argument("cmd"); p.add_argument("--secret-name"); p.add_argument("--rotated-by"); p.add_argument("--rotation-date")',
    'a = p.parse_args()',
    'subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", os.environ["DB_HOST"], "-U", "postgres", "-d", "trader", "-v", "n=" + a.secret_name, "-v", "by=" + a.rotated_by, "-v", "at=" + a.rotation_date, "-f", "-"],',
    '  input="INSERT INTO secret_rotation_log VALUES (:\'n\', :\'by\', :\'at\', \'SUCCESS\');\\n", text=True, check=True)',
    'print("logged " + a.secret_name)',
    '',
  ].join('\n'));
  sim.setState('vault', { kv: { 'secret/prod/alpaca/api_key_id': old.id, 'secret/prod/alpaca/api_secret_key': old.secret, 'secret/prod/database/password': old.db }, meta: {} });
  // Both keys work during the grace period; deleting the old one in the dashboard is the manual step after it.
  sim.setState('alpaca', { keys: { [old.id]: old.secret, [fresh.id]: fresh.secret } });
  const keyFile = join(sim.dir, 'state.key');
  writeFileSync(keyFile, randomBytes(32).toString('hex'), { mode: 0o600 });
  const vault = () => (JSON.parse(readFileSync(join(sim.dir, 'state/vault.json'), 'utf8')) as { kv: Record<string, string>; meta: Record<string, Record<string, string>> });
  const restarts = () => sim.calls().filter((c) => c.tool === 'systemctl').map((c) => c.argv.join(' '));
  return { sim, copy, keyFile, vault, restarts };
}

/** No secret in any argv or transcript, none in the environment of a call whose step does not use it; the segments verify together. */
function assertNoLeak(sim: ReturnType<typeof simulation>, secrets: string[]) {
  const db = ['NEW_DB_PASSWORD', 'OLD_DB_PASSWORD'];
  const alpaca = ['OLD_ALPACA_KEY_ID', 'OLD_ALPACA_SECRET_KEY', 'NEW_ALPACA_KEY_ID', 'NEW_ALPACA_SECRET_KEY'];
  for (const c of sim.calls()) {
    for (const s of secrets) assert.ok(!c.argv.some((a) => a.includes(s)), `${c.tool} got a secret in argv: ${c.argv.join(' ')}`);
    // Which secrets a call may see: those of the step it runs in (vault and curl pipe a secret the step names; nothing else needs one).
    const url = c.argv.find((a) => a.startsWith('http')) ?? '';
    const path = c.argv.find((a) => a.startsWith('secret/')) ?? '';
    const allowed = c.tool === 'vault' ? (path.includes('/alpaca/') ? alpaca : path.includes('/database/') ? db : []) : c.tool === 'curl' && url.includes('alpaca.markets') ? alpaca : [];
    for (const n of [...db, ...alpaca]) if (!allowed.includes(n)) assert.ok(!c.env_names.includes(n), `${c.tool} ${c.argv.join(' ')} got ${n} in its environment`);
  }
  for (const t of sim.transcripts()) for (const s of secrets) assert.ok(!readFileSync(t, 'utf8').includes(s), 'a secret is in the transcript');
  const v = sim.runsafe(['verify', ...sim.transcripts(), '--allow-unsigned']);
  assert.equal(v.code, 0, v.out);
}

test('happy path: Part A (password, rolling restarts) and Part B (key, restarts, 24 h grace parked, resumed a day later) pass every check with no rollback and no secret in argv, environment or transcript', () => {
  const { sim, copy, keyFile, vault, restarts } = rotation('secret-happy');
  pg.psql(`CREATE ROLE trader LOGIN PASSWORD '${old.db}';`);
  const trader = (password: string) => spawnSync('psql', ['-X', '-h', pg.socketDir, '-U', 'trader', '-d', 'trader', '-tAc', 'SELECT current_user'], { encoding: 'utf8', env: { PATH: process.env.PATH, PGPASSWORD: password } }).stdout.trim();
  assert.equal(trader(old.db), 'trader');
  const first = sim.runsafe(['run', copy, '--non-interactive', '--answer', 'rotation=yes', '--answer', 'part-a=yes', '--answer', 'part-b=yes', '-i', `DB_HOST=${pg.socketDir}`,
    '--park-waits', '--state-key-file', keyFile, ...confirmed], { ...alpacaEnv, RUNSAFE_TEST_NOW: t0 });
  assert.equal(first.code, 3, first.out);
  assert.match(first.out, /alpaca-grace-period +wait +parked/);
  // Part A: the database and Vault hold one new password of 24 letters and digits; the old one no longer logs in.
  const dbPassword = vault().kv['secret/prod/database/password']!;
  assert.match(dbPassword, /^[A-Za-z0-9]{24}$/);
  assert.equal(trader(dbPassword), 'trader');
  assert.equal(trader(old.db), '', 'the old database password still logs in');
  // A4 then B3: one service at a time, each healthy before the next.
  assert.deepEqual(restarts(), ['restart signal-service', 'restart orchestrator', 'restart execution-gateway', 'restart market-data-service', 'restart orchestrator']);
  assert.equal(vault().kv['secret/prod/alpaca/api_key_id'], fresh.id);
  assert.equal(vault().kv['secret/prod/alpaca/api_secret_key'], fresh.secret);
  assert.equal(vault().meta['secret/prod/alpaca/api_key_id']?.status, 'active');
  assert.equal(vault().meta['secret/prod/alpaca/api_key_id']?.previous_key_status, 'deprecated');

  // A day later the operator deleted the old key in the dashboard: only the new one answers.
  sim.setState('alpaca', { keys: { [fresh.id]: fresh.secret } });
  const r = sim.runsafe(['run', copy, '--resume', sim.transcripts()[0]!, '--non-interactive', '--state-key-file', keyFile, ...confirmed], { ...alpacaEnv, RUNSAFE_TEST_NOW: '2026-12-02T09:30:00.000Z' });
  assert.equal(r.code, 0, r.out);
  for (const s of ['alpaca-old-key-rejected', 'alpaca-verify-logged', 'validate-services-healthy', 'validate-logs-clean', 'validate-trading', 'validate-old-db-password-invalid', 'validate-rotation-logged'])
    assert.match(r.out, new RegExp(`\\n${s} +run +passed`), `${s} did not pass`);
  assert.ok(!sim.records().some((x) => x.type === 'step_start' && x.group === 'rollback'), 'a rollback ran');
  assert.equal(pg.psql("SELECT string_agg(secret_name || '=' || status, ',' ORDER BY secret_name) FROM secret_rotation_log;", 'trader').trim(), 'alpaca/api_key=SUCCESS,database/password=SUCCESS');
  assert.equal(restarts().length, 5, 'the resume restarted a service again');
  assertNoLeak(sim, [old.id, old.secret, old.db, fresh.id, fresh.secret, dbPassword]);
});

test('Part B parks at the 24-hour grace period with the old key backed up only in the encrypted state; a failure after it restores the old key in Vault from that state', () => {
  const { sim, copy, keyFile, vault, restarts } = rotation('secret-alpaca-grace');
  const first = sim.runsafe(['run', copy, '--non-interactive', '--answer', 'rotation=yes', '--answer', 'part-a=no', '--answer', 'part-b=yes', '-i', `DB_HOST=${pg.socketDir}`,
    '--park-waits', '--state-key-file', keyFile, ...confirmed], { ...alpacaEnv, RUNSAFE_TEST_NOW: t0 });
  assert.equal(first.code, 3, first.out);
  // Step 3 is an items loop: one service at a time, each healthy before the next.
  assert.deepEqual(restarts(), ['restart execution-gateway', 'restart market-data-service', 'restart orchestrator']);
  assert.match(first.out, /── .*Step 3: graceful restarts, one service at a time · 2\/3 market-data-service ──/);
  assert.equal(vault().kv['secret/prod/alpaca/api_key_id'], fresh.id);
  assert.equal(vault().kv['secret/prod/alpaca/api_secret_key'], fresh.secret);
  // B5: the path holds the NEW key, so it stays active; the old one is recorded as the deprecated previous version.
  assert.equal(vault().meta['secret/prod/alpaca/api_key_id']?.status, 'active');
  assert.equal(vault().meta['secret/prod/alpaca/api_key_id']?.previous_key_status, 'deprecated');
  const dir = join(sim.dir, '.runsafe/transcripts');
  const states = readdirSync(dir).filter((f) => f.endsWith('.state'));
  assert.equal(states.length, 1, 'the backups are not in an encrypted state file');
  const stateText = readFileSync(join(dir, states[0]!), 'utf8');
  for (const s of [old.id, old.secret, fresh.id, fresh.secret]) assert.ok(!stateText.includes(s), 'a secret is in clear in the state file');

  // The runner is gone for a day (the run parked: nothing holds the backups in memory). After the grace period the
  // old key was "deleted" but still works: the check fails and --on-failure rollback restores the old key in Vault.
  const later = '2026-12-02T09:30:00.000Z';
  const r = sim.runsafe(['run', copy, '--resume', sim.transcripts()[0]!, '--non-interactive', '--state-key-file', keyFile, '--on-failure', 'rollback'], { ...alpacaEnv, RUNSAFE_TEST_NOW: later });
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /alpaca-old-key-rejected +run +failed/);
  assert.equal(vault().kv['secret/prod/alpaca/api_key_id'], old.id, `the emergency rollback had nothing to restore\n${r.out}`);
  assert.equal(vault().kv['secret/prod/alpaca/api_secret_key'], old.secret);
  // The emergency rollback runs once, in the document's order (revert, restart everything, verify the old key), not once per restarted service.
  const ran = sim.records().filter((x) => x.type === 'step_end' && x.group === 'rollback' && x.state === 'passed').map((x) => x.stepId);
  assert.deepEqual(ran, ['rollback-alpaca-secret-vault', 'rollback-alpaca-restart', 'rollback-alpaca-verify-old-key']);
  assert.deepEqual(restarts().slice(3), ['restart execution-gateway market-data-service orchestrator']);

  assertNoLeak(sim, [old.id, old.secret, fresh.id, fresh.secret]);
});

test('validation: logs that cannot be read fail "logs clean" (it passed on an empty read before)', () => {
  const { sim, copy } = rotation('secret-logs-unreadable');
  sim.fail([{ tool: 'journalctl', stderr: 'No journal files were found.\n' }]);
  const r = sim.runsafe(['run', copy, '--non-interactive', '--answer', 'rotation=yes', '--answer', 'part-a=no', '--answer', 'part-b=no', '-i', `DB_HOST=${pg.socketDir}`, ...confirmed]);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /\nvalidate-logs-clean +run +failed/);
  assert.ok(sim.calls().some((c) => c.tool === 'journalctl'), 'the journal was not read');
});
