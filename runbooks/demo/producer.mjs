#!/usr/bin/env node
// A stand-in for a service that emits signed, hash-chained audit events (like the trace events of
// the reference runbooks), so the demo runbook runs on one machine. Plain Node, no dependencies:
// it shares no code with runsafe on purpose, so `runsafe verify` checks an independent producer.
//
//   node producer.mjs emit --out events.jsonl --count 5 (--key FILE | --key-env NAME) [--emitter NAME]
//   node producer.mjs tamper --in events.jsonl --out tampered.jsonl --index 2
//
// Records follow runsafe's default audit-chain mapping: id, prev (hex SHA-256 of the previous
// line), kid (first 8 bytes of SHA-256 of the public key, hex), time, and sig (base64url Ed25519
// over the DSSE pre-authentication encoding of the canonical record without sig).
import { createHash, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const PAYLOAD_TYPE = 'application/vnd.runsafe.audit-event+json';
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function fail(message) {
  process.stderr.write(`producer: ${message}\n`);
  process.exit(2);
}

/** RFC 8785 for the values this producer writes (strings, safe integers, objects): sorted keys, JSON.stringify scalars. */
function canonical(value) {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) fail('only integers are written');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
}

function pae(type, body) {
  return Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${body.length} `), body]);
}

function loadKey(values) {
  const text = values.key ? readFileSync(values.key, 'utf8') : values['key-env'] ? process.env[values['key-env']] : undefined;
  if (!text) fail('give --key FILE or --key-env NAME (the seed is never taken from the command line)');
  const seed = Buffer.from(text.trim(), 'base64url');
  if (seed.length !== 32) fail('the key is not a 32-byte base64url seed');
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const publicKey = Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x, 'base64url');
  return { privateKey, kid: createHash('sha256').update(publicKey).digest('hex').slice(0, 16) };
}

function lines(path) {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l !== '') : [];
}

const [command, ...rest] = process.argv.slice(2);
const { values } = parseArgs({
  args: rest,
  options: { out: { type: 'string' }, in: { type: 'string' }, count: { type: 'string' }, key: { type: 'string' }, 'key-env': { type: 'string' }, emitter: { type: 'string' }, index: { type: 'string' } },
});

if (command === 'emit') {
  if (!values.out) fail('--out is required');
  const { privateKey, kid } = loadKey(values);
  const existing = lines(values.out);
  let prev = existing.length ? createHash('sha256').update(existing[existing.length - 1]).digest('hex') : null;
  let out = '';
  const count = Number(values.count ?? '5');
  for (let i = 0; i < count; i++) {
    const n = existing.length + i + 1;
    const record = { id: `evt-${String(n).padStart(4, '0')}`, emitter: values.emitter ?? 'demo-producer', kind: 'order.filled', amount: n * 100, prev, kid, time: new Date().toISOString() };
    const body = Buffer.from(canonical(record));
    const sig = sign(null, pae(PAYLOAD_TYPE, body), privateKey).toString('base64url');
    const line = canonical({ ...record, sig });
    prev = createHash('sha256').update(line).digest('hex');
    out += `${line}\n`;
  }
  appendFileSync(values.out, out);
  process.stdout.write(`emitted ${count} events signed by key ${kid}; the chain now has ${existing.length + count}\n`);
} else if (command === 'tamper') {
  const all = lines(values.in);
  const index = Number(values.index ?? '2');
  if (!all[index]) fail(`no record at index ${index}`);
  // Change one field and keep the record canonical: what an attacker editing the log would do.
  all[index] = all[index].replace(/"amount":(\d+)/, (_, a) => `"amount":${Number(a) + 1}`);
  writeFileSync(values.out, `${all.join('\n')}\n`);
  process.stdout.write(`changed the amount of record ${index} in ${values.out}\n`);
} else {
  fail('usage: producer.mjs emit|tamper …');
}
