// Encryption key rotation through the real CLI with recording stand-ins (helm, the Signal API) and real openssl/python/jq.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runbook, simulation } from './sim';

const file = runbook('encryption-key-rotation.runbook.yaml');
const oldKey = 'a1'.repeat(32);
const token = 'sim-admin-token-9f8e7d6c5b4a';
const args = ['--non-interactive', '--answer', 'rotation=yes', '-i', 'API_URL=https://api.signal.invalid', '-i', 'COLLECT_URL=https://collect.signal.invalid',
  '--confirm', 'deploy-dual-key', '--confirm', 'remove-previous-key', '--confirm', 'maintenance-window', '--confirm', 'ts-common-causes'];

function start(name: string) {
  const sim = simulation(name);
  sim.setState('helm', { values: { encryption: { key: oldKey } }, upgrades: 0 });
  return sim;
}

/** Values Helm ended with, the secrets nowhere else: not in any argv, not in a transcript; the transcripts verify. */
function assertNoLeak(sim: ReturnType<typeof start>, secrets: string[]) {
  for (const c of sim.calls()) for (const s of secrets) assert.ok(!c.argv.some((a) => a.includes(s)), `${c.tool} got a secret in argv`);
  const segments = sim.transcripts();
  for (const t of segments) {
    const text = readFileSync(t, 'utf8');
    for (const s of secrets) assert.ok(!text.includes(s), 'a secret is in the transcript');
  }
  // One run per simulation: its segments verify together, first to last.
  const v = sim.runsafe(['verify', ...segments, '--allow-unsigned']);
  assert.equal(v.code, 0, `the transcript does not verify\n${v.out}`);
}

test('happy path: dual key, re-encryption with zero failures, then single new key', () => {
  const sim = start('enc-happy');
  const r = sim.runsafe(['run', file, ...args], { ADMIN_TOKEN: token });
  assert.equal(r.code, 0, r.out);
  const enc = (sim.helmValues().encryption ?? {}) as { key?: string; previousKey?: string };
  assert.match(enc.key ?? '', /^[0-9a-f]{64}$/);
  assert.notEqual(enc.key, oldKey);
  assert.equal(enc.previousKey, undefined);
  assertNoLeak(sim, [oldKey, enc.key!, token]);
});

test('partial re-encryption failure: the old-key restore does not run, the services stay in dual-key mode', () => {
  const sim = start('enc-partial');
  sim.setState('signal-job-outcome', { status: 'failed', total_records: 10, processed_records: 10, failed_records: 3 });
  const r = sim.runsafe(['run', file, ...args, '--on-failure', 'rollback'], { ADMIN_TOKEN: token });
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /reencrypt-complete/);
  // The failure went straight into the troubleshooting section: its log check ran.
  assert.ok(sim.calls().some((c) => c.tool === 'kubectl' && c.argv[0] === 'logs'), `troubleshoot-reencrypt did not run\n${r.out}`);
  const enc = (sim.helmValues().encryption ?? {}) as { key?: string; previousKey?: string };
  // Records already re-encrypted need the new key, the failed ones the old: both must stay.
  assert.equal(enc.previousKey, oldKey, `the previous key was removed\n${r.out}`);
  assert.match(enc.key ?? '', /^[0-9a-f]{64}$/);
  assert.notEqual(enc.key, oldKey, `the old key was restored alone: re-encrypted records are unreadable\n${r.out}`);
  assert.match(r.out, /into section "Troubleshooting: re-encryption reports failures" \(on_failure\)/);
  // The old-key restore is withheld by the runner (unsafe_after), not refused by its own script: it never ran.
  assert.match(r.out, /rollback restore-single-old-key withheld: unsafe after reencrypt-start/);
  assert.ok(!sim.calls().some((c) => c.tool === 'helm' && c.argv[0] === 'upgrade' && sim.calls().indexOf(c) > sim.calls().findIndex((k) => k.tool === 'kubectl')), 'helm upgrade ran after the failure');
  const records = sim.records();
  assert.ok(records.some((x) => x.type === 'rollback_withheld' && x.stepId === 'restore-single-old-key' && x.after === 'reencrypt-start'), 'no rollback_withheld record');
  assert.ok(records.some((x) => x.type === 'route' && x.stepId === 'reencrypt-complete' && x.section === 'troubleshoot-reencrypt'), 'no route record');
  // No rollback ran at all: restore-dual-key belongs to remove-previous-key, which never started.
  assert.ok(!records.some((x) => x.type === 'step_start' && x.group === 'rollback'), 'a rollback ran');
  assertNoLeak(sim, [oldKey, enc.key!, token]);
});

test('after a partial failure the operator fixes the cause and re-runs the job; --resume goes on in dual-key mode with the keys from the encrypted state and ends in single new-key mode', () => {
  const sim = start('enc-resume');
  sim.setState('signal-job-outcome', { status: 'failed', total_records: 10, processed_records: 10, failed_records: 3 });
  const keyFile = join(sim.dir, 'state.key');
  writeFileSync(keyFile, randomBytes(32).toString('hex'), { mode: 0o600 });
  const first = sim.runsafe(['run', file, ...args, '--state-key-file', keyFile], { ADMIN_TOKEN: token });
  assert.equal(first.code, 1, first.out);
  const dual = (sim.helmValues().encryption ?? {}) as { key?: string; previousKey?: string };
  assert.equal(dual.previousKey, oldKey);
  const newKey = dual.key!;
  // The encrypted state beside the segment holds both keys, never in clear.
  const stateFiles = readdirSync(join(sim.dir, '.runsafe/transcripts')).filter((f) => f.endsWith('.state'));
  assert.equal(stateFiles.length, 1, 'no encrypted state was written');
  const state = readFileSync(join(sim.dir, '.runsafe/transcripts', stateFiles[0]!), 'utf8');
  for (const s of [oldKey, newKey, token]) assert.ok(!state.includes(s), 'a secret is in clear in the state file');
  // The failed records were fixed and the job re-run outside this run: it now reports zero failures.
  sim.setState('signal-job', { status: 'completed', total_records: 10, processed_records: 10, failed_records: 0, completed_at: '2026-12-01T01:00:00Z' });
  const [segment] = sim.transcripts();
  const before = sim.calls().length;
  const r = sim.runsafe(['run', file, '--resume', segment!, '--non-interactive', '--state-key-file', keyFile], { ADMIN_TOKEN: token });
  assert.equal(r.code, 0, r.out);
  // Passed steps did not run again: no new key was generated or deployed, only the old key was removed.
  const upgrades = sim.calls().slice(before).filter((c) => c.tool === 'helm' && c.argv[0] === 'upgrade');
  assert.equal(upgrades.length, 1, `expected only remove-previous-key's upgrade\n${r.out}`);
  const enc = (sim.helmValues().encryption ?? {}) as { key?: string; previousKey?: string };
  assert.equal(enc.key, newKey, 'the resume deployed another key');
  assert.equal(enc.previousKey, undefined);
  assert.equal(sim.transcripts().length, 2);
  assertNoLeak(sim, [oldKey, newKey, token]);
});
