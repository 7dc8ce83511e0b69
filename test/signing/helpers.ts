// Shared test helpers: deterministic signers, trust entries, temp dirs.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatPublicKey, type Signer } from '../../client/src/signing/keys';
import { nativeSigner } from '../../client/src/node/native-crypto';
import type { Role, TrustKey } from '../../client/src/signing/trust-index';

export function signer(n: number): Signer {
  return nativeSigner(new Uint8Array(32).fill(n));
}

export function trustEntry(s: Signer, identity: string, roles: Role[], extra: Partial<TrustKey> = {}): TrustKey {
  return { key_id: s.keyId, identity, roles, version: 1, public_key: formatPublicKey(s.publicKey), ...extra };
}

export function tempDir(prefix = 'runsafe-signing-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
