// The two primitives the verifier needs, behind an interface so Node can supply native ones.
import { sha256 } from '@noble/hashes/sha2.js';
import { verifyStrict } from './ed25519';

export interface CryptoProvider {
  name: string;
  sha256(bytes: Uint8Array): Uint8Array;
  /** SHA-256 as lowercase hex, when the provider has a faster way than hex-encoding sha256()'s bytes. */
  sha256Hex?(bytes: Uint8Array): string;
  /** Must give exactly the verdict of `verifyStrict` (tests hold fast paths to that). */
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
}

/** Pure implementation: @noble/hashes SHA-256 and noble's strict Ed25519. */
export const nobleCrypto: CryptoProvider = {
  name: 'noble',
  sha256: (bytes) => sha256(bytes),
  verify: verifyStrict,
};
