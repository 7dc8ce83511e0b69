// Native (OpenSSL) SHA-256 and Ed25519 with verdicts identical to noble's strict verify.
//
// Why identical: OpenSSL verifies cofactorless ([S]B = R + [k]A) and re-encodes R, noble strict
// verifies cofactored and refuses small-order keys. When OpenSSL accepts and A is canonical, not
// small order, and S < L, noble accepts too; so "native valid" is trusted and every other case is
// re-decided by noble. The result is noble's verdict, at native speed for the common valid case.
// test/signing/native-crypto.test.ts holds this to every Wycheproof and RFC 8032 vector.
import { createHash, createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import type { CryptoProvider } from '../signing/crypto';
import { verifyStrict, publicKeyProblem, scalarIsReduced, encodingIsCanonicalY } from '../signing/ed25519';
import { toBase64url } from '../signing/bytes';

const keyCache = new Map<string, KeyObject | null>();

function nativeKey(publicKey: Uint8Array): KeyObject | null {
  const id = toBase64url(publicKey);
  let key = keyCache.get(id);
  if (key === undefined) {
    // Keys noble would refuse are never given a native object, so they always take the noble path.
    key = publicKeyProblem(publicKey) ? null : createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: id }, format: 'jwk' });
    if (keyCache.size > 10_000) keyCache.clear();
    keyCache.set(id, key);
  }
  return key;
}

export function nativeVerifyOnly(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  const key = nativeKey(publicKey);
  if (!key) return false;
  try {
    return nodeVerify(null, message, key, signature);
  } catch {
    return false;
  }
}

export const nativeCrypto: CryptoProvider = {
  name: 'node-native+noble',
  sha256: (bytes) => createHash('sha256').update(bytes).digest(),
  verify(signature, message, publicKey) {
    if (
      signature.length === 64 &&
      publicKey.length === 32 &&
      scalarIsReduced(signature.subarray(32)) &&
      encodingIsCanonicalY(signature.subarray(0, 32)) &&
      nativeVerifyOnly(signature, message, publicKey)
    ) {
      return true;
    }
    return verifyStrict(signature, message, publicKey);
  },
};
