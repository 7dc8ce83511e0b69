// Ed25519 through @noble/ed25519: signing, and strict cofactorless verification (the OpenSSL equation).
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes } from './bytes';

// noble's synchronous API needs a SHA-512 implementation wired in; @noble/hashes is audited and pure.
ed.hashes.sha512 = sha512;

export const SEED_LENGTH = 32;
export const PUBLIC_KEY_LENGTH = 32;
export const SIGNATURE_LENGTH = 64;

export function publicKeyFromSeed(seed: Uint8Array): Uint8Array {
  if (seed.length !== SEED_LENGTH) throw new Error(`an Ed25519 seed is ${SEED_LENGTH} bytes, got ${seed.length}`);
  return ed.getPublicKey(seed);
}

export function signBytes(message: Uint8Array, seed: Uint8Array): Uint8Array {
  return ed.sign(message, seed);
}

/**
 * Strict cofactorless verification, the equation OpenSSL (and so Node's crypto.verify) checks:
 *
 *   [S]B = R + [k]A,  k = SHA-512(R_bytes || A_bytes || M) mod L
 *
 * with A and R canonical encodings (y < p) of points on the curve, 0 <= S < L, and A not of
 * small order. noble's own strict verify multiplies both sides by the cofactor 8 ([8][S]B =
 * [8]R + [8][k]A); a key holder can then make a signature whose R carries a small-order
 * component that noble accepts and OpenSSL refuses. Checking the equation without the cofactor
 * gives one verdict per signature in every verifier built on OpenSSL, libsodium or Go.
 * Never throws: malformed input is simply not a valid signature.
 */
export function verifyStrict(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_LENGTH || publicKey.length !== PUBLIC_KEY_LENGTH) return false;
  const rBytes = signature.subarray(0, 32);
  const sBytes = signature.subarray(32, 64);
  if (!scalarIsReduced(sBytes)) return false;
  try {
    const A = ed.Point.fromBytes(publicKey, false);
    const R = ed.Point.fromBytes(rBytes, false);
    if (A.isSmallOrder()) return false;
    const k = leToBigint(sha512(concatBytes(rBytes, publicKey, message))) % L;
    const s = leToBigint(sBytes);
    return ed.Point.BASE.multiply(s, false).equals(R.add(A.multiply(k, false)));
  } catch {
    return false;
  }
}

const L = 2n ** 252n + 27742317777372353535851937790883648493n;

function leToBigint(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}


/**
 * Why a public key must not be trusted, or undefined when it is fine. Small-order keys make one
 * signature verify for many messages; non-canonical encodings give one key two identities; keys
 * with a torsion component let cofactored and cofactorless verifiers disagree.
 */
export function publicKeyProblem(publicKey: Uint8Array): string | undefined {
  if (publicKey.length !== PUBLIC_KEY_LENGTH) return `an Ed25519 public key is ${PUBLIC_KEY_LENGTH} bytes, got ${publicKey.length}`;
  let point: ed.Point;
  try {
    point = ed.Point.fromBytes(publicKey, false);
  } catch {
    return 'not a canonical encoding of a point on Ed25519 (y >= p, x = 0 with the sign bit set, or off the curve)';
  }
  if (point.isSmallOrder()) return 'a small-order point: any signature could verify for it';
  if (!point.isTorsionFree()) return 'has a torsion component (not in the prime-order subgroup)';
  return undefined;
}

/** The group order L, little-endian, to check S < L without decoding a point. */
const L_LE = Uint8Array.from([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
]);

/** True when the little-endian 32-byte scalar is < L (the S half of a signature must be). */
export function scalarIsReduced(s: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    if (s[i]! < L_LE[i]!) return true;
    if (s[i]! > L_LE[i]!) return false;
  }
  return false;
}

/** True when a 32-byte point encoding has y < p (p = 2^255 - 19), ignoring the sign bit. */
export function encodingIsCanonicalY(enc: Uint8Array): boolean {
  if ((enc[31]! & 0x7f) !== 0x7f) return true;
  for (let i = 30; i >= 1; i--) if (enc[i] !== 0xff) return true;
  return enc[0]! < 0xed;
}
