// Secret rotation through the real CLI with recording stand-ins (vault, curl to Alpaca and the services' health URLs, systemctl) and a real PostgreSQL:
// a troubleshooting run rotates nothing; the Alpaca backups survive the parked 24-hour grace period in the encrypted state.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
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
});
after(() => pg?.stop());

test('--section troubleshoot-db-password without an answer to "Rotate secrets" is refused before any step (it would rotate first)', () => {
  const sim = simulation('secret-troubleshoot-unanswered');
  const r = sim.runsafe(['run', file, '--non-interactive', '--section', 'troubleshoot-db-password', ...confirmed]);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /--answer rotation=yes or --answer rotation=no/);
  assert.deepEqual(sim.calls().filter((c) => c.tool !== 'vault' || c.argv[0] !== 'token'), [], 'a step ran before the refusal');
});

test('Part B parks at the 24-hour grace period with the old key backed up only in the encrypted state; a failure after it restores the old key in Vault from that state', () => {
  const sim = simulation('secret-alpaca-grace');
  // The shipped runbook's bytes in a workspace that also holds the orchestrator's dry-run entry point (step 4 runs it from the runbook's folder).
  const copy = join(sim.dir, 'secret-rotation-90-day.runbook.yaml');
  copyFileSync(file, copy);
  mkdirSync(join(sim.dir, 'apps/orchestrator'), { recursive: true });
  writeFileSync(join(sim.dir, 'apps/orchestrator/main.py'), "print('Initialized AlpacaClient (key ****)')\nprint('Account fetched successfully')\n");
  const old = { id: 'PKOLD' + 'A'.repeat(15), secret: 'old-secret-' + 'b'.repeat(29) };
  const fresh = { id: 'PKNEW' + 'C'.repeat(15), secret: 'new-secret-' + 'd'.repeat(29) };
  sim.setState('vault', { kv: { 'secret/prod/alpaca/api_key_id': old.id, 'secret/prod/alpaca/api_secret_key': old.secret, 'secret/prod/database/password': 'old-db-password-123456' }, meta: {} });
  // Both keys work during the grace period; deleting the old one in the dashboard is the manual step after it.
  sim.setState('alpaca', { keys: { [old.id]: old.secret, [fresh.id]: fresh.secret } });
  const keyFile = join(sim.dir, 'state.key');
  writeFileSync(keyFile, randomBytes(32).toString('hex'), { mode: 0o600 });
  const env = { NEW_ALPACA_KEY_ID: fresh.id, NEW_ALPACA_SECRET_KEY: fresh.secret };
  const t0 = '2026-12-01T09:00:00.000Z';
  const first = sim.runsafe(['run', copy, '--non-interactive', '--answer', 'rotation=yes', '--answer', 'part-a=no', '--answer', 'part-b=yes', '-i', `DB_HOST=${pg.socketDir}`,
    '--park-waits', '--state-key-file', keyFile, ...confirmed], { ...env, RUNSAFE_TEST_NOW: t0 });
  assert.equal(first.code, 3, first.out);
  // Step 3 is an items loop: one service at a time, each healthy before the next.
  const restarts = () => sim.calls().filter((c) => c.tool === 'systemctl').map((c) => c.argv.join(' '));
  assert.deepEqual(restarts(), ['restart execution-gateway', 'restart market-data-service', 'restart orchestrator']);
  assert.match(first.out, /── .*Step 3: graceful restarts, one service at a time · 2\/3 market-data-service ──/);
  const vault = () => (JSON.parse(readFileSync(join(sim.dir, 'state/vault.json'), 'utf8')) as { kv: Record<string, string>; meta: Record<string, Record<string, string>> });
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
  const r = sim.runsafe(['run', copy, '--resume', sim.transcripts()[0]!, '--non-interactive', '--state-key-file', keyFile, '--on-failure', 'rollback'], { ...env, RUNSAFE_TEST_NOW: later });
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /alpaca-old-key-rejected +run +failed/);
  assert.equal(vault().kv['secret/prod/alpaca/api_key_id'], old.id, `the emergency rollback had nothing to restore\n${r.out}`);
  assert.equal(vault().kv['secret/prod/alpaca/api_secret_key'], old.secret);
  // The emergency rollback runs once, in the document's order (revert, restart everything, verify the old key), not once per restarted service.
  const ran = sim.records().filter((x) => x.type === 'step_end' && x.group === 'rollback' && x.state === 'passed').map((x) => x.stepId);
  assert.deepEqual(ran, ['rollback-alpaca-secret-vault', 'rollback-alpaca-restart', 'rollback-alpaca-verify-old-key']);
  assert.deepEqual(restarts().slice(3), ['restart execution-gateway market-data-service orchestrator']);

  const secrets = [old.id, old.secret, fresh.id, fresh.secret];
  for (const c of sim.calls()) {
    for (const s of secrets) assert.ok(!c.argv.some((a) => a.includes(s)), `${c.tool} got a secret in argv: ${c.argv.join(' ')}`);
    if (c.tool === 'systemctl') for (const n of ['OLD_ALPACA_KEY_ID', 'OLD_ALPACA_SECRET_KEY', 'NEW_ALPACA_KEY_ID', 'NEW_ALPACA_SECRET_KEY']) assert.ok(!c.env_names.includes(n), `systemctl got ${n} in its environment`);
  }
  for (const t of sim.transcripts()) for (const s of secrets) assert.ok(!readFileSync(t, 'utf8').includes(s), 'a secret is in the transcript');
  const v = sim.runsafe(['verify', ...sim.transcripts(), '--allow-unsigned']);
  assert.equal(v.code, 0, v.out);
});
