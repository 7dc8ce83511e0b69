// Trust store: add / revoke / rotate never delete; rotation statements self-verify; weak keys refused; schema agrees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { addKey, initTrustStore, parseTrustStore, revokeKey, rotateKey, verifyTrustStore, lookupFor, rotationProblems } from '../../client/src/signing/trust-store';
import { rootSetOf, signStore } from '../../client/src/signing/trust-root';
import { keyStateAt } from '../../client/src/signing/trust-index';
import { readTrustFile, writeTrustFile, loadTrust } from '../../client/src/node/trust-file';
import { fromHex, toBase64url } from '../../client/src/signing/bytes';
import { signer, tempDir } from './helpers';

const schema = JSON.parse(readFileSync(resolve(__dirname, '../../schemas/trust-store.schema.json'), 'utf8'));
const ajv = new Ajv2020({ allErrors: true });
addFormats(ajv);
const validate = ajv.compile(schema);

const A = signer(21);
const B = signer(22);
const t = (h: number) => new Date(Date.parse('2026-06-01T00:00:00Z') + h * 3600_000).toISOString();

const ROOT = signer(20);
let storeNumber = 0;

function sample() {
  const base = initTrustStore({ storeId: `${(++storeNumber).toString(16).padStart(4, '0')}${'ab'.repeat(6)}${process.pid.toString(16).padStart(8, '0')}`, root: rootSetOf([ROOT], [], 1) });
  let { store } = addKey(base, { publicKey: A.publicKey, identity: 'raptor:order-router', roles: ['emitter'], now: t(0), validFrom: t(0) });
  ({ store } = addKey(store, { publicKey: signer(23).publicKey, identity: 'alice@example.com', roles: ['approver', 'operator'], now: t(0) }));
  return store;
}

test('add assigns versions per identity and refuses duplicates; the result matches the schema', () => {
  const store = sample();
  assert.equal(store.keys[0]!.version, 1);
  assert.equal(store.keys[0]!.key_id, A.keyId);
  assert.throws(() => addKey(store, { publicKey: A.publicKey, identity: 'x', roles: ['emitter'], now: t(0) }), /already in the trust store/);
  assert.ok(validate(store), JSON.stringify(validate.errors));
});

test('rotate adds a version, closes the old window, keeps the old key, and both signatures verify', () => {
  const before = sample();
  const { store, key } = rotateKey(before, A.keyId, A, B, t(5));
  assert.equal(store.keys.length, before.keys.length + 1);
  const old = store.keys.find((k) => k.key_id === A.keyId)!;
  assert.equal(old.valid_until, t(5));
  assert.equal(key.version, 2);
  assert.equal(key.valid_from, t(5));
  assert.deepEqual(rotationProblems(store), []);
  assert.deepEqual(verifyTrustStore(signStore(store, [ROOT])), []);
  assert.ok(validate(store), JSON.stringify(validate.errors));
  // Old events inside the old window still verify; new ones need the new key.
  const lookup = lookupFor(store);
  assert.equal(keyStateAt(lookup.byKeyId(A.keyId)!, Date.parse(t(4))), undefined);
  assert.equal(keyStateAt(lookup.byKeyId(A.keyId)!, Date.parse(t(6))), 'key_expired');
  assert.equal(keyStateAt(lookup.byIdentityVersion('raptor:order-router', 'v2')!, Date.parse(t(6))), undefined);
  assert.throws(() => rotateKey(store, A.keyId, B, signer(24), t(6)), /old private key/);
});

test('a tampered rotation statement or a deleted key is a self-verification finding', () => {
  const { store } = rotateKey(sample(), A.keyId, A, B, t(5));
  const forged = structuredClone(store);
  forged.rotations![0]!.statement.time = t(1);
  // Even re-signed by the root, a forged rotation statement is a finding of its own.
  assert.deepEqual(verifyTrustStore(signStore(forged, [ROOT])), ["rotations[0]: the old key's signature (" + A.keyId + ') does not verify', "rotations[0]: the new key's signature (" + B.keyId + ') does not verify']);
  const deleted = { ...store, keys: store.keys.filter((k) => k.key_id !== A.keyId) };
  assert.match(rotationProblems(deleted).join('\n'), /is not in the store \(keys are never deleted\)/);
  const swapped = structuredClone(store);
  swapped.rotations![0]!.signatures.old = swapped.rotations![0]!.signatures.new;
  assert.match(rotationProblems(swapped).join('\n'), /old key's signature/);
});

test('revoke keeps the entry, records when and why, and refuses twice', () => {
  const store = revokeKey(sample(), A.keyId, 'seed leaked in a ticket', t(3));
  const k = store.keys.find((e) => e.key_id === A.keyId)!;
  assert.equal(k.revoked_at, t(3));
  assert.equal(k.revocation_reason, 'seed leaked in a ticket');
  assert.throws(() => revokeKey(store, A.keyId, 'again', t(4)), /already revoked/);
  assert.throws(() => revokeKey(store, 'ffffffffffffffff', 'x', t(4)), /no key/);
});

test('weak, mislabelled or malformed keys are refused at load with a located message', () => {
  const base = sample();
  const smallOrder = toBase64url(fromHex('0100000000000000000000000000000000000000000000000000000000000000'));
  assert.throws(() => parseTrustStore({ ...base, keys: [{ ...base.keys[0]!, public_key: smallOrder }] }), /keys\[0\].*small-order/);
  assert.throws(() => parseTrustStore({ ...base, keys: [{ ...base.keys[0]!, key_id: '0000000000000000' }] }), /keys\[0\].*key_id does not match/);
  assert.throws(() => parseTrustStore({ ...base, keys: [{ ...base.keys[0]!, roles: ['admin'] }] }), /keys\[0\]\.roles/);
  assert.throws(() => parseTrustStore({ ...base, keys: [{ ...base.keys[0]!, valid_until: 'tomorrow' }] }), /keys\[0\]\.valid_until/);
  assert.throws(() => parseTrustStore({ ...base, extra: 1 }), /extra: unknown field/);
});

test('YAML and JSON files round-trip; a store with a forged rotation is refused for verification', () => {
  const dir = tempDir();
  const store = signStore(rotateKey(sample(), A.keyId, A, B, t(5)).store, [ROOT]);
  for (const name of ['trust.yaml', 'trust.json']) {
    const p = join(dir, name);
    writeTrustFile(p, store);
    assert.deepEqual(readTrustFile(p), store);
    assert.equal(loadTrust(p, { stateDir: join(dir, '.runsafe') }).keys.byKeyId(B.keyId)!.entry.version, 2);
  }
  const p = join(dir, 'trust.yaml');
  const text = readFileSync(p, 'utf8');
  const forged = text.replace(/time: \S+\n(\s+)from:/, 'time: 2020-01-01T00:00:00.000Z\n$1from:');
  assert.notEqual(forged, text);
  writeFileSync(p, forged);
  assert.throws(() => loadTrust(p, { stateDir: join(dir, '.runsafe') }), /failed self-verification/);
  writeFileSync(join(dir, 'dup.yaml'), 'runsafe_trust: 2\nkeys: []\nkeys: []\n');
  assert.throws(() => readTrustFile(join(dir, 'dup.yaml')), /not YAML or JSON/);
});
