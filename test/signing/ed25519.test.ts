// Ed25519: every Wycheproof verdict, RFC 8032 byte-exact, weak public keys refused, pure == native == OpenSSL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ed from '@noble/ed25519';
import { verifyStrict, publicKeyFromSeed, signBytes, publicKeyProblem } from '../../client/src/signing/ed25519';
import { fromHex, toHex, toBase64url } from '../../client/src/signing/bytes';
import { keyIdOf, parseSeed, parsePublicKey } from '../../client/src/signing/keys';
import { nativeCrypto, nativeVerifyOnly, nativeSigner } from '../../client/src/node/native-crypto';
import { nobleCrypto } from '../../client/src/signing/crypto';
import { wycheproof, rfc8032 } from './vectors';
import { tempDir } from './helpers';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

test('every Wycheproof Ed25519 vector gets its expected verdict (cofactorless strict)', () => {
  const vectors = wycheproof();
  assert.equal(vectors.length, 151);
  const wrong = vectors.filter((v) => verifyStrict(v.signature, v.message, v.publicKey) !== v.valid).map((v) => v.id);
  assert.deepEqual(wrong, []);
});

test('the native fast path gives the pure verdict on every Wycheproof and RFC 8032 vector', () => {
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

/** The eight small-order points (the torsion subgroup), as multiples of one point of order 8. */
function torsionPoints(): ed.Point[] {
  const T8 = ed.Point.fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a');
  const out: ed.Point[] = [ed.Point.ZERO];
  for (let i = 1; i < 8; i++) out.push(out[i - 1]!.add(T8));
  return out;
}

/** A signature only a key holder can make: R = rB + T, S = r + k·a; valid cofactored, invalid cofactorless unless T = 0. */
function torsionedSignature(seed: Uint8Array, msg: Uint8Array, T: ed.Point): { sig: Uint8Array; publicKey: Uint8Array } {
  const { scalar, pointBytes } = ed.utils.getExtendedPublicKey(seed);
  const L = ed.Point.CURVE().n;
  const r = 123456789n;
  const R = ed.Point.BASE.multiply(r).add(T).toBytes();
  const k = BigInt('0x' + toHex(ed.hash(new Uint8Array([...R, ...pointBytes, ...msg])).reverse())) % L;
  const S = (r + k * scalar) % L;
  const sBytes = fromHex(S.toString(16).padStart(64, '0')).reverse();
  return { sig: new Uint8Array([...R, ...sBytes]), publicKey: pointBytes };
}

/** OpenSSL's own verdict: `openssl pkeyutl -verify -rawin` on the same key, message and signature bytes. */
function opensslVerify(dir: string, name: string, sig: Uint8Array, msg: Uint8Array, publicKey: Uint8Array): boolean | 'key-refused' {
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]);
  const pem = `-----BEGIN PUBLIC KEY-----\n${spki.toString('base64')}\n-----END PUBLIC KEY-----\n`;
  writeFileSync(join(dir, `${name}.pem`), pem);
  writeFileSync(join(dir, `${name}.msg`), msg);
  writeFileSync(join(dir, `${name}.sig`), sig);
  const r = spawnSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', `${name}.pem`, '-rawin', '-in', `${name}.msg`, '-sigfile', `${name}.sig`], { cwd: dir, encoding: 'utf8' });
  if (r.error) throw r.error;
  if (/Signature Verified Successfully/.test(r.stdout)) return true;
  if (/Signature Verification Failure/.test(r.stdout + r.stderr)) return false;
  return 'key-refused';
}

test('signatures whose R has a small-order component: OpenSSL refuses, the pure and native verifiers refuse too (noble cofactored would accept)', () => {
  const dir = tempDir('runsafe-ed25519-openssl-');
  const msg = new TextEncoder().encode('torsion');
  torsionPoints().forEach((T, i) => {
    const { sig, publicKey } = torsionedSignature(new Uint8Array(32).fill(9), msg, T);
    const want = i === 0;
    assert.equal(ed.verify(sig, msg, publicKey, { zip215: false }), true, `noble's cofactored check accepts T${i}: the disagreement this closes`);
    assert.equal(verifyStrict(sig, msg, publicKey), want, `pure T${i}`);
    assert.equal(nativeCrypto.verify(sig, msg, publicKey), want, `native T${i}`);
    assert.equal(opensslVerify(dir, `t${i}`, sig, msg, publicKey), want, `openssl T${i}`);
  });
});

test('OpenSSL (openssl pkeyutl -verify -rawin) and Runsafe give the same verdict on every Wycheproof vector', () => {
  const dir = tempDir('runsafe-ed25519-openssl-');
  const differ: string[] = [];
  let viaCli = 0;
  wycheproof().forEach((v, i) => {
    const ours = verifyStrict(v.signature, v.message, v.publicKey);
    // openssl pkeyutl 3.0 cannot read an empty message with -rawin ("Could not allocate 0 bytes for
    // oneshot"): for the four empty-message vectors the OpenSSL inside Node decides instead.
    const theirs = v.message.length === 0 ? nativeVerifyOnly(v.signature, v.message, v.publicKey) : opensslVerify(dir, `v${i}`, v.signature, v.message, v.publicKey);
    if (v.message.length > 0) viaCli++;
    if (ours !== (theirs === true) || nativeCrypto.verify(v.signature, v.message, v.publicKey) !== ours) differ.push(`${v.id}: runsafe ${ours}, openssl ${theirs}`);
  });
  assert.deepEqual(differ, []);
  assert.equal(viaCli, 147, 'all but the four empty-message vectors went through the openssl command');
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
