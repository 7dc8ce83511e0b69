// Signing keys: seeds in base64url (or 64-hex), public keys, and key ids derived from public keys.
import { sha256 } from '@noble/hashes/sha2.js';
import { fromBase64url, fromHex, toBase64url, toHex } from './bytes';
import { publicKeyFromSeed, publicKeyProblem, signBytes, SEED_LENGTH } from './ed25519';

/** A private key in memory. Deliberately has no toJSON/toString that could reveal the seed. */
export interface Signer {
  keyId: string;
  publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/** First 8 bytes of SHA-256 of the public key, hex: a hint for lookup, never trusted alone. */
export function keyIdOf(publicKey: Uint8Array): string {
  return toHex(sha256(publicKey).subarray(0, 8));
}

/**
 * Parses a seed as operators paste it: base64url without padding (43 chars) or 64 hex digits.
 * Surrounding whitespace (a trailing newline in a key file) is ignored; the message never
 * contains the text, so a mistyped secret cannot end up in a log.
 */
export function parseSeed(text: string): Uint8Array {
  const t = text.trim();
  let seed: Uint8Array;
  if (/^[0-9a-fA-F]{64}$/.test(t)) seed = fromHex(t);
  else {
    try {
      seed = fromBase64url(t.replace(/=+$/, ''));
    } catch {
      throw new Error('the private key is neither base64url (43 characters) nor 64 hex digits');
    }
  }
  if (seed.length !== SEED_LENGTH) throw new Error(`the private key must decode to ${SEED_LENGTH} bytes, got ${seed.length}`);
  return seed;
}

export function signerFromSeed(seed: Uint8Array): Signer {
  const secret = Uint8Array.from(seed);
  const publicKey = publicKeyFromSeed(secret);
  return { keyId: keyIdOf(publicKey), publicKey, sign: (message) => signBytes(message, secret) };
}

/** Parses and validates a public key (base64url or 64-hex); refuses weak keys with the reason. */
export function parsePublicKey(text: string): Uint8Array {
  const t = text.trim();
  let key: Uint8Array;
  try {
    key = /^[0-9a-fA-F]{64}$/.test(t) ? fromHex(t) : fromBase64url(t);
  } catch (err) {
    throw new Error(`public key: ${(err as Error).message}`);
  }
  const problem = publicKeyProblem(key);
  if (problem) throw new Error(`public key ${toBase64url(key)} refused: ${problem}`);
  return key;
}

export function formatPublicKey(publicKey: Uint8Array): string {
  return toBase64url(publicKey);
}

export function formatSeed(seed: Uint8Array): string {
  return toBase64url(seed);
}
