// Ed25519: every Wycheproof verdict, RFC 8032 byte-exact, weak public keys refused, native == noble.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ed from '@noble/ed25519';
import { verifyStrict, publicKeyFromSeed, signBytes, publicKeyProblem } from '../../client/src/signing/ed25519';
import { fromHex, toHex, toBase64url } from '../../client/src/signing/bytes';
import { keyIdOf, parseSeed, parsePublicKey } from '../../client/src/signing/keys';
import { nativeCrypto, nativeVerifyOnly, nativeSigner } from '../../client/src/node/native-crypto';
import { nobleCrypto } from '../../client/src/signing/crypto';
import { wycheproof, rfc8032 } from './vectors';

test('every Wycheproof Ed25519 vector gets its expected verdict (noble, zip215: false)', () => {
  const vectors = wycheproof();
  assert.equal(vectors.length, 151);
  const wrong = vectors.filter((v) => verifyStrict(v.signature, v.message, v.publicKey) !== v.valid).map((v) => v.id);
  assert.deepEqual(wrong, []);
});

test('the native fast path gives the noble verdict on every Wycheproof and RFC 8032 vector', () => {
  const vectors = wycheproof();
  const wrong = vectors.filter((v) => nativeCrypto.verify(v.signature, v.message, v.publicKey) !== verifyStrict(v.signature, v.message, v.publicKey));
  assert.deepEqual(wrong.map((v) => v.id), []);
  for (const v of rfc8032()) {
    const args = [fromHex(v.signature), fromHex(v.message), fromHex(v.publicKey)] as const;
    assert.equal(nativeCrypto.verify(...args), true, v.name);
    assert.equal(nobleCrypto.verify(...args), true, v.name);
  }
});

test('RFC 8032 vectors: public key and signature byte-exact', () => {
  for (const v of rfc8032()) {
    const seed = fromHex(v.seed);
    assert.equal(toHex(publicKeyFromSeed(seed)), v.publicKey, v.name);
    assert.equal(toHex(signBytes(fromHex(v.message), seed)), v.signature, v.name);
    assert.equal(toHex(nativeSigner(seed).sign(fromHex(v.message))), v.signature, `${v.name} (native signer)`);
    assert.equal(verifyStrict(fromHex(v.signature), fromHex(v.message), fromHex(v.publicKey)), true, v.name);
    const flipped = fromHex(v.signature);
    flipped[5]! ^= 1;
    assert.equal(verifyStrict(flipped, fromHex(v.message), fromHex(v.publicKey)), false, v.name);
  }
});

// A small-order point (the identity, y = 1) and a non-canonical encoding (y = p).
const IDENTITY = '0100000000000000000000000000000000000000000000000000000000000000';
const Y_EQUALS_P = 'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f';

test('small-order public keys verify a forged signature under noble defaults but are refused here', () => {
  const pk = fromHex(IDENTITY);
  // The forgery: R = identity, S = 0 satisfies the cofactored equation for every message.
  const sig = fromHex(IDENTITY + '00'.repeat(32));
  const msg = new TextEncoder().encode('any message at all');
  assert.equal(ed.verify(sig, msg, pk), true, 'noble default (ZIP-215) accepts: this is the weakness');
  assert.equal(verifyStrict(sig, msg, pk), false);
  assert.equal(nativeCrypto.verify(sig, msg, pk), false);
  assert.match(publicKeyProblem(pk)!, /small-order/);
  assert.throws(() => parsePublicKey(IDENTITY), /refused: a small-order point/);
});

test('non-canonical and torsioned public keys are refused at load with a clear message', () => {
  assert.match(publicKeyProblem(fromHex(Y_EQUALS_P))!, /not a canonical encoding/);
  assert.throws(() => parsePublicKey(toBase64url(fromHex(Y_EQUALS_P))), /refused: not a canonical encoding/);
  // A + T for a valid A and a small-order T of order 8: a valid point outside the prime-order subgroup.
  const A = ed.Point.fromBytes(publicKeyFromSeed(new Uint8Array(32).fill(7)));
  const T = ed.Point.fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a');
  const mixed = A.add(T).toBytes();
  assert.match(publicKeyProblem(mixed)!, /torsion/);
  assert.equal(publicKeyProblem(A.toBytes()), undefined);
});

test('a signature whose R carries torsion: noble (cofactored) accepts, OpenSSL refuses, the fast path follows noble', () => {
  // Built as only a key holder can: R = rB + T, S = r + k·a. Proves the fallback keeps verdicts equal.
  const seed = new Uint8Array(32).fill(9);
  const { scalar, pointBytes } = ed.utils.getExtendedPublicKey(seed);
  const T = ed.Point.fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a');
  const L = ed.Point.CURVE().n;
  const r = 123456789n;
  const R = ed.Point.BASE.multiply(r).add(T).toBytes();
  const msg = new TextEncoder().encode('torsion');
  const k = BigInt('0x' + toHex(ed.hash(new Uint8Array([...R, ...pointBytes, ...msg])).reverse())) % L;
  const S = (r + k * scalar) % L;
  const sBytes = fromHex(S.toString(16).padStart(64, '0')).reverse();
  const sig = new Uint8Array([...R, ...sBytes]);
  const noble = verifyStrict(sig, msg, pointBytes);
  assert.equal(noble, true);
  assert.equal(nativeVerifyOnly(sig, msg, pointBytes), false);
  assert.equal(nativeCrypto.verify(sig, msg, pointBytes), noble);
});

test('seeds: base64url without padding and 64-hex give the same key; key id is 8 bytes of SHA-256 hex', () => {
  const seed = fromHex(rfc8032()[0]!.seed);
  const b64 = toBase64url(seed);
  assert.equal(b64.length, 43);
  assert.deepEqual(parseSeed(b64), seed);
  assert.deepEqual(parseSeed(`${rfc8032()[0]!.seed}\n`), seed);
  assert.throws(() => parseSeed('not a seed'), (e: Error) => /neither base64url/.test(e.message) && !e.message.includes('not a seed'));
  assert.throws(() => parseSeed(toBase64url(new Uint8Array(31))), /32 bytes/);
  const id = keyIdOf(publicKeyFromSeed(seed));
  assert.match(id, /^[0-9a-f]{16}$/);
});
