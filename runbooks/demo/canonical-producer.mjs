#!/usr/bin/env node
// A stand-in for the producers of the quarantine drill (sidecar, ledger, webhook): signs hash-chained
// audit events and appends them to the `canonical_events` table. It shares no code with runsafe on
// purpose (its own RFC 8785 and DSSE, node:crypto Ed25519), so `runsafe verify --pg` checks an
// independent producer. The connection URL comes from the environment variable named by --db-env.
//
//   node canonical-producer.mjs emit --db-env NAME --count 5 (--key FILE | --key-env NAME) [--emitter NAME]
//   node canonical-producer.mjs tamper --db-env NAME --seq N      (rewrites one stored event: a drill only)
//
// Each event: {amount, emitter, id, kid, kind, prev, seq, time, sig}; prev is the hex SHA-256 of
// the previous row's bytes (null for the first), kid the first 8 bytes of SHA-256 of the public key,
// sig base64url Ed25519 over the DSSE PAE of the canonical event without sig. The row stores the
// exact bytes (bytea) beside the columns the drill's queries read.
import { createHash, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';

const PAYLOAD_TYPE = 'application/vnd.runsafe.audit-event+json';
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function fail(message) {
  process.stderr.write(`canonical-producer: ${message}\n`);
  process.exit(2);
}

/** RFC 8785 for the values written here (strings, safe integers, null, objects). */
function canonical(value) {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) fail('only integers are written');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
}

const pae = (type, body) => Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${body.length} `), body]);
const sha256 = (b) => createHash('sha256').update(b).digest('hex');

function loadKey(values) {
  const text = values.key ? readFileSync(values.key, 'utf8') : values['key-env'] ? process.env[values['key-env']] : undefined;
  if (!text) fail('give --key FILE or --key-env NAME (the seed is never taken from the command line)');
  const seed = Buffer.from(text.trim(), 'base64url');
  if (seed.length !== 32) fail('the key is not a 32-byte base64url seed');
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const publicKey = Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x, 'base64url');
  return { privateKey, kid: sha256(publicKey).slice(0, 16) };
}

const [command, ...rest] = process.argv.slice(2);
const { values } = parseArgs({
  args: rest,
  options: { 'db-env': { type: 'string' }, count: { type: 'string' }, key: { type: 'string' }, 'key-env': { type: 'string' }, emitter: { type: 'string' }, seq: { type: 'string' } },
});
const url = values['db-env'] ? process.env[values['db-env']] : undefined;
if (!url) fail('give --db-env NAME: the environment variable holding the database URL');
const client = new pg.Client({ connectionString: url, application_name: 'canonical-producer' });
try {
  await client.connect();
} catch (err) {
  fail(`cannot connect: ${err.message}`);
}

try {
  if (command === 'emit') {
    const { privateKey, kid } = loadKey(values);
    const count = Number(values.count ?? '5');
    await client.query('BEGIN');
    // One producer appends at a time: the chain is a single sequence.
    await client.query('LOCK TABLE canonical_events IN EXCLUSIVE MODE');
    const last = (await client.query('SELECT seq, record FROM canonical_events ORDER BY seq DESC LIMIT 1')).rows[0];
    let seq = last ? Number(last.seq) + 1 : 0;
    let prev = last ? sha256(last.record) : null;
    const emitter = values.emitter ?? 'sidecar';
    for (let i = 0; i < count; i++, seq++) {
      const event = { id: `evt-${String(seq).padStart(6, '0')}`, seq, emitter, kind: 'decision.recorded', amount: (seq + 1) * 100, prev, kid, time: new Date().toISOString() };
      const sig = sign(null, pae(PAYLOAD_TYPE, Buffer.from(canonical(event))), privateKey).toString('base64url');
      const bytes = Buffer.from(canonical({ ...event, sig }));
      await client.query('INSERT INTO canonical_events (seq, event_id, emitter, signing_key_id, record) VALUES ($1, $2, $3, $4, $5)', [seq, event.id, emitter, kid, bytes]);
      prev = sha256(bytes);
    }
    await client.query('COMMIT');
    process.stdout.write(`emitted ${count} events signed by key ${kid}; canonical_events now has ${seq} rows\n`);
  } else if (command === 'tamper') {
    const seq = Number(values.seq);
    const row = (await client.query('SELECT record FROM canonical_events WHERE seq = $1', [seq])).rows[0];
    if (!row) fail(`no event with seq ${seq}`);
    // Change one field and keep the event canonical: what an attacker editing the table would do.
    const event = JSON.parse(row.record.toString('utf8'));
    event.amount += 1;
    await client.query('UPDATE canonical_events SET record = $1 WHERE seq = $2', [Buffer.from(canonical(event)), seq]);
    process.stdout.write(`tampered with the event at seq ${seq}\n`);
  } else fail('usage: canonical-producer.mjs emit|tamper …');
} catch (err) {
  fail(err.message);
} finally {
  await client.end();
}
