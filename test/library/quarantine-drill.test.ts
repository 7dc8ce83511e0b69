// The strict-signature quarantine drill's unknown_key route through the real CLI: real PostgreSQL, kubectl as a recording stand-in.
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

/** The incident path, unknown_key chosen; `minutesAgo` is when the newest unknown_key row was quarantined. */
function incident(name: string, minutesAgo: number) {
  pg.psql(`TRUNCATE audit_signature_quarantine; INSERT INTO audit_signature_quarantine VALUES ('unknown_key', 'k2', now() - interval '${minutesAgo} minutes'), ('unknown_key', 'k2', now() - interval '20 minutes');`, 'canonical');
  const sim = simulation(name);
  sim.setState('kubectl-out', {
    'exec deploy/canonical-ingest -- printenv STRICT_SIGNATURES': 'true',
    'rollout status deployment canonical-ingest --timeout=10m': 'deployment "canonical-ingest" successfully rolled out',
  });
  const url = pg.url('postgres', undefined, 'canonical');
  const r = sim.runsafe(['run', file, '--non-interactive', '--answer', 'rehearsal=no', '-i', 'PRODUCER_DEPLOYMENT=spendguard-sidecar',
    '--section', 'first-check', '--section', 'mitigation',
    '--answer', 'unknown-key=yes', '--answer', 'invalid-signature=no', '--answer', 'key-expired-revoked=no',
    ...['identify-new-key', 'add-to-trust-store', 'restart-canonical-ingest', 'replay-quarantine'].flatMap((s) => ['--confirm', s])],
  { CANONICAL_DATABASE_URL: url });
  for (const t of sim.transcripts()) assert.ok(!readFileSync(t, 'utf8').includes(url), 'the connection URL is in the transcript');
  for (const c of sim.calls()) assert.ok(!c.argv.some((a) => a.includes('postgres://')), `${c.tool} got the URL in argv`);
  return { r, sim };
}

test('unknown key stopped: passes when no unknown_key row is newer than 5 minutes', () => {
  const { r, sim } = incident('drill-stopped', 10);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /unknown-key-stopped +sql +passed/);
  for (const t of sim.transcripts()) assert.equal(sim.runsafe(['verify', t, '--allow-unsigned']).code, 0);
});

test('unknown key NOT stopped: a new unknown_key row after the restart fails the check (exit 0 alone passed it)', () => {
  const { r } = incident('drill-not-stopped', 0);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /unknown-key-stopped +sql +failed/);
});
