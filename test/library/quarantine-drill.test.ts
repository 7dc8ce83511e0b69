// The strict-signature quarantine drill's incident path through the real CLI: real PostgreSQL, kubectl as a recording stand-in.
// The mitigation route is chosen by the reason that dominates the breakdown (a capture), never by a typed answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startCluster, type Cluster } from '../db/cluster';
import { runbook, simulation } from './sim';

const file = runbook('strict-signature-quarantine-drill.runbook.yaml');
let pg: Cluster;

before(async () => {
  pg = await startCluster();
  pg.psql('CREATE DATABASE canonical;');
  pg.psql(`CREATE TABLE audit_signature_quarantine (reason text NOT NULL, signing_key_id text, quarantined_at timestamptz NOT NULL);
           CREATE TABLE signing_keys (key_id text, valid_from timestamptz, valid_until timestamptz, revoked_at timestamptz);`, 'canonical');
});
after(() => pg?.stop());

const manual = ['identify-new-key', 'add-to-trust-store', 'replay-quarantine', 'page-security', 'diff-producer-image', 'rotate-producer-key', 'audit-gap'];
const changes = ['restart-canonical-ingest', 'halt-producer'];
const incidentArgs = ['--non-interactive', '--answer', 'rehearsal=no', '-i', 'PRODUCER_DEPLOYMENT=spendguard-sidecar', '--section', 'first-check', '--section', 'mitigation',
  ...[...manual, ...changes].flatMap((s) => ['--confirm', s])];

/** Quarantine rows as [reason, minutes ago]; the table holds only these. */
function seed(rows: Array<[string, number]>) {
  const values = rows.map(([reason, ago]) => `('${reason}', 'k2', now() - interval '${ago} minutes')`).join(', ');
  pg.psql(`TRUNCATE audit_signature_quarantine; INSERT INTO audit_signature_quarantine VALUES ${values};`, 'canonical');
}

function drill(name: string) {
  const sim = simulation(name);
  sim.setState('kubectl-out', {
    'exec deploy/canonical-ingest -- printenv STRICT_SIGNATURES': 'true',
    'rollout status deployment canonical-ingest --timeout=10m': 'deployment "canonical-ingest" successfully rolled out',
    'get deployment spendguard-sidecar -o jsonpath={.spec.replicas}': '3',
    'get deployment spendguard-sidecar -o jsonpath={.status.replicas}': '0',
    'rollout status deployment spendguard-sidecar --timeout=10m': 'deployment "spendguard-sidecar" successfully rolled out',
  });
  const url = pg.url('postgres', undefined, 'canonical');
  const env = { CANONICAL_DATABASE_URL: url };
  /** The connection URL (its password) is in no argv, in no transcript, and in the environment of no stand-in. */
  const assertNoLeak = () => {
    for (const t of sim.transcripts()) assert.ok(!readFileSync(t, 'utf8').includes(url), 'the connection URL is in the transcript');
    for (const c of sim.calls()) {
      assert.ok(!c.argv.some((a) => a.includes('postgres://')), `${c.tool} got the URL in argv`);
      assert.ok(!c.env_names.includes('CANONICAL_DATABASE_URL'), `${c.tool} got CANONICAL_DATABASE_URL in its environment`);
    }
    const v = sim.runsafe(['verify', ...sim.transcripts(), '--allow-unsigned']);
    assert.equal(v.code, 0, `the transcript does not verify\n${v.out}`);
  };
  const kubectl = (...args: string[]) => sim.calls().filter((c) => c.tool === 'kubectl' && args.every((a, i) => c.argv[i] === a));
  const route = () => sim.records().filter((r) => r.type === 'condition' && r.by === 'capture').map((r) => `${String(r.stepId)}=${String(r.holds)}`);
  return { sim, env, assertNoLeak, kubectl, route, run: (args: string[]) => sim.runsafe(['run', file, ...args], env) };
}

test('unknown_key dominates: its route runs (and only it), and "unknown key stopped" passes with zero new unknown_key rows', () => {
  seed([['unknown_key', 10], ['unknown_key', 20], ['invalid_signature', 30]]);
  const d = drill('drill-unknown-key');
  const r = d.run(incidentArgs);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /unknown-key-stopped +sql +passed/);
  assert.equal(d.kubectl('rollout', 'restart').length, 1);
  assert.equal(d.kubectl('scale').length, 0, 'the invalid_signature route halted the producer');
  assert.ok(d.route().includes('identify-new-key=true'), `the unknown_key route was not taken by the capture: ${d.route().join(', ')}`);
  d.assertNoLeak();
});

test('unknown key NOT stopped: a new unknown_key row after the restart fails the check; once none is new, --resume completes without restarting again', () => {
  seed([['unknown_key', 0], ['unknown_key', 20]]);
  const d = drill('drill-not-stopped');
  const r = d.run(incidentArgs);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /unknown-key-stopped +sql +failed/);
  assert.equal(d.kubectl('rollout', 'restart').length, 1);
  // The trust store took effect: the newest unknown_key row is now older than the check's 5 minutes.
  seed([['unknown_key', 10], ['unknown_key', 20]]);
  const resumed = d.sim.runsafe(['run', file, '--resume', d.sim.transcripts()[0]!, '--non-interactive'], d.env);
  assert.equal(resumed.code, 0, resumed.out);
  assert.match(resumed.out, /unknown-key-stopped +sql +passed/);
  assert.equal(d.kubectl('rollout', 'restart').length, 1, 'the resume restarted canonical-ingest again');
  assert.equal(d.sim.transcripts().length, 2);
  d.assertNoLeak();
});

test('invalid_signature dominates: the producer is halted; a failed halt rolls back to the recorded replica count, not to a typed one', () => {
  seed([['invalid_signature', 5], ['invalid_signature', 6], ['unknown_key', 7]]);
  const d = drill('drill-invalid-signature');
  d.sim.fail([{ tool: 'kubectl', args: ['scale', '--replicas=0'], once: true }]);
  const r = d.run([...incidentArgs, '--on-failure', 'rollback']);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /halt-producer +run +failed/);
  assert.equal(d.kubectl('rollout', 'restart').length, 0, 'the unknown_key route ran');
  const scales = d.kubectl('scale').map((c) => c.argv.join(' '));
  assert.deepEqual(scales, ['scale deployment spendguard-sidecar --replicas=0', 'scale deployment spendguard-sidecar --replicas=3']);
  assert.ok(d.sim.records().some((x) => x.type === 'step_end' && x.stepId === 'restore-producer-replicas' && x.state === 'passed'), 'the rollback did not pass');
  d.assertNoLeak();
});
