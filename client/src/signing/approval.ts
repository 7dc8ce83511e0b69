// Runbook approvals: a detached `<runbook>.sig` file of approver signatures over the exact runbook bytes.
//
// File format (JSON):
//   { "runsafe_approval": 2, "signatures": [ { "statement": {…}, "sig": "<base64url>" }, … ] }
// statement = { type: "runbook-approval", runbook_id, runbook_sha256, approved_at, key_id, identity }
// sig = Ed25519 over PAE("application/vnd.runsafe.runbook-approval+json", canonical statement).
// The statement binds the runbook's id and the SHA-256 of its exact bytes, not its file name: a
// renamed copy is still approved, a copy with another id is not. Signatures over older bytes stay
// in the file (history) but only count for those bytes.
import { parse as parseYaml } from 'yaml';
import { fromBase64url, fromUtf8, toBase64url, toHex, utf8 } from './bytes';
import { canonicalize } from './jcs';
import { pae, PAYLOAD_TYPES } from './envelope';
import { nobleCrypto, type CryptoProvider } from './crypto';
import type { Signer } from './keys';
import { CLAIM_TOLERANCE_MS, claimedTime, keyStateAt, keyStateDetail, type KeyLookup, type TimestampCheck } from './trust-index';

export interface ApprovalStatement {
  type: 'runbook-approval';
  runbook_id: string;
  runbook_sha256: string;
  approved_at: string;
  key_id: string;
  identity: string;
}

export interface ApprovalEntry {
  statement: ApprovalStatement;
  sig: string;
  /** RFC 3161 token (DER, base64) over SHA-256 of the signature bytes: the TSA's time for this approval. */
  tsa_token?: string;
}

export interface ApprovalFile {
  runsafe_approval: 2;
  signatures: ApprovalEntry[];
}

export type ApprovalVerdict = 'approved' | 'modified' | 'unapproved' | 'untrusted' | 'revoked' | 'expired';

export type EntryStatus = 'valid' | 'modified' | 'wrong_runbook' | 'unbound' | 'invalid_timestamp' | 'backdated_claim' | 'invalid_signature' | 'unknown_key' | 'wrong_role' | 'key_revoked' | 'key_expired' | 'key_not_yet_valid';

export interface ApprovalReport {
  verdict: ApprovalVerdict;
  runbookSha256: string;
  required: number;
  /** Distinct approver identities with a valid signature over these exact bytes. */
  approvedBy: { identity: string; keyId: string; approvedAt: string; timeSource: TimeSource }[];
  entries: { index: number; keyId: string; identity: string; approvedAt: string; status: EntryStatus; detail: string; timeSource: TimeSource }[];
  summary: string;
}

/** Where an approval's time comes from: a time-stamping authority's token, or the signer's own claim. */
export type TimeSource = { tsa: string; time: string } | 'signer';

function statementBytes(s: ApprovalStatement): Uint8Array {
  return pae(PAYLOAD_TYPES.runbookApproval, utf8(canonicalize(s)));
}

export function parseApprovalFile(text: string): ApprovalFile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`approval file is not JSON: ${(err as Error).message}`);
  }
  const d = doc as { runsafe_approval?: unknown; signatures?: ApprovalEntry[] };
  if (!d || (d.runsafe_approval !== 1 && d.runsafe_approval !== 2) || !Array.isArray(d.signatures)) throw new Error('approval file: expected { "runsafe_approval": 2, "signatures": [...] }');
  d.signatures.forEach((e, i) => {
    if (!e || typeof e.sig !== 'string' || !e.statement || typeof e.statement !== 'object') throw new Error(`approval file signatures[${i}]: expected { statement, sig }`);
  });
  // Format 1 statements bound the file name instead of the runbook id: they are read (and
  // reported as "unbound") but never count.
  return { runsafe_approval: 2, signatures: d.signatures };
}

/** The runbook's top-level `id`, or undefined when the bytes are not a YAML mapping with a string id. */
export function runbookIdOf(runbook: Uint8Array): string | undefined {
  try {
    const doc: unknown = parseYaml(fromUtf8(runbook), { maxAliasCount: 0 });
    const id = doc && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>)['id'] : undefined;
    return typeof id === 'string' && id !== '' ? id : undefined;
  } catch {
    return undefined;
  }
}

export function formatApprovalFile(f: ApprovalFile): string {
  return `${JSON.stringify(f, null, 2)}\n`;
}

/** Adds `signer`'s approval of these bytes; refuses a second approval of the same bytes by the same key. */
export function addApproval(
  existing: ApprovalFile | undefined,
  runbook: Uint8Array,
  signer: Signer,
  o: { identity: string; now: string; crypto?: CryptoProvider },
): { file: ApprovalFile; entry: ApprovalEntry } {
  const sha = toHex((o.crypto ?? nobleCrypto).sha256(runbook));
  const runbookId = runbookIdOf(runbook);
  if (runbookId === undefined) throw new Error('the runbook has no top-level id: an approval binds the runbook id and its bytes');
  const f: ApprovalFile = existing ?? { runsafe_approval: 2, signatures: [] };
  if (f.signatures.some((e) => e.statement?.key_id === signer.keyId && e.statement?.runbook_sha256 === sha)) {
    throw new Error(`key ${signer.keyId} has already approved these exact bytes`);
  }
  const statement: ApprovalStatement = { type: 'runbook-approval', runbook_id: runbookId, runbook_sha256: sha, approved_at: o.now, key_id: signer.keyId, identity: o.identity };
  const entry: ApprovalEntry = { statement, sig: toBase64url(signer.sign(statementBytes(statement))) };
  return { file: { runsafe_approval: 2, signatures: [...f.signatures, entry] }, entry };
}

/**
 * Judges an approval file against the runbook's current bytes, a trust store and a policy of N
 * distinct approvers (by identity, so one person's two keys count once). Each signature is
 * checked before its key's state, as for transcripts.
 */
export function verifyApproval(
  runbook: Uint8Array,
  file: ApprovalFile | undefined,
  keys: KeyLookup,
  o: { required?: number; crypto?: CryptoProvider; /** Checked tokens by signature index (node/tsa.ts). */ timestamps?: (TimestampCheck | undefined)[] } = {},
): ApprovalReport {
  const crypto = o.crypto ?? nobleCrypto;
  const required = Math.max(1, o.required ?? 1);
  const sha = toHex(crypto.sha256(runbook));
  const runbookId = runbookIdOf(runbook);
  const entries: ApprovalReport['entries'] = [];
  (file?.signatures ?? []).forEach((e, index) => {
    const s = e.statement;
    const keyId = String(s?.key_id ?? '');
    const base = { index, keyId, identity: String(s?.identity ?? ''), approvedAt: String(s?.approved_at ?? ''), timeSource: 'signer' as TimeSource };
    const key = keys.byKeyId(keyId);
    if (!key) return entries.push({ ...base, status: 'unknown_key', detail: `key ${keyId} is not in the trust store` });
    let ok = false;
    try {
      ok = s.type === 'runbook-approval' && crypto.verify(fromBase64url(e.sig), statementBytes(s), key.publicKey);
    } catch {
      ok = false;
    }
    if (!ok) return entries.push({ ...base, status: 'invalid_signature', detail: `the signature does not verify with key ${keyId}` });
    base.identity = key.entry.identity;
    const claimed = claimedTime(s.approved_at);
    let time = claimed;
    const ts = e.tsa_token !== undefined ? o.timestamps?.[index] : undefined;
    if (ts && 'problem' in ts) return entries.push({ ...base, status: 'invalid_timestamp', detail: `its time-stamp token does not count: ${ts.problem}` });
    if (ts) {
      time = ts.time;
      base.timeSource = { tsa: ts.tsa, time: new Date(ts.time).toISOString() };
    }
    const state = keyStateAt(key, time);
    if (state) return entries.push({ ...base, status: state, detail: `${keyStateDetail(key, state, time === undefined ? '' : new Date(time).toISOString())}${ts ? ` (the time of time-stamping authority ${ts.tsa})` : ''}` });
    if (ts && (claimed === undefined || Math.abs(claimed - ts.time) > CLAIM_TOLERANCE_MS)) {
      return entries.push({ ...base, status: 'backdated_claim', detail: `approved_at claims ${String(s.approved_at)}, but time-stamping authority ${ts.tsa} saw the signature at ${new Date(ts.time).toISOString()}` });
    }
    if (!key.entry.roles.includes('approver')) return entries.push({ ...base, status: 'wrong_role', detail: `key ${keyId} (${key.entry.identity}) lacks the approver role` });
    if (typeof s.runbook_id !== 'string') return entries.push({ ...base, status: 'unbound', detail: 'the statement does not bind a runbook id (approval format 1 bound the file name): re-approve with runsafe sign' });
    if (s.runbook_sha256 !== sha) return entries.push({ ...base, status: 'modified', detail: `approved bytes with SHA-256 ${s.runbook_sha256}; the runbook is now ${sha}` });
    if (s.runbook_id !== runbookId) return entries.push({ ...base, status: 'wrong_runbook', detail: `approved runbook id '${s.runbook_id}'; this runbook's id is ${runbookId === undefined ? 'missing' : `'${runbookId}'`}` });
    return entries.push({ ...base, status: 'valid', detail: 'valid approval of these exact bytes' });
  });
  const approvedBy: ApprovalReport['approvedBy'] = [];
  for (const e of entries) {
    if (e.status === 'valid' && !approvedBy.some((a) => a.identity === e.identity)) approvedBy.push({ identity: e.identity, keyId: e.keyId, approvedAt: e.approvedAt, timeSource: e.timeSource });
  }
  const has = (...st: EntryStatus[]) => entries.some((e) => st.includes(e.status));
  let verdict: ApprovalVerdict;
  if (approvedBy.length >= required) verdict = 'approved';
  else if (has('modified')) verdict = 'modified';
  else if (has('key_revoked')) verdict = 'revoked';
  else if (has('key_expired', 'key_not_yet_valid')) verdict = 'expired';
  else if (has('unknown_key', 'invalid_signature', 'wrong_role', 'wrong_runbook', 'unbound', 'invalid_timestamp', 'backdated_claim')) verdict = 'untrusted';
  else verdict = 'unapproved';
  const who = approvedBy.map((a) => `${a.identity} (${a.keyId}) at ${a.timeSource === 'signer' ? `${a.approvedAt} (the signer's claim: no time-stamp token)` : `${a.timeSource.time} (time-stamping authority ${a.timeSource.tsa})`}`).join(', ');
  const summary =
    verdict === 'approved'
      ? `approved by ${who}`
      : `${verdict}: ${approvedBy.length} of ${required} required approver(s) over the current bytes${entries.length ? `; ${entries.filter((e) => e.status !== 'valid').map((e) => e.detail).join('; ')}` : '; no signatures'}`;
  return { verdict, runbookSha256: sha, required, approvedBy, entries, summary };
}
