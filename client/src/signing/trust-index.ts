// Read-only lookups into a trust store, and the validity of a key at a given time.
import { fromBase64url } from './bytes';
import { keyIdOf } from './keys';
import { publicKeyProblem } from './ed25519';

export type Role = 'approver' | 'operator' | 'emitter';
export const ROLES: readonly Role[] = ['approver', 'operator', 'emitter'];

/** One key version as stored in a trust store file (schemas/trust-store.schema.json). */
export interface TrustKey {
  key_id: string;
  identity: string;
  roles: Role[];
  version: number;
  public_key: string;
  valid_from?: string;
  valid_until?: string;
  revoked_at?: string;
  revocation_reason?: string;
  /** Revoked as compromised: every signature by the key fails, whatever time it claims. */
  compromised?: boolean;
  added_at?: string;
}

/** A trusted key ready for verification: decoded bytes and parsed times (ms since epoch). */
export interface ResolvedKey {
  entry: TrustKey;
  publicKey: Uint8Array;
  validFrom?: number;
  validUntil?: number;
  revokedAt?: number;
}

export interface KeyLookup {
  byKeyId(keyId: string): ResolvedKey | undefined;
  byIdentityVersion(identity: string, version: string | number): ResolvedKey | undefined;
}

export type KeyStateReason = 'key_revoked' | 'key_expired' | 'key_not_yet_valid';

/** A time-stamp token as checked by the node layer (RFC 3161): the authority's time, or why it does not count. */
export type TimestampCheck = { time: number; tsa: string } | { problem: string };

/**
 * How far a signer's claimed time may lie from the time-stamping authority's before the claim is
 * a finding (backdated_claim): the token is requested right after signing, so minutes, not days.
 */
export const CLAIM_TOLERANCE_MS = 5 * 60_000;

/** RFC 3339 date-time with seconds and an explicit offset: "2026-01-02T03:04:05Z" or "…+01:00". */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses an RFC 3339 time; undefined when absent, an error when present but unreadable. Numbers,
 * dates without a time or an offset (which Date.parse would read in local time) are unreadable.
 */
export function parseTime(value: unknown, what: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'string' && RFC3339.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new Error(`${what}: '${String(value)}' is not an RFC 3339 date-time`);
  return ms;
}

/** A record's time for window checks: undefined when missing or unreadable (both prove nothing). */
export function claimedTime(value: unknown): number | undefined {
  try {
    return parseTime(value, 'time');
  } catch {
    return undefined;
  }
}

/**
 * The key's state when the record was signed, judged at `time` (the signer's claim, or a
 * time-stamping authority's time when there is a token). Boundaries, exactly:
 *   compromised                      -> key_revoked whatever the time (a thief chooses the time)
 *   time >= revoked_at               -> key_revoked (revoked_at itself is already revoked)
 *   time >  valid_until              -> key_expired (valid_until itself is still valid)
 *   time <  valid_from               -> key_not_yet_valid (valid_from itself is valid)
 * A missing or unreadable time proves nothing, so it fails every window the key has.
 */
export function keyStateAt(key: ResolvedKey, time: number | undefined): KeyStateReason | undefined {
  if (key.entry.compromised === true) return 'key_revoked';
  if (key.revokedAt !== undefined && (time === undefined || time >= key.revokedAt)) return 'key_revoked';
  if (key.validUntil !== undefined && (time === undefined || time > key.validUntil)) return 'key_expired';
  if (key.validFrom !== undefined && (time === undefined || time < key.validFrom)) return 'key_not_yet_valid';
  return undefined;
}

/** One sentence on why a key fails at a time, for findings. */
export function keyStateDetail(key: ResolvedKey, state: KeyStateReason, claimed: string): string {
  const k = `key ${key.entry.key_id} (${key.entry.identity} v${key.entry.version})`;
  if (state === 'key_revoked' && key.entry.compromised) return `${k} was revoked as compromised (${key.entry.revoked_at}): every signature by it fails, whatever time it claims`;
  const when = state === 'key_revoked' ? `revoked at ${key.entry.revoked_at}` : state === 'key_expired' ? `valid until ${key.entry.valid_until}` : `valid from ${key.entry.valid_from}`;
  return `${k} is ${when}; the signature is dated ${claimed || '(no readable time: it cannot prove it is inside the window)'}`;
}

function normaliseVersion(v: string | number): string {
  return String(v).replace(/^v/i, '');
}

/** Resolves a key entry, refusing malformed, weak, or mislabelled keys with a message naming it. */
export function resolveKey(entry: TrustKey): ResolvedKey {
  const where = `trust store key ${entry.key_id ?? '(no key_id)'} (${entry.identity ?? 'no identity'})`;
  let publicKey: Uint8Array;
  try {
    publicKey = fromBase64url(entry.public_key);
  } catch (err) {
    throw new Error(`${where}: public_key ${(err as Error).message}`);
  }
  const problem = publicKeyProblem(publicKey);
  if (problem) throw new Error(`${where}: public key refused: ${problem}`);
  if (keyIdOf(publicKey) !== entry.key_id) throw new Error(`${where}: key_id does not match the public key (expected ${keyIdOf(publicKey)})`);
  return {
    entry,
    publicKey,
    validFrom: parseTime(entry.valid_from, `${where} valid_from`),
    validUntil: parseTime(entry.valid_until, `${where} valid_until`),
    revokedAt: parseTime(entry.revoked_at, `${where} revoked_at`),
  };
}

export function createKeyLookup(keys: TrustKey[]): KeyLookup {
  const byId = new Map<string, ResolvedKey>();
  const byIdv = new Map<string, ResolvedKey>();
  for (const k of keys) {
    const r = resolveKey(k);
    byId.set(k.key_id, r);
    byIdv.set(`${k.identity}\u0000${normaliseVersion(k.version)}`, r);
  }
  return {
    byKeyId: (id) => byId.get(id),
    byIdentityVersion: (identity, version) => byIdv.get(`${identity}\u0000${normaliseVersion(version)}`),
  };
}
