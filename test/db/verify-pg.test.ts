// `runsafe verify --pg`: a chain in a PostgreSQL table, streamed by cursor; same findings as JSONL; quarantine table; checkpoints; read-only.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, type Cluster } from './cluster';
import { cli, root } from '../runner/helpers';

let pg: Cluster;
let dir: string;
const PW = 'verifier-pw-9Kq';
const producer = join(root, 'runbooks/demo/canonical-producer.mjs');
const SCHEMA = `CREATE TABLE canonical_events (
  seq bigint PRIMARY KEY, event_id text NOT NULL, emitter text NOT NULL, signing_key_id text,
  recorded_at timestamptz NOT NULL DEFAULT now(), record bytea NOT NULL);
CREATE TABLE audit_signature_quarantine (
  id bigserial PRIMARY KEY, source_table text NOT NULL, record_index bigint NOT NULL, record_id text, order_value text,
  reason text NOT NULL, reasons text[] NOT NULL, signing_key_id text, record_bytes bytea NOT NULL, record_sha256 text NOT NULL,
  quarantined_at timestamptz NOT NULL DEFAULT now(), UNIQUE (source_table, record_index, record_sha256));`;
let adminUrl: string;
let verifierUrl: string;
let keyA: string;
let keyB: string;
let trust: string;
const mapping = () => join(root, 'runbooks/demo/canonical-events.mapping.yaml');

function produce(args: string[]) {
  const r = spawnSync(process.execPath, [producer, ...args, '--db-env', 'ADMIN_URL'], { encoding: 'utf8', env: { ...process.env, ADMIN_URL: adminUrl }, timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

async function verify(args: string[], url = verifierUrl, env: Record<string, string> = {}) {
  const r = await cli(['verify', '--pg', 'AUDIT_URL', '--table', 'canonical_events', '--mapping', mapping(), '--trust', trust, ...args], dir, { AUDIT_URL: url, ...env });
  return { ...r, json: args.includes('json') && r.stdout ? (JSON.parse(r.stdout) as Record<string, unknown>) : undefined };
}

before(async () => {
  pg = await startCluster();
  dir = mkdtempSync(join(tmpdir(), 'runsafe-verify-pg-'));
  pg.psql(`CREATE ROLE verifier LOGIN PASSWORD '${PW}'; CREATE DATABASE audit;`);
  pg.psql(SCHEMA, 'audit');
  // The verifier may read the source and append to the quarantine table, nothing else.
  pg.psql(
    `REVOKE CREATE ON SCHEMA public FROM PUBLIC;
     GRANT SELECT ON canonical_events TO verifier;
     GRANT SELECT, INSERT ON audit_signature_quarantine TO verifier;
     GRANT USAGE ON SEQUENCE audit_signature_quarantine_id_seq TO verifier;`,
    'audit',
  );
  adminUrl = pg.url('postgres', undefined, 'audit');
  verifierUrl = pg.url('verifier', PW, 'audit');
  for (const name of ['a', 'b']) {
    const r = await cli(['keygen', '--out', join(dir, `${name}.key`), '--format', 'json'], dir);
    assert.equal(r.status, 0, r.stderr);
    if (name === 'a') keyA = (JSON.parse(r.stdout) as { public_key: string }).public_key;
    else keyB = (JSON.parse(r.stdout) as { public_key: string }).public_key;
  }
  trust = join(dir, 'trust.yaml');
  const root = join(dir, 'root.key');
  assert.equal((await cli(['keygen', '--out', root], dir)).status, 0);
  const init = await cli(['trust', 'init', trust, '--root-key', root], dir);
  assert.equal(init.status, 0, init.stderr);
  const t = await cli(['trust', 'add', trust, `--public-key=${keyA}`, '--name', 'sidecar', '--role', 'emitter', '--root-key', root], dir);
  assert.equal(t.status, 0, t.stderr);
});
after(() => pg?.stop());

/** The table exported as JSON Lines of exact bytes, as an export job would write it. */
function exportJsonl(): string {
  const hex = pg.psql("SELECT encode(record, 'hex') FROM canonical_events ORDER BY seq", 'audit').trim().split('\n').filter(Boolean);
  const file = join(dir, `export-${Date.now()}.jsonl`);
  writeFileSync(file, Buffer.concat(hex.flatMap((h) => [Buffer.from(h, 'hex'), Buffer.from('\n')])));
  return file;
}

const sourceDigest = () => pg.psql("SELECT count(*) || ':' || coalesce(md5(string_agg(encode(record, 'hex'), ',' ORDER BY seq)), '') FROM canonical_events", 'audit').trim();

test('a table verifies with the same verdict, findings, indexes and head as its JSON Lines export', async () => {
  produce(['emit', '--count', '12', '--key', join(dir, 'a.key')]);
  const clean = await verify(['--format', 'json']);
  assert.equal(clean.status, 0, clean.stdout + clean.stderr);
  assert.equal(clean.json!['verdict'], 'verified');
  assert.equal(clean.json!['records'], 12);

  produce(['tamper', '--seq', '4']);
  const file = exportJsonl();
  const fromFile = await cli(['verify', file, '--kind', 'chain', '--mapping', mapping(), '--trust', trust, '--format', 'json'], dir);
  const fromTable = await verify(['--format', 'json']);
  assert.equal(fromTable.status, 1);
  const f = JSON.parse(fromFile.stdout) as Record<string, unknown>;
  for (const k of ['verdict', 'records', 'failing', 'counts', 'findings', 'firstHashChainBreach', 'firstSignatureBreach', 'lastHash', 'signers']) assert.deepEqual(fromTable.json![k], f[k], k);
  assert.deepEqual((fromTable.json!['counts'] as Record<string, number>), { 'SIGNATURE_BREACH:invalid_signature': 1, 'HASH_CHAIN_BREACH:prev_hash_mismatch': 1 });
  assert.equal((fromTable.json!['firstHashChainBreach'] as { index: number }).index, 5);
  // With the signature lane forced on (every batch checked on a second thread): the same report.
  const twoLanes = await verify(['--format', 'json'], verifierUrl, { RUNSAFE_VERIFY_LANE: 'always' });
  assert.equal(twoLanes.stdout, fromTable.stdout);
  const text = await verify([]);
  assert.match(text.stdout, /^chain table canonical_events: FAILED: 2 of 12 records fail/m);
  assert.match(text.stdout, /HASH_CHAIN_BREACH \(critical\): first at record 5 \(id evt-000005\): prev_hash_mismatch/);
  pg.psql('TRUNCATE canonical_events', 'audit');
});

test('strict mode, as a role with only SELECT on the source: rows signed by an unknown key go to the quarantine table with their exact bytes; the source is untouched', async () => {
  assert.equal(pg.psql("SELECT has_table_privilege('verifier', 'canonical_events', 'UPDATE'), has_table_privilege('verifier', 'canonical_events', 'DELETE')", 'audit').trim(), 'f|f');
  produce(['emit', '--count', '3', '--key', join(dir, 'a.key')]);
  produce(['emit', '--count', '4', '--key', join(dir, 'b.key')]);
  produce(['emit', '--count', '1', '--key', join(dir, 'a.key')]);
  const before = sourceDigest();
  const strict = await verify(['--strict', '--quarantine-table', 'audit_signature_quarantine']);
  assert.equal(strict.status, 1, strict.stdout + strict.stderr);
  assert.match(strict.stdout, /strict: 4 rejected, 4 admitted/);
  assert.match(strict.stdout, /quarantined: 4 rows into audit_signature_quarantine/);
  assert.equal(pg.psql('SELECT reason, count(*) FROM audit_signature_quarantine GROUP BY reason', 'audit').trim(), 'unknown_key|4');
  // Exact bytes: every quarantined row equals its source row, byte for byte.
  assert.equal(pg.psql('SELECT count(*) FROM audit_signature_quarantine q JOIN canonical_events e ON e.seq::text = q.order_value AND e.record = q.record_bytes', 'audit').trim(), '4');
  assert.equal(pg.psql("SELECT string_agg(record_index::text, ',' ORDER BY record_index) FROM audit_signature_quarantine", 'audit').trim(), '3,4,5,6');
  // A second run adds no duplicates; non-strict admits and counts.
  const again = await verify(['--strict', '--quarantine-table', 'audit_signature_quarantine']);
  assert.equal(pg.psql('SELECT count(*) FROM audit_signature_quarantine', 'audit').trim(), '4');
  // The signature lane forced on rejects the same rows, so it adds none either.
  const lane = await verify(['--strict', '--quarantine-table', 'audit_signature_quarantine'], verifierUrl, { RUNSAFE_VERIFY_LANE: 'always' });
  assert.equal(lane.stdout, again.stdout);
  assert.equal(pg.psql('SELECT count(*) FROM audit_signature_quarantine', 'audit').trim(), '4');
  const lax = await verify([]);
  assert.equal(lax.status, 1);
  assert.match(lax.stdout, /non-strict: all 8 records admitted, 4 counted as failing/);
  assert.match(lax.stdout, /counts: SIGNATURE_BREACH:unknown_key=4/);
  assert.equal(sourceDigest(), before, 'the source table is never written');
  // The verifier's own connection is read-only even where the role could write.
  const adminStrict = await verify(['--strict', '--quarantine-table', 'quarantine_created_here'], adminUrl);
  assert.equal(adminStrict.status, 1);
  assert.equal(pg.psql('SELECT count(*) FROM quarantine_created_here', 'audit').trim(), '4');
  assert.equal(sourceDigest(), before);
  pg.psql('TRUNCATE canonical_events, audit_signature_quarantine', 'audit');
});

test('--checkpoint verifies only new rows, and still catches a change to a row verified before', async () => {
  const cp = join(dir, 'checkpoint.json');
  produce(['emit', '--count', '20', '--key', join(dir, 'a.key')]);
  const first = await verify(['--checkpoint', cp, '--format', 'json']);
  assert.equal(first.status, 0, first.stdout + first.stderr);
  assert.deepEqual(first.json!['checkpoint'], { previous: 0, now: 20, written: true });
  produce(['emit', '--count', '5', '--key', join(dir, 'a.key')]);
  const second = await verify(['--checkpoint', cp, '--format', 'json']);
  assert.equal(second.status, 0, second.stdout + second.stderr);
  assert.equal(second.json!['records'], 5, 'only the 5 new rows are verified');
  assert.deepEqual(second.json!['checkpoint'], { previous: 20, now: 25, written: true });
  const idle = await verify(['--checkpoint', cp]);
  assert.equal(idle.status, 0, idle.stdout);

  produce(['tamper', '--seq', '7']);
  produce(['emit', '--count', '2', '--key', join(dir, 'a.key')]);
  const caught = await verify(['--checkpoint', cp, '--format', 'json']);
  assert.equal(caught.status, 1);
  assert.deepEqual(caught.json!['counts'], { 'HASH_CHAIN_BREACH:verified_row_changed': 1 });
  assert.deepEqual(caught.json!['checkpoint'], { previous: 25, now: 27, written: false });
  assert.equal((JSON.parse(readFileSync(cp, 'utf8')) as { count: number }).count, 25, 'a failing run leaves the checkpoint as it was');
  pg.psql('TRUNCATE canonical_events', 'audit');
});

test('--since verifies a window whose first link is checked against the row before it; indexes stay absolute', async () => {
  produce(['emit', '--count', '6', '--key', join(dir, 'a.key')]);
  pg.psql("UPDATE canonical_events SET recorded_at = now() - interval '3 hours' WHERE seq < 4", 'audit');
  const window = await verify(['--since', '1h', '--format', 'json']);
  assert.equal(window.status, 0, window.stdout + window.stderr);
  assert.equal(window.json!['records'], 2);
  assert.equal(window.json!['firstIndex'], 4);
  produce(['tamper', '--seq', '3']);
  const broken = await verify(['--since', '1h', '--format', 'json']);
  assert.equal(broken.status, 1);
  assert.deepEqual((broken.json!['findings'] as { index: number; reason: string }[]).map((x) => [x.index, x.reason]), [[4, 'prev_hash_mismatch']]);
  pg.psql('TRUNCATE canonical_events', 'audit');
});

test('bad sources fail with a clear message and exit 2: a password on argv, a missing table or column, a jsonb column, no server', async () => {
  const argvPw = await cli(['verify', '--pg', verifierUrl, '--table', 'canonical_events', '--trust', trust], dir);
  assert.equal(argvPw.status, 2);
  assert.match(argvPw.stderr, /the URL holds a password, which the command line shows to every user/);
  assert.ok(!argvPw.stderr.includes(PW));
  const noTable = await verify(['--table', 'nope']);
  assert.equal(noTable.status, 2);
  assert.match(noTable.stderr, /table nope does not exist/);
  const noColumn = await verify(['--column', 'payload']);
  assert.equal(noColumn.status, 2);
  assert.match(noColumn.stderr, /table canonical_events has no column payload/);
  pg.psql('CREATE TABLE json_events (seq bigint, record jsonb); GRANT SELECT ON json_events TO verifier;', 'audit');
  const json = await verify(['--table', 'json_events']);
  assert.equal(json.status, 2);
  assert.match(json.stderr, /is jsonb: PostgreSQL re-encodes it/);
  const down = await cli(['verify', '--pg', 'AUDIT_URL', '--table', 't', '--trust', trust], dir, { AUDIT_URL: `postgresql://verifier@${encodeURIComponent(join(dir, 'no-socket'))}:5432/audit` });
  assert.equal(down.status, 2);
  assert.match(down.stderr, /cannot connect to the database/);
  assert.doesNotMatch(down.stderr, /\n\s+at /);
});

test('a row larger than the record limit (a 160 MiB bytea) is MALFORMED_RECORD record_too_large at its index, quarantined by hash, and never crosses the wire: the bundled CLI stays flat', async () => {
  produce(['emit', '--count', '3', '--key', join(dir, 'a.key')]);
  const BIG_MIB = 160;
  pg.psql(`INSERT INTO canonical_events (seq, event_id, emitter, record) VALUES (3, 'evt-big', 'sidecar', convert_to(repeat('x', ${BIG_MIB} * 1024 * 1024), 'UTF8'))`, 'audit');
  const preload = join(dir, 'maxrss.cjs');
  writeFileSync(preload, "process.on('exit', () => require('fs').writeSync(2, `\\nmaxrss_kb=${process.resourceUsage().maxRSS}\\n`));\n");
  const args = ['verify', '--pg', 'AUDIT_URL', '--table', 'canonical_events', '--mapping', mapping(), '--trust', trust, '--strict', '--quarantine-table', 'audit_signature_quarantine'];
  const r = spawnSync(process.execPath, ['-r', preload, join(root, 'client/out/cli.js'), ...args, '--format', 'json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, AUDIT_URL: verifierUrl } });
  assert.equal(r.status, 1, r.stderr);
  const report = JSON.parse(r.stdout) as { counts: Record<string, number>; findings: { index: number; reason: string }[]; records: number };
  assert.equal(report.records, 4);
  assert.deepEqual(report.counts, { 'MALFORMED_RECORD:record_too_large': 1 });
  assert.deepEqual(report.findings.map((f) => [f.index, f.reason]), [[3, 'record_too_large']]);
  const rssMiB = Number(/maxrss_kb=(\d+)/.exec(r.stderr)![1]) / 1024;
  assert.ok(rssMiB < BIG_MIB, `peak RSS ${rssMiB} MiB for a ${BIG_MIB} MiB row`);
  // Quarantined by its index, order value and the SHA-256 of its exact bytes (computed by the server; the bytes stay in the source).
  assert.equal(
    pg.psql("SELECT q.record_index || '|' || q.order_value || '|' || q.reason || '|' || octet_length(q.record_bytes) || '|' || (q.record_sha256 = encode(sha256(e.record), 'hex')) FROM audit_signature_quarantine q JOIN canonical_events e ON e.seq::text = q.order_value WHERE q.reason = 'record_too_large'", 'audit').trim(),
    '3|3|record_too_large|0|true',
  );
  const text = await verify([]);
  assert.match(text.stdout, /record 3: MALFORMED_RECORD record_too_large: the record is 167772160 bytes, over the 16777216-byte limit/);
  // A window starting right after the big row: its first link is checked against the SHA-256 the
  // server computes; the big row is never read whole for it either.
  pg.psql(`INSERT INTO canonical_events (seq, event_id, emitter, record) SELECT 4, 'evt-4', 'sidecar', convert_to('{"id":"evt-4","prev":"' || encode(sha256(record), 'hex') || '","seq":4}', 'UTF8') FROM canonical_events WHERE seq = 3`, 'audit');
  const windowArgs = ['verify', '--pg', 'AUDIT_URL', '--table', 'canonical_events', '--mapping', mapping(), '--trust', trust, '--where', 'seq >= 4', '--allow-unsigned', '--format', 'json'];
  const w = spawnSync(process.execPath, ['-r', preload, join(root, 'client/out/cli.js'), ...windowArgs], { cwd: dir, encoding: 'utf8', env: { ...process.env, AUDIT_URL: verifierUrl } });
  assert.equal(w.status, 0, w.stdout + w.stderr);
  const windowReport = JSON.parse(w.stdout) as { records: number; firstIndex: number; verdict: string; counts: Record<string, number> };
  assert.deepEqual([windowReport.records, windowReport.firstIndex, windowReport.verdict, windowReport.counts], [1, 4, 'unsigned', {}]);
  const windowRssMiB = Number(/maxrss_kb=(\d+)/.exec(w.stderr)![1]) / 1024;
  assert.ok(windowRssMiB < BIG_MIB, `peak RSS ${windowRssMiB} MiB for a window after a ${BIG_MIB} MiB row`);
  pg.psql("UPDATE canonical_events SET record = convert_to(replace(convert_from(record, 'UTF8'), '\"prev\":\"', '\"prev\":\"0'), 'UTF8') WHERE seq = 4", 'audit');
  const wrong = spawnSync(process.execPath, [join(root, 'client/out/cli.js'), ...windowArgs], { cwd: dir, encoding: 'utf8', env: { ...process.env, AUDIT_URL: verifierUrl } });
  assert.equal(wrong.status, 1, wrong.stdout + wrong.stderr);
  assert.deepEqual((JSON.parse(wrong.stdout) as { findings: { index: number; reason: string }[] }).findings.map((f) => [f.index, f.reason]), [[4, 'prev_hash_mismatch']]);
  pg.psql('TRUNCATE canonical_events; TRUNCATE audit_signature_quarantine', 'audit');
});
