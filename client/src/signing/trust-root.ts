// The trust store's own authentication, in the manner of TUF root metadata: root keys, a
// threshold, a version, signatures over the canonical content, root rotations, rollback pins.
//
// Signed bytes: PAE("application/vnd.runsafe.trust-store+json", JCS(store without "signatures")).
// A root rotation statement { type: "root-rotation", store_id, version, from, to } is signed by
// at least the threshold of the old root set AND of the new one, under
// PAE("application/vnd.runsafe.root-rotation+json", JCS(statement)).
import { fromBase64url, toBase64url, toHex } from './bytes';
import { canonicalBytes, canonicalize } from './jcs';
import { pae, PAYLOAD_TYPES } from './envelope';
import { publicKeyProblem, verifyStrict } from './ed25519';
import { formatPublicKey, keyIdOf, type Signer } from './keys';
import { sha256 } from '@noble/hashes/sha2.js';

export interface RootKey {
  key_id: string;
  public_key: string;
}

export interface RootSet {
  threshold: number;
  keys: RootKey[];
}

export interface StoreSignature {
  key_id: string;
  sig: string;
}

export interface RootRotationStatement {
  type: 'root-rotation';
  store_id: string;
  /** The store version that first carries the new root set. */
  version: number;
  from: RootSet;
  to: RootSet;
}

export interface RootRotation {
  statement: RootRotationStatement;
  signatures: StoreSignature[];
}

/** What a verifier remembers of a store (under .runsafe/): the newest version seen and its root. */
export interface StorePin {
  version: number;
  sha256: string;
  root: RootSet;
  seen_at: string;
}

/** The fields of a store this file reads; the rest of the content is signed as it is. */
export interface SignableStore {
  store_id?: string;
  version?: number;
  root?: RootSet;
  root_rotations?: RootRotation[];
  signatures?: StoreSignature[];
}

export function rootSetOf(signers: { publicKey: Uint8Array }[], publicKeys: Uint8Array[], threshold: number): RootSet {
  const keys = [...signers.map((s) => s.publicKey), ...publicKeys].map((pk) => ({ key_id: keyIdOf(pk), public_key: formatPublicKey(pk) }));
  const unique = keys.filter((k, i) => keys.findIndex((o) => o.key_id === k.key_id) === i).sort((a, b) => (a.key_id < b.key_id ? -1 : 1));
  if (unique.length === 0) throw new Error('a trust store needs at least one root key');
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > unique.length) throw new Error(`the threshold must be between 1 and the number of root keys (${unique.length})`);
  return { threshold, keys: unique };
}

/** The exact bytes root keys sign: the canonical store without its signatures. */
export function storeSigningBytes(store: SignableStore): Uint8Array {
  const { signatures: _omit, ...content } = store;
  return pae(PAYLOAD_TYPES.trustStore, canonicalBytes(JSON.parse(JSON.stringify(content))));
}

/** SHA-256 (hex) of the signed content: two files with one version must have one content. */
export function storeDigest(store: SignableStore): string {
  return toHex(sha256(storeSigningBytes(store)));
}

function rotationBytes(s: RootRotationStatement): Uint8Array {
  return pae(PAYLOAD_TYPES.rootRotation, canonicalBytes(JSON.parse(JSON.stringify(s))));
}

/** Adds root signatures to the store as it is now (replacing earlier ones by the same keys). */
export function signStore<T extends SignableStore>(store: T, signers: Signer[]): T {
  const root = store.root;
  if (!root) throw new Error('the store has no root keys: create it with runsafe trust init');
  for (const s of signers) if (!root.keys.some((k) => k.key_id === s.keyId)) throw new Error(`key ${s.keyId} is not a root key of this store (root keys: ${root.keys.map((k) => k.key_id).join(', ')})`);
  const bytes = storeSigningBytes(store);
  const fresh = signers.map((s) => ({ key_id: s.keyId, sig: toBase64url(s.sign(bytes)) }));
  const kept = (store.signatures ?? []).filter((e) => !fresh.some((f) => f.key_id === e.key_id));
  return { ...store, signatures: [...kept, ...fresh].sort((a, b) => (a.key_id < b.key_id ? -1 : 1)) };
}

const rootText = (r: RootSet): string => canonicalize({ threshold: r.threshold, keys: r.keys.map((k) => ({ key_id: k.key_id, public_key: k.public_key })).sort((x, y) => (x.key_id < y.key_id ? -1 : 1)) });

function sameRoot(a: RootSet | undefined, b: RootSet | undefined): boolean {
  return a !== undefined && b !== undefined && rootText(a) === rootText(b);
}

/** Distinct keys of `set` whose signature over `bytes` verifies; and the signatures that fail. */
function countValid(set: RootSet, sigs: StoreSignature[], bytes: Uint8Array): { valid: string[]; invalid: string[] } {
  const valid: string[] = [];
  const invalid: string[] = [];
  for (const s of sigs ?? []) {
    const k = set.keys.find((r) => r.key_id === s?.key_id);
    if (!k || valid.includes(k.key_id)) continue;
    let ok = false;
    try {
      ok = verifyStrict(fromBase64url(s.sig), bytes, fromBase64url(k.public_key));
    } catch {
      ok = false;
    }
    (ok ? valid : invalid).push(k.key_id);
  }
  return { valid, invalid };
}

function rootSetProblem(set: unknown, where: string): string | undefined {
  const r = set as RootSet;
  if (!r || typeof r !== 'object' || !Array.isArray(r.keys) || r.keys.length === 0) return `${where}: expected { threshold, keys: [{ key_id, public_key }, …] }`;
  if (!Number.isInteger(r.threshold) || r.threshold < 1 || r.threshold > r.keys.length) return `${where}: threshold must be an integer from 1 to ${r.keys.length}`;
  for (const k of r.keys) {
    let pk: Uint8Array;
    try {
      pk = fromBase64url(String(k?.public_key));
    } catch {
      return `${where}: root key ${String(k?.key_id)} has an unreadable public_key`;
    }
    const problem = publicKeyProblem(pk);
    if (problem) return `${where}: root key ${String(k?.key_id)} refused: ${problem}`;
    if (keyIdOf(pk) !== k.key_id) return `${where}: root key_id ${String(k.key_id)} does not match its public key`;
  }
  if (new Set(r.keys.map((k) => k.key_id)).size !== r.keys.length) return `${where}: a root key appears twice`;
  return undefined;
}

/**
 * Checks a store's root signatures and root rotation chain. Problems are empty when the store is
 * signed by at least the threshold of its root keys, every signature present verifies (one that
 * fails means the content changed after signing), and each root rotation is signed by the
 * threshold of both the old and the new root set, ending at the current root.
 */
export function verifyStoreSignatures(store: SignableStore): { problems: string[]; signedBy: string[] } {
  const problems: string[] = [];
  if (!store.root) return { problems: ['the store is not signed: it names no root keys (create a signed store with runsafe trust init)'], signedBy: [] };
  const rootProblem = rootSetProblem(store.root, 'root');
  if (rootProblem) return { problems: [rootProblem], signedBy: [] };
  if (typeof store.store_id !== 'string' || !/^[0-9a-f]{16,64}$/.test(store.store_id)) problems.push('store_id: must be 16 to 64 hex digits');
  if (!Number.isInteger(store.version) || (store.version as number) < 1) problems.push('version: must be an integer >= 1');
  const { valid, invalid } = countValid(store.root, store.signatures ?? [], storeSigningBytes(store));
  for (const k of invalid) problems.push(`the signature by root key ${k} does not verify: the store was changed after it was signed`);
  if (valid.length < store.root.threshold) problems.push(`signed by ${valid.length} of the ${store.root.threshold} root key(s) required${valid.length ? ` (${valid.join(', ')})` : ''}: sign it with runsafe trust sign --root-key`);
  let prev: RootSet | undefined;
  let prevVersion = 0;
  (store.root_rotations ?? []).forEach((rot, i) => {
    const where = `root_rotations[${i}]`;
    const s = rot?.statement;
    const shape = !s || s.type !== 'root-rotation' ? `${where}: not a root-rotation statement` : rootSetProblem(s.from, `${where}.from`) ?? rootSetProblem(s.to, `${where}.to`);
    if (shape) return problems.push(shape);
    if (s.store_id !== store.store_id) problems.push(`${where}: names store ${s.store_id}, not this store`);
    if (!Number.isInteger(s.version) || s.version <= prevVersion || s.version > (store.version ?? 0)) problems.push(`${where}: version ${s.version} is out of order`);
    if (prev && !sameRoot(prev, s.from)) problems.push(`${where}: its old root set is not the new root set of the rotation before it`);
    const bytes = rotationBytes(s);
    for (const [name, set] of [['old', s.from], ['new', s.to]] as const) {
      const c = countValid(set, rot.signatures ?? [], bytes);
      if (c.valid.length < set.threshold) problems.push(`${where}: signed by ${c.valid.length} of the ${set.threshold} ${name} root key(s) required`);
      for (const k of c.invalid) problems.push(`${where}: the signature by ${name} root key ${k} does not verify`);
    }
    prev = s.to;
    prevVersion = s.version;
    return undefined;
  });
  if (prev && !sameRoot(prev, store.root)) problems.push('root: is not the new root set of the last root rotation');
  return { problems, signedBy: valid };
}

/** A root rotation to `to`, signed by the old root keys given and the new ones (thresholds checked on load). */
export function rotateRoot<T extends SignableStore>(store: T, to: RootSet, oldSigners: Signer[], newSigners: Signer[]): T {
  if (!store.root || !store.store_id) throw new Error('the store has no root keys: create it with runsafe trust init');
  const from = store.root;
  const version = (store.version ?? 0) + 1;
  const statement: RootRotationStatement = { type: 'root-rotation', store_id: store.store_id, version, from, to };
  const bytes = rotationBytes(statement);
  const sign = (set: RootSet, signers: Signer[], name: string) => {
    const mine = signers.filter((s) => set.keys.some((k) => k.key_id === s.keyId));
    if (mine.length < set.threshold) throw new Error(`a root rotation needs ${set.threshold} of the ${name} root keys; got ${mine.length}`);
    return mine.map((s) => ({ key_id: s.keyId, sig: toBase64url(s.sign(bytes)) }));
  };
  const sigs = [...sign(from, oldSigners, 'old'), ...sign(to, newSigners, 'new')];
  const signatures = sigs.filter((s, i) => sigs.findIndex((o) => o.key_id === s.key_id) === i);
  return { ...store, version, root: to, root_rotations: [...(store.root_rotations ?? []), { statement, signatures }], signatures: [] };
}

/**
 * Rollback and fork protection against what this verifier saw before (TUF's "never go back").
 * Returns the problem, or the pin to record. A root different from the pinned one must be reached
 * through root rotations that start at the pinned root (each signed by old and new root sets).
 */
export function checkPin(store: SignableStore, pin: StorePin | undefined, now: string): { problem?: string; pin: StorePin; note?: string } {
  const version = store.version ?? 0;
  const next: StorePin = { version, sha256: storeDigest(store), root: store.root!, seen_at: now };
  if (!pin) return { pin: next, note: `first use of trust store ${store.store_id}: pinned version ${version} and its ${store.root!.keys.length} root key(s)` };
  if (version < pin.version) return { problem: `rollback: this is version ${version} of trust store ${store.store_id}, older than version ${pin.version} seen at ${pin.seen_at}`, pin };
  if (version === pin.version && next.sha256 !== pin.sha256) return { problem: `trust store ${store.store_id} version ${version} differs from the version ${version} seen at ${pin.seen_at}: two stores with one version (a fork)`, pin };
  if (!sameRoot(pin.root, store.root)) {
    const start = (store.root_rotations ?? []).findIndex((r) => sameRoot(r.statement.from, pin.root));
    if (start < 0) return { problem: `the root keys of trust store ${store.store_id} changed since version ${pin.version} without a root rotation signed by the pinned root keys (${pin.root.keys.map((k) => k.key_id).join(', ')})`, pin };
  }
  return { pin: version === pin.version ? pin : next };
}
