// Native (OpenSSL) SHA-256 and Ed25519 with verdicts identical to the pure strict verify.
//
// Why identical: both check the cofactorless equation [S]B = R + [k]A with canonical A and R and
// S < L (OpenSSL recomputes R and compares its encoding, which refuses non-canonical R too). The
// pure verifier also refuses small-order keys and the trust store refuses small-order,
// non-canonical and torsioned keys; such keys never get a native key object, so they take the
// pure path. test/signing/ed25519.test.ts holds both to every Wycheproof vector, the RFC 8032
// vectors, crafted small-order-R signatures and `openssl pkeyutl -verify -rawin` itself.
import { createHash, hash as oneShotHash, createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { signerFromSeed, type Signer } from '../signing/keys';
import type { CryptoProvider } from '../signing/crypto';
import { verifyStrict, publicKeyProblem } from '../signing/ed25519';

const keyCache = new Map<string, KeyObject | null>();

// The last key used, compared by content: a chain is mostly signed by one key, so most calls
// skip the cache-key encoding. Content (never array identity) decides, so a reused buffer is safe.
let lastBytes: Uint8Array | undefined;
let lastKey: KeyObject | null = null;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function nativeKey(publicKey: Uint8Array): KeyObject | null {
  if (lastBytes && sameBytes(lastBytes, publicKey)) return lastKey;
  const id = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('base64url');
  let key = keyCache.get(id);
  if (key === undefined) {
    // Keys noble would refuse are never given a native object, so they always take the noble path.
    key = publicKeyProblem(publicKey) ? null : createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: id }, format: 'jwk' });
    if (keyCache.size > 10_000) keyCache.clear();
    keyCache.set(id, key);
  }
  lastBytes = Uint8Array.from(publicKey);
  lastKey = key;
  return key;
}

/** Whether OpenSSL decides signatures for this key (a key noble would refuse has no native object). */
export function hasNativeKey(publicKey: Uint8Array): boolean {
  return publicKey.length === 32 && nativeKey(publicKey) !== null;
}

export function nativeVerifyOnly(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  const key = nativeKey(publicKey);
  return key ? verifyWith(key, signature, message) : false;
}

function verifyWith(key: KeyObject, signature: Uint8Array, message: Uint8Array): boolean {
  try {
    return nodeVerify(null, message, key, signature);
  } catch {
    return false;
  }
}

export const nativeCrypto: CryptoProvider = {
  name: 'node-native+noble',
  // crypto.hash (one-shot, no Hash object) where Node has it; createHash elsewhere.
  sha256: typeof oneShotHash === 'function' ? (bytes) => oneShotHash('sha256', bytes, 'buffer') as unknown as Uint8Array : (bytes) => createHash('sha256').update(bytes).digest(),
  // Hex straight from OpenSSL: a third of the time of bytes then a JS hex loop (the verifier links records by hex hash).
  sha256Hex: typeof oneShotHash === 'function' ? (bytes) => oneShotHash('sha256', bytes, 'hex') : (bytes) => createHash('sha256').update(bytes).digest('hex'),
  verify(signature, message, publicKey) {
    if (signature.length !== 64 || publicKey.length !== 32) return false;
    // A key the pure layer would refuse has no native object: decide it there. One lookup per
    // call (the verifier calls this once per record, so a second lookup was measurable).
    const key = nativeKey(publicKey);
    return key ? verifyWith(key, signature, message) : verifyStrict(signature, message, publicKey);
  },
};

/**
 * A Signer backed by OpenSSL. Ed25519 signing is deterministic (RFC 8032), so it produces the
 * same bytes as noble's; test/signing/ed25519.test.ts checks that on the RFC vectors.
 */
export function nativeSigner(seed: Uint8Array): Signer {
  const pure = signerFromSeed(seed);
  const b64 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64url');
  const key = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: b64(seed), x: b64(pure.publicKey) }, format: 'jwk' });
  return { keyId: pure.keyId, publicKey: pure.publicKey, sign: (message) => new Uint8Array(nodeSign(null, message, key)) };
}
