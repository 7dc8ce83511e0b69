// Trust store documents: validation, init / add / revoke / rotate / window (never delete), and self-verification.
import { fromBase64url, toBase64url, utf8 } from './bytes';
import { canonicalize } from './jcs';
import { pae, PAYLOAD_TYPES } from './envelope';
import { verifyStrict } from './ed25519';
import { formatPublicKey, keyIdOf, type Signer } from './keys';
import { createKeyLookup, parseTime, resolveKey, ROLES, type KeyLookup, type Role, type TrustKey } from './trust-index';
import { verifyStoreSignatures, type RootRotation, type RootSet, type StoreSignature } from './trust-root';

export interface RotationStatement {
  type: 'key-rotation';
  identity: string;
  time: string;
  from: { key_id: string; public_key: string; version: number };
  to: { key_id: string; public_key: string; version: number };
}

export interface Rotation {
  statement: RotationStatement;
  signatures: { old: string; new: string };
}

/**
 * A trust store. Format 2 is signed (trust-root.ts): root keys with a threshold sign the
 * canonical content, and every change writes the next version. Format 1 (no root, no version)
 * is read only to be migrated (`trust init --from`) or with --allow-unsigned-store.
 */
export interface TrustStore {
  runsafe_trust: 1 | 2;
  /** Random id chosen at init: rollback pins are kept per store, wherever its file is. */
  store_id?: string;
  version?: number;
  root?: RootSet;
  keys: TrustKey[];
  rotations?: Rotation[];
  root_rotations?: RootRotation[];
  /** Trusted RFC 3161 time-stamping authorities (PEM certificates). */
  tsa?: TsaEntry[];
  signatures?: StoreSignature[];
}

export interface TsaEntry {
  name: string;
  /** The TSA's signing certificate, PEM. */
  certificate: string;
}

/** An unsigned store with no root: what a writer starts from before `trust init` signs it. */
export function emptyTrustStore(): TrustStore {
  return { runsafe_trust: 2, keys: [], rotations: [] };
}

/** Version 1 of a signed store (the caller signs it with the root keys). */
export function initTrustStore(o: { storeId: string; root: RootSet; from?: TrustStore }): TrustStore {
  return { runsafe_trust: 2, store_id: o.storeId, version: 1, root: o.root, keys: o.from?.keys ?? [], rotations: o.from?.rotations ?? [], root_rotations: [], tsa: o.from?.tsa ?? [], signatures: [] };
}

/** Every change writes the next version, with no signatures until the root keys sign it. */
function nextVersion(store: TrustStore, change: Partial<TrustStore>): TrustStore {
  if (store.runsafe_trust !== 2) return { ...store, ...change };
  return { ...store, ...change, version: (store.version ?? 0) + 1, signatures: [] };
}

/** The fields in file order: what is signed is the content, whatever the order; people read this one. */
export function orderedStore(store: TrustStore): Record<string, unknown> {
  const out: Record<string, unknown> = { runsafe_trust: store.runsafe_trust };
  for (const k of ['store_id', 'version', 'root', 'keys', 'rotations', 'root_rotations', 'tsa', 'signatures'] as const) if (store[k] !== undefined) out[k] = store[k];
  return out;
}

const KEY_FIELDS = new Set(['key_id', 'identity', 'roles', 'version', 'public_key', 'added_at', 'valid_from', 'valid_until', 'revoked_at', 'revocation_reason', 'compromised']);

/**
 * Checks a parsed trust store document (same rules as schemas/trust-store.schema.json) and
 * every key in it; throws one message naming the first problem and where it is.
 */
export function parseTrustStore(doc: unknown): TrustStore {
  const fail = (where: string, msg: string): never => {
    throw new Error(`trust store ${where}: ${msg}`);
  };
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) fail('', 'must be a mapping with runsafe_trust and keys');
  const d = doc as Record<string, unknown>;
  if (d['runsafe_trust'] !== 1 && d['runsafe_trust'] !== 2) fail('runsafe_trust', 'must be 2 (a signed store) or 1 (an unsigned store from before)');
  const fields = d['runsafe_trust'] === 1 ? ['runsafe_trust', 'keys', 'rotations'] : ['runsafe_trust', 'store_id', 'version', 'root', 'keys', 'rotations', 'root_rotations', 'tsa', 'signatures'];
  for (const k of Object.keys(d)) if (!fields.includes(k)) fail(k, 'unknown field');
  for (const k of ['rotations', 'root_rotations', 'tsa', 'signatures']) if (d[k] !== undefined && !Array.isArray(d[k])) fail(k, 'must be a list');
  ((d['tsa'] as unknown[] | undefined) ?? []).forEach((t, i) => {
    const e = t as Record<string, unknown>;
    if (!e || typeof e['name'] !== 'string' || typeof e['certificate'] !== 'string' || !e['certificate'].includes('-----BEGIN CERTIFICATE-----')) fail(`tsa[${i}]`, 'expected { name, certificate: <PEM> }');
  });
  if (!Array.isArray(d['keys'])) fail('keys', 'must be a list');
  const keys = d['keys'] as unknown[];
  const seen = new Set<string>();
  keys.forEach((raw, i) => {
    const where = `keys[${i}]`;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(where, 'must be a mapping');
    const k = raw as Record<string, unknown>;
    for (const f of Object.keys(k)) if (!KEY_FIELDS.has(f)) fail(`${where}.${f}`, 'unknown field');
    for (const f of ['key_id', 'identity', 'public_key']) if (typeof k[f] !== 'string' || k[f] === '') fail(`${where}.${f}`, 'must be a non-empty string');
    if (!Number.isInteger(k['version']) || (k['version'] as number) < 1) fail(`${where}.version`, 'must be an integer >= 1');
    if (!Array.isArray(k['roles']) || k['roles'].length === 0 || !k['roles'].every((r) => ROLES.includes(r as Role))) fail(`${where}.roles`, `must list one or more of ${ROLES.join(', ')}`);
    for (const f of ['added_at', 'valid_from', 'valid_until', 'revoked_at']) {
      try {
        parseTime(k[f], f);
      } catch (err) {
        fail(`${where}.${f}`, (err as Error).message);
      }
    }
    if (k['compromised'] !== undefined && (k['compromised'] !== true || k['revoked_at'] === undefined)) fail(`${where}.compromised`, 'must be true, on a revoked key');
    try {
      resolveKey(k as unknown as TrustKey);
    } catch (err) {
      fail(where, (err as Error).message);
    }
    if (seen.has(k['key_id'] as string)) fail(where, `key ${String(k['key_id'])} appears twice`);
    seen.add(k['key_id'] as string);
  });
  return { ...(d as unknown as TrustStore), keys: keys as TrustKey[], rotations: (d['rotations'] as Rotation[] | undefined) ?? [] };
}

export function lookupFor(store: TrustStore): KeyLookup {
  return createKeyLookup(store.keys);
}

function findKey(store: TrustStore, keyId: string): TrustKey {
  const k = store.keys.find((e) => e.key_id === keyId);
  if (!k) throw new Error(`no key ${keyId} in the trust store`);
  return k;
}

export interface AddKeyOptions {
  publicKey: Uint8Array;
  identity: string;
  roles: Role[];
  now: string;
  validFrom?: string;
  validUntil?: string;
}

/** Adds a key as the next version for its identity. Returns a new store; the input is untouched. */
export function addKey(store: TrustStore, o: AddKeyOptions): { store: TrustStore; key: TrustKey } {
  const keyId = keyIdOf(o.publicKey);
  if (store.keys.some((k) => k.key_id === keyId)) throw new Error(`key ${keyId} is already in the trust store`);
  if (!o.identity) throw new Error('a key needs an identity (--name)');
  if (o.roles.length === 0 || !o.roles.every((r) => ROLES.includes(r))) throw new Error(`roles must be among ${ROLES.join(', ')}`);
  const version = 1 + Math.max(0, ...store.keys.filter((k) => k.identity === o.identity).map((k) => k.version));
  const key: TrustKey = {
    key_id: keyId,
    identity: o.identity,
    roles: [...new Set(o.roles)],
    version,
    public_key: formatPublicKey(o.publicKey),
    added_at: o.now,
    ...(o.validFrom ? { valid_from: o.validFrom } : {}),
    ...(o.validUntil ? { valid_until: o.validUntil } : {}),
  };
  resolveKey(key);
  const from = parseTime(key.valid_from, 'valid_from');
  const until = parseTime(key.valid_until, 'valid_until');
  if (from !== undefined && until !== undefined && until <= from) throw new Error('valid_until must be after valid_from');
  return { store: nextVersion(store, { keys: [...store.keys, key] }), key };
}

/** Sets or clears a key's validity window (undefined leaves a bound as it is, null removes it). */
export function setWindow(store: TrustStore, keyId: string, o: { validFrom?: string | null; validUntil?: string | null }): TrustStore {
  const k = findKey(store, keyId);
  const e: TrustKey = { ...k };
  if (o.validFrom !== undefined) {
    if (o.validFrom === null) delete e.valid_from;
    else e.valid_from = o.validFrom;
  }
  if (o.validUntil !== undefined) {
    if (o.validUntil === null) delete e.valid_until;
    else e.valid_until = o.validUntil;
  }
  const from = parseTime(e.valid_from, 'valid_from');
  const until = parseTime(e.valid_until, 'valid_until');
  if (from !== undefined && until !== undefined && until <= from) throw new Error('valid_until must be after valid_from');
  return nextVersion(store, { keys: store.keys.map((x) => (x === k ? e : x)) });
}

/**
 * Marks a key revoked from `at` on; the entry stays so history remains explainable. A revoked
 * key's `at` may only move earlier (a compromise found to have started sooner), never later;
 * `compromised` voids every signature by the key whatever time it claims, and cannot be undone.
 */
export function revokeKey(store: TrustStore, keyId: string, reason: string, at: string, o: { compromised?: boolean } = {}): TrustStore {
  const k = findKey(store, keyId);
  if (!reason.trim()) throw new Error('a revocation needs a reason');
  const atMs = parseTime(at, 'revoked_at')!;
  if (k.revoked_at) {
    const was = parseTime(k.revoked_at, 'revoked_at')!;
    if (atMs > was || (atMs === was && (!o.compromised || k.compromised))) {
      throw new Error(`key ${keyId} was already revoked at ${k.revoked_at}${k.compromised ? ' as compromised' : ''}; --at can only move earlier${k.compromised ? '' : ' (or add --compromised)'}`);
    }
    at = atMs < was ? at : k.revoked_at;
  }
  const compromised = o.compromised === true || k.compromised === true;
  return nextVersion(store, { keys: store.keys.map((e) => (e === k ? { ...e, revoked_at: at, revocation_reason: reason, ...(compromised ? { compromised: true } : {}) } : e)) });
}

function statementBytes(s: RotationStatement): Uint8Array {
  return pae(PAYLOAD_TYPES.keyRotation, utf8(canonicalize(s)));
}

/**
 * Rotation: adds the new key as the next version with the same identity and roles, valid from
 * `now`; closes the old key's window at `now`; records a statement signed by both keys. Nothing
 * is deleted, so records signed by the old key inside its window keep verifying.
 */
export function rotateKey(store: TrustStore, keyId: string, oldSigner: Signer, newSigner: Signer, now: string): { store: TrustStore; key: TrustKey; rotation: Rotation } {
  const old = findKey(store, keyId);
  if (oldSigner.keyId !== keyId) throw new Error(`the old private key is ${oldSigner.keyId}, not ${keyId}`);
  if (old.revoked_at) throw new Error(`key ${keyId} is revoked; add a new key instead of rotating from it`);
  if (store.keys.some((k) => k.key_id === newSigner.keyId)) throw new Error(`the new key ${newSigner.keyId} is already in the trust store`);
  const nowMs = parseTime(now, 'now')!;
  const until = parseTime(old.valid_until, 'valid_until');
  if (until !== undefined && until < nowMs) throw new Error(`key ${keyId} expired at ${old.valid_until}; rotation must start from a valid key`);
  const version = 1 + Math.max(...store.keys.filter((k) => k.identity === old.identity).map((k) => k.version));
  const key: TrustKey = { key_id: newSigner.keyId, identity: old.identity, roles: [...old.roles], version, public_key: formatPublicKey(newSigner.publicKey), added_at: now, valid_from: now };
  const statement: RotationStatement = {
    type: 'key-rotation',
    identity: old.identity,
    time: now,
    from: { key_id: old.key_id, public_key: old.public_key, version: old.version },
    to: { key_id: key.key_id, public_key: key.public_key, version },
  };
  const bytes = statementBytes(statement);
  const rotation: Rotation = { statement, signatures: { old: toBase64url(oldSigner.sign(bytes)), new: toBase64url(newSigner.sign(bytes)) } };
  const keys = store.keys.map((e) => (e === old ? { ...e, valid_until: now } : e));
  return { store: nextVersion(store, { keys: [...keys, key], rotations: [...(store.rotations ?? []), rotation] }), key, rotation };
}

/** Problems of the store's root signatures (unsigned, under-signed, tampered, broken root rotations). */
export function storeSignatureProblems(store: TrustStore): string[] {
  if (store.runsafe_trust === 1) return ['the store is format 1, which is not signed: migrate it with runsafe trust init --from'];
  return verifyStoreSignatures(store).problems;
}

/** Every problem found when the store checks itself: key rotation statements, then root signatures. */
export function verifyTrustStore(store: TrustStore): string[] {
  return [...rotationProblems(store), ...storeSignatureProblems(store)];
}

/** Problems of the key rotation statements; empty when every one holds. */
export function rotationProblems(store: TrustStore): string[] {
  const problems: string[] = [];
  (store.rotations ?? []).forEach((rot, i) => {
    const where = `rotations[${i}]`;
    const s = rot?.statement;
    if (!s || s.type !== 'key-rotation' || !s.from || !s.to || !rot.signatures) {
      problems.push(`${where}: not a key-rotation statement with signatures`);
      return;
    }
    for (const side of ['from', 'to'] as const) {
      const entry = store.keys.find((k) => k.key_id === s[side].key_id);
      if (!entry) problems.push(`${where}: ${side} key ${s[side].key_id} is not in the store (keys are never deleted)`);
      else if (entry.public_key !== s[side].public_key || entry.identity !== s.identity || entry.version !== s[side].version) {
        problems.push(`${where}: ${side} key ${s[side].key_id} does not match its trust store entry (public key, identity or version changed)`);
      }
    }
    const bytes = statementBytes(s);
    const check = (sig: string, pub: string): boolean => {
      try {
        return verifyStrict(fromBase64url(sig), bytes, fromBase64url(pub));
      } catch {
        return false;
      }
    };
    if (!check(rot.signatures.old, s.from.public_key)) problems.push(`${where}: the old key's signature (${s.from.key_id}) does not verify`);
    if (!check(rot.signatures.new, s.to.public_key)) problems.push(`${where}: the new key's signature (${s.to.key_id}) does not verify`);
  });
  return problems;
}
