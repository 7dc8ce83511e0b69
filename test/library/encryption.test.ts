// Encryption key rotation through the real CLI with recording stand-ins (helm, the Signal API) and real openssl/python/jq.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runbook, simulation } from './sim';

const file = runbook('encryption-key-rotation.runbook.yaml');
const oldKey = 'a1'.repeat(32);
const token = 'sim-admin-token-9f8e7d6c5b4a';
const args = ['--non-interactive', '--answer', 'rotation=yes', '-i', 'API_URL=https://api.signal.invalid', '-i', 'COLLECT_URL=https://collect.signal.invalid',
  '--confirm', 'deploy-dual-key', '--confirm', 'remove-previous-key', '--confirm', 'maintenance-window'];

function start(name: string) {
  const sim = simulation(name);
  sim.setState('helm', { values: { encryption: { key: oldKey } }, upgrades: 0 });
  return sim;
}

/** Values Helm ended with, the secrets nowhere else: not in any argv, not in a transcript; the transcripts verify. */
function assertNoLeak(sim: ReturnType<typeof start>, secrets: string[]) {
  for (const c of sim.calls()) for (const s of secrets) assert.ok(!c.argv.some((a) => a.includes(s)), `${c.tool} got a secret in argv`);
  for (const t of sim.transcripts()) {
    const text = readFileSync(t, 'utf8');
    for (const s of secrets) assert.ok(!text.includes(s), 'a secret is in the transcript');
    assert.equal(sim.runsafe(['verify', t, '--allow-unsigned']).code, 0, 'the transcript does not verify');
  }
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
  const enc = (sim.helmValues().encryption ?? {}) as { key?: string; previousKey?: string };
  // Records already re-encrypted need the new key, the failed ones the old: both must stay.
  assert.equal(enc.previousKey, oldKey, `the previous key was removed\n${r.out}`);
  assert.match(enc.key ?? '', /^[0-9a-f]{64}$/);
  assert.notEqual(enc.key, oldKey, `the old key was restored alone: re-encrypted records are unreadable\n${r.out}`);
  assert.match(r.out, /troubleshoot-reencrypt|Re-encryption reports failures/);
  assertNoLeak(sim, [oldKey, enc.key!, token]);
});
