// The next version of a trust store file, signed by its root keys, for callers holding keys in memory (the editor): verified before, signed, checked after.
import { join } from 'node:path';
import type { Signer } from '../signing/keys';
import { signStore } from '../signing/trust-root';
import { storeSignatureProblems, type TrustStore } from '../signing/trust-store';
import { loadTrust, writeTrustFile } from './trust-file';

export type TrustChange =
  | { written: true; version: number; signedBy: string[] }
  /** Fewer root keys at hand than the threshold: nothing was written. */
  | { written: false; version: number; rootKeys: string[]; threshold: number; have: string[] };

export interface TrustChangeOptions {
  /** Where rollback pins are kept (the workspace's `.runsafe`), as `runsafe run --workspace` keeps them. */
  stateDir: string;
  /** Keys the caller holds; those among the store's root keys sign (others are ignored). */
  signers: readonly Signer[];
  /** The change: returns the next version (`addKey`, `rotateKey`, … bump it). */
  change: (store: TrustStore) => TrustStore;
}

/**
 * Applies `change` to the store at `path` and writes it signed by the root keys among `signers`,
 * or writes nothing and says which root keys it needs. The store must verify first (signatures,
 * rotation statements, rollback pin), as `runsafe trust` requires before re-signing: signing over
 * content changed by hand would launder it. The new version is loaded back, which pins it.
 */
export function commitTrustChange(path: string, o: TrustChangeOptions): TrustChange {
  const current = loadTrust(path, { stateDir: o.stateDir }).store;
  const next = o.change(current);
  const root = current.root!;
  const roots = [...new Map(o.signers.filter((s) => root.keys.some((k) => k.key_id === s.keyId)).map((s) => [s.keyId, s])).values()];
  if (roots.length < root.threshold) return { written: false, version: next.version ?? 0, rootKeys: root.keys.map((k) => k.key_id), threshold: root.threshold, have: roots.map((s) => s.keyId) };
  const signed = signStore(next, roots);
  const problems = storeSignatureProblems(signed);
  if (problems.length) throw new Error(`the next version of ${path} would not verify: ${problems.join('; ')}`);
  writeTrustFile(path, signed);
  loadTrust(path, { stateDir: o.stateDir });
  return { written: true, version: signed.version ?? 0, signedBy: roots.map((s) => s.keyId) };
}

/** The workspace's pin folder for trust stores (`<workspace>/.runsafe`). */
export const trustStateDir = (workspace: string) => join(workspace, '.runsafe');
