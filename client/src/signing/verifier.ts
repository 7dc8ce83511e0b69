// Streaming verifier for transcripts and audit chains: hash links, signatures, key validity.
//
// Feed it one line at a time (exact bytes, without the newline); memory stays flat because only
// the previous record's hash and bounded finding lists are kept. Findings, per record:
//   HASH_CHAIN_BREACH (critical)  the record's prev/seq does not follow the previous record, or a head is wrong
//   SIGNATURE_BREACH  (high)      invalid_signature | unknown_key | key_revoked | key_expired | key_not_yet_valid
//                                 | wrong_role | missing_signature   (the signature is checked before the key's state)
//   MALFORMED_RECORD  (high)      invalid_utf8 | not_json | not_object | not_canonical | torn_tail
//                                 | record_too_large (longer than the reader's limit: never held, only hashed)
// Strict mode rejects every record with a finding (handing its exact bytes to onReject);
// non-strict mode admits it and counts it per reason. Neither drops nor re-encodes bytes.
import { fromBase64, fromBase64url, fromHex, fromUtf8, type Alloc } from './bytes';
import { encodeBytes } from './chain-writer';
import { canonicalCheck, type MemberSpan } from './jcs';
import { signedMessage } from './signed-body';
import { paePrefix } from './envelope';
import type { CryptoProvider } from './crypto';
import { nobleCrypto } from './crypto';
import type { SignatureLane, SignatureCheck } from './signature-lane';
import type { ChainMapping, Encoding } from './chain-mapping';
import { CLAIM_TOLERANCE_MS, claimedTime, keyStateAt, keyStateDetail, type KeyLookup, type ResolvedKey, type TimestampCheck } from './trust-index';

export type FindingKind = 'HASH_CHAIN_BREACH' | 'SIGNATURE_BREACH' | 'MALFORMED_RECORD';
export const SEVERITY: Record<FindingKind, 'critical' | 'high'> = {
  HASH_CHAIN_BREACH: 'critical',
  SIGNATURE_BREACH: 'high',
  MALFORMED_RECORD: 'high',
};

export interface Finding {
  kind: FindingKind;
  severity: 'critical' | 'high';
  reason: string;
  /** 0-based index of the record (line number = index + 1). */
  index: number;
  /** The record's id per the mapping, when it could be read. */
  id: string | null;
  detail: string;
  /** The key the record claims, when it could be read. */
  keyId?: string;
}

export type Verdict = 'verified' | 'unterminated' | 'unsigned' | 'failed';

export interface VerificationReport {
  verdict: Verdict;
  records: number;
  signed: number;
  /** Records with at least one finding; in strict mode these were rejected (quarantined). */
  failing: number;
  strict: boolean;
  admitted: number;
  rejected: number;
  /** Count per "KIND:reason". */
  counts: Record<string, number>;
  firstHashChainBreach?: { index: number; id: string | null; reason: string };
  firstSignatureBreach?: { index: number; id: string | null; reason: string };
  /** The first findings (up to maxFindings); counts cover all. */
  findings: Finding[];
  findingsTruncated: boolean;
  /** Transcripts: whether the signed head closed the run. */
  terminated: boolean;
  /** Hash of the last record, in the mapping's hash encoding. */
  lastHash: string | null;
  /** Keys that signed records that verified, with how many. */
  signers: Record<string, number>;
  /** Where the times key windows were judged at came from: a time-stamping authority, or the signers' own claims. */
  time: { source: 'tsa'; tsa: string; at: string } | { source: 'signer' };
}

export interface VerifierOptions {
  mapping: ChainMapping;
  keys: KeyLookup;
  crypto?: CryptoProvider;
  strict?: boolean;
  maxFindings?: number;
  /** Receives each rejected record's exact bytes (strict mode only). */
  onReject?: (bytes: Uint8Array, terminated: boolean, findings: Finding[], index: number) => void;
  /** Chains: detect truncation against an anchor recorded at export time. */
  expectCount?: number;
  expectHead?: string;
  /**
   * Continue a chain verified before (a checkpoint, or the record just before a window of a
   * table): the index of the first record pushed, and the hash, seq and signedness of the record
   * before it, so links, seq and indexes carry on as if the whole chain had been read
   * (`afterOversized`: that record was over the size limit, known only by its hash, so the next
   * seq is not judged).
   */
  continueFrom?: { index: number; hash: string; seq?: number | null; signed?: boolean; afterOversized?: boolean };
  /**
   * Transcripts: the checked RFC 3161 token over the last line (the head). With a time, every
   * key window is judged at the authority's time, and a head whose own time is far from it is a
   * backdated_claim; with a problem, the head gets an invalid_timestamp finding.
   */
  attested?: TimestampCheck;
  /**
   * A second thread checking signatures (node/signature-lane.ts): batches it takes are checked
   * there while this thread parses and links the next records; results are merged back in record
   * order, so the report is the one the serial path gives. With a lane, call `ready()` after each
   * push and `drain()` before `finish()`.
   */
  lane?: SignatureLane;
}

export interface ChainVerifier {
  /** One record's exact bytes without the line terminator; `terminated` false for a final line with no newline. */
  push(bytes: Uint8Array, terminated?: boolean): void;
  /**
   * A record longer than the reader's limit, which was hashed as it streamed past and never held:
   * a MALFORMED_RECORD record_too_large, and the chain continues from its hash (the next record's
   * link is still checked; its seq may follow any integer, since this record's could not be read).
   */
  pushOversized(length: number, sha256: Uint8Array, terminated?: boolean, limit?: number): void;
  finish(): VerificationReport;
  /**
   * Back-pressure: undefined when more records may be pushed now, else a promise to await first
   * (too many batches wait for the signature lane). Always undefined without a lane.
   */
  ready(): Promise<void> | undefined;
  /** Waits until every batch handed to the signature lane is checked and its records finished (then call finish). */
  drain(): Promise<void>;
  /** Index of the oldest record not finished yet (its findings and onReject still to come). */
  unsettled(): number;
}


function decode(text: string, enc: Encoding, alloc: Alloc): Uint8Array {
  return enc === 'hex' ? fromHex(text, alloc) : enc === 'base64url' ? fromBase64url(text, alloc) : fromBase64(text, alloc);
}

/** Records per batch of signature checks: small enough for flat memory, large enough to keep caches hot. */
const BATCH = 64;

interface PendingCheck {
  sig: Uint8Array | undefined;
  message: Uint8Array;
  key: ResolvedKey;
  obj: Record<string, unknown>;
  base: { index: number; id: string | null };
  ok: boolean;
}

interface Queued {
  bytes: Uint8Array;
  terminated: boolean;
  index: number;
  list: Finding[];
  check: PendingCheck | undefined;
}

/**
 * Zeroed memory for per-record buffers (signed messages, signatures), carved from 64 KiB blocks:
 * one typed array per record instead of a fresh ArrayBuffer each, whose allocation and tracking
 * by the garbage collector cost more than the copy into it (a signature's 64 bytes would live in
 * the V8 heap and be moved out of it by the native verify). Blocks are never reused; one is freed
 * when no record refers to it any more. Large requests get their own buffer, so a block wastes little.
 */
function blockAllocator(): Alloc {
  const BLOCK = 64 << 10;
  const LARGE = 4 << 10;
  let block = new ArrayBuffer(0);
  let used = 0;
  return (length) => {
    if (length > LARGE) return new Uint8Array(length);
    if (used + length > block.byteLength) {
      block = new ArrayBuffer(BLOCK);
      used = 0;
    }
    const out = new Uint8Array(block, used, length);
    used += length;
    return out;
  };
}

export function createVerifier(options: VerifierOptions): ChainVerifier {
  const m = options.mapping;
  const crypto = options.crypto ?? nobleCrypto;
  const strict = options.strict ?? false;
  const maxFindings = options.maxFindings ?? 1000;
  const prefix = m.payloadType === null ? null : paePrefix(m.payloadType);
  const alloc = blockAllocator();
  // Where the record being pushed has its signature member (filled by canonicalCheck, read by signedMessage).
  const sigSpan: MemberSpan = { key: m.sig, start: -1, end: -1 };
  const hexHash = m.hashEncoding === 'hex' && crypto.sha256Hex ? crypto.sha256Hex.bind(crypto) : undefined;
  const r: VerificationReport = {
    verdict: 'failed',
    records: 0,
    signed: 0,
    failing: 0,
    strict,
    admitted: 0,
    rejected: 0,
    counts: {},
    findings: [],
    findingsTruncated: false,
    terminated: false,
    lastHash: null,
    signers: {},
    time: options.attested && 'time' in options.attested ? { source: 'tsa', tsa: options.attested.tsa, at: new Date(options.attested.time).toISOString() } : { source: 'signer' },
  };
  const from = options.continueFrom;
  const base = from?.index ?? 0;
  let lastHash: string | null = from?.hash ?? null;
  let lastSeq: number | null = from?.seq ?? null;
  let signedMode: boolean | null = from?.signed ?? null;
  const attestedTime = options.attested && 'time' in options.attested ? options.attested.time : undefined;
  let headClaim: number | undefined;
  let headIndex = -1;
  let tornTail = false;
  let malformedOrBreach = false;
  // The record before was too large to read: its seq is unknown, so the next seq is not judged.
  let afterOversized = from?.afterOversized ?? false;

  function add(list: Finding[], f: Omit<Finding, 'severity'>): void {
    list.push({ ...f, severity: SEVERITY[f.kind] });
  }

  /** Accounts a record's findings, in record order (so caps and "first" breaches do not depend on batching). */
  function commit(list: Finding[]): void {
    for (const finding of list) commitOne(finding);
  }

  function commitOne(f: Finding): void {
    const finding = f;
    const key = `${f.kind}:${f.reason}`;
    r.counts[key] = (r.counts[key] ?? 0) + 1;
    malformedOrBreach = true;
    if (f.kind === 'HASH_CHAIN_BREACH' && !r.firstHashChainBreach) r.firstHashChainBreach = { index: f.index, id: f.id, reason: f.reason };
    if (f.kind === 'SIGNATURE_BREACH' && !r.firstSignatureBreach) r.firstSignatureBreach = { index: f.index, id: f.id, reason: f.reason };
    if (r.findings.length < maxFindings) r.findings.push(finding);
    else r.findingsTruncated = true;
  }

  function lookup(obj: Record<string, unknown>): { key?: ResolvedKey; claimed: string } {
    if (m.kid && typeof obj[m.kid] === 'string') {
      const kid = obj[m.kid] as string;
      return { key: options.keys.byKeyId(kid), claimed: kid };
    }
    if (m.emitter && m.keyVersion) {
      const emitter = obj[m.emitter];
      const version = obj[m.keyVersion];
      if (typeof emitter === 'string' && (typeof version === 'string' || typeof version === 'number')) {
        return { key: options.keys.byIdentityVersion(emitter, version), claimed: `${emitter}@${version}` };
      }
    }
    return { claimed: '(none)' };
  }

  function checkRecord(index: number, bytes: Uint8Array, text: string, obj: Record<string, unknown>, list: Finding[]): PendingCheck | undefined {
    const idValue = obj[m.id];
    const id = idValue === undefined || idValue === null ? null : String(idValue);
    const base = { index, id };

    // Links: prev must be the hash of the line before (or the genesis value), seq must follow.
    const prev = obj[m.prev];
    const expectedPrev = lastHash ?? (index === 0 ? m.genesis : undefined);
    if (expectedPrev !== undefined && prev !== expectedPrev) {
      add(list, {
        ...base,
        kind: 'HASH_CHAIN_BREACH',
        reason: 'prev_hash_mismatch',
        detail: index === 0 ? `the first record's ${m.prev} is not the genesis value` : `${m.prev} does not equal the SHA-256 of record ${index - 1}`,
      });
    } else if (m.seq) {
      // seq: an integer; 0 first when the chain has a genesis (transcripts), any integer first for a
      // chain export that may start mid-chain; then exactly the previous record's seq + 1.
      const seq = obj[m.seq];
      const want = afterOversized ? undefined : lastSeq === null ? (m.genesis !== undefined ? 0 : undefined) : lastSeq + 1;
      if (!Number.isSafeInteger(seq) || (want !== undefined && seq !== want)) {
        add(list, { ...base, kind: 'HASH_CHAIN_BREACH', reason: 'seq_gap', detail: `${m.seq} is ${JSON.stringify(seq)}, expected ${want ?? 'an integer'}` });
      }
    }
    // After a gap, counting goes on from the record's own seq, so one gap is reported once.
    if (m.seq && Number.isSafeInteger(obj[m.seq])) lastSeq = obj[m.seq] as number;

    if (m.head) {
      if (headIndex >= 0) add(list, { ...base, kind: 'HASH_CHAIN_BREACH', reason: 'record_after_head', detail: `the run was closed by the head at record ${headIndex}` });
      else if (obj['type'] === 'head') {
        headIndex = index;
        headClaim = m.time ? claimedTime(obj[m.time]) : undefined;
        if (obj['count'] !== index || obj['head'] !== lastHash) {
          add(list, { ...base, kind: 'HASH_CHAIN_BREACH', reason: 'head_mismatch', detail: `the head claims ${JSON.stringify(obj['count'])} records ending in ${JSON.stringify(obj['head'])}; found ${index} ending in ${lastHash}` });
        }
      }
    }

    // Signature first, then the key's state: a bad signature is invalid_signature whatever the key.
    const sigValue = obj[m.sig];
    const hasSig = sigValue !== undefined && sigValue !== null;
    if (signedMode === null) signedMode = hasSig;
    if (!hasSig) {
      if (signedMode) add(list, { ...base, kind: 'SIGNATURE_BREACH', reason: 'missing_signature', detail: `no ${m.sig} field while the chain is signed` });
      return undefined;
    }
    r.signed++;
    const { key, claimed } = lookup(obj);
    if (!signedMode) {
      add(list, { ...base, keyId: claimed, kind: 'SIGNATURE_BREACH', reason: 'missing_signature', detail: 'the chain started unsigned; a signed record in it proves nothing about the records before' });
      return undefined;
    }
    if (!key) {
      add(list, { ...base, keyId: claimed, kind: 'SIGNATURE_BREACH', reason: 'unknown_key', detail: `key ${claimed} is not in the trust store` });
      return undefined;
    }
    let sig: Uint8Array | undefined;
    try {
      sig = typeof sigValue === 'string' ? decode(sigValue, m.signatureEncoding, alloc) : undefined;
    } catch {
      sig = undefined;
    }
    // The signed bytes: the canonical record without the signature field. The Ed25519 check
    // itself runs in the next batch (see flush) and the key's state is judged after it.
    return { sig, message: signedMessage(prefix, bytes, text, obj, m.sig, alloc, sigSpan), key, obj, base, ok: false };
  }

  function afterVerify(p: PendingCheck, list: Finding[]): void {
    const { key, obj, base } = p;
    if (!p.ok) {
      add(list, { ...base, keyId: key.entry.key_id, kind: 'SIGNATURE_BREACH', reason: 'invalid_signature', detail: `the signature does not verify with key ${key.entry.key_id} (${key.entry.identity} v${key.entry.version})` });
      return;
    }
    // With a time-stamp token the authority's time decides, whatever the record claims. A key
    // with no window and no compromise is valid at any time, so its records' times are not parsed.
    const state = key.entry.compromised !== true && key.revokedAt === undefined && key.validUntil === undefined && key.validFrom === undefined ? undefined : keyStateAt(key, attestedTime ?? (m.time ? claimedTime(obj[m.time]) : undefined));
    if (state) {
      const time = attestedTime ?? (m.time ? claimedTime(obj[m.time]) : undefined);
      const claimed = attestedTime !== undefined ? `${new Date(attestedTime).toISOString()} by the time-stamping authority` : m.time && typeof obj[m.time] === 'string' && time !== undefined ? (obj[m.time] as string) : '';
      add(list, { ...base, keyId: key.entry.key_id, kind: 'SIGNATURE_BREACH', reason: state, detail: keyStateDetail(key, state, claimed) });
      return;
    }
    if (!key.entry.roles.includes(m.role)) {
      add(list, { ...base, keyId: key.entry.key_id, kind: 'SIGNATURE_BREACH', reason: 'wrong_role', detail: `key ${key.entry.key_id} (${key.entry.identity}) lacks the ${m.role} role` });
      return;
    }
    r.signers[key.entry.key_id] = (r.signers[key.entry.key_id] ?? 0) + 1;
  }

  // Records wait here until a batch is full: the Ed25519 checks of a batch then run back to back,
  // which keeps the native verifier's tables hot in the CPU cache (measurably faster than
  // alternating JSON work and verification), and the records are finished in order.
  const queue: Queued[] = [];

  // With a lane, batches wait here (in record order) until their verdicts are in; without, each is
  // finished as soon as it is checked.
  interface Batch {
    items: Queued[];
    checks: PendingCheck[];
    ticket: number | undefined;
    bytes: number;
  }
  const lane = options.lane;
  const batches: Batch[] = [];
  let pendingBytes = 0;
  let settledCount = 0;
  /** Bytes of records waiting for the lane before a push must wait: bounded memory whatever the record sizes. */
  const MAX_PENDING_BYTES = 32 << 20;

  function flush(): void {
    if (queue.length === 0) return;
    const items = queue.splice(0);
    const checks: PendingCheck[] = [];
    let bytes = 0;
    for (const q of items) {
      bytes += q.bytes.length;
      if (q.check) checks.push(q.check);
    }
    let ticket: number | undefined;
    if (lane && checks.length > 0 && checks.every((c) => c.sig !== undefined)) {
      ticket = lane.offer(checks.map((c): SignatureCheck => ({ signature: c.sig!, message: c.message, publicKey: c.key.publicKey })));
    }
    if (ticket === undefined) for (const c of checks) c.ok = c.sig !== undefined && crypto.verify(c.sig, c.message, c.key.publicKey);
    batches.push({ items, checks, ticket, bytes });
    pendingBytes += bytes;
    settle();
  }

  /** Finishes the batches at the head whose verdicts are in, in order. */
  function settle(): void {
    while (batches.length > 0) {
      const b = batches[0]!;
      if (b.ticket !== undefined) {
        const verdicts = lane!.poll(b.ticket);
        if (!verdicts) return;
        for (let i = 0; i < b.checks.length; i++) b.checks[i]!.ok = verdicts[i] === 1;
        b.ticket = undefined;
      }
      batches.shift();
      pendingBytes -= b.bytes;
      finishRecords(b.items);
    }
  }

  function finishRecords(items: Queued[]): void {
    for (const q of items) {
      if (q.check) afterVerify(q.check, q.list);
      commit(q.list);
      if (q.list.length > 0) {
        r.failing++;
        if (strict) {
          r.rejected++;
          options.onReject?.(q.bytes, q.terminated, q.list, q.index);
        } else r.admitted++;
      } else r.admitted++;
    }
    settledCount += items.length;
  }

  async function waitHead(): Promise<void> {
    const head = batches[0];
    if (head?.ticket !== undefined) await lane!.wait(head.ticket);
    settle();
  }

  return {
    push(bytes, terminated = true) {
      const index = base + r.records++;
      const list: Finding[] = [];
      const hash = hexHash ? hexHash(bytes) : encodeBytes(crypto.sha256(bytes), m.hashEncoding);
      let text: string | undefined;
      let obj: Record<string, unknown> | undefined;
      let malformed: { reason: string; detail: string } | undefined;
      try {
        text = fromUtf8(bytes);
        const value: unknown = JSON.parse(text);
        if (value === null || typeof value !== 'object' || Array.isArray(value)) malformed = { reason: 'not_object', detail: 'a record must be a JSON object' };
        else obj = value as Record<string, unknown>;
      } catch (err) {
        malformed = text === undefined ? { reason: 'invalid_utf8', detail: 'the line is not valid UTF-8' } : { reason: 'not_json', detail: `not JSON: ${(err as Error).message}` };
      }
      if (malformed && !terminated && m.head) {
        // A final line cut off mid-write by a killed run: the records before it still stand.
        tornTail = true;
        malformed = { reason: 'torn_tail', detail: 'the last line was cut off mid-write (no newline, not JSON)' };
      }
      let check: PendingCheck | undefined;
      if (obj && text !== undefined) {
        if (!canonicalCheck(obj, text, sigSpan)) malformed = { reason: 'not_canonical', detail: 'the bytes are not the RFC 8785 canonical form of the record (refused, never re-encoded)' };
        else check = checkRecord(index, bytes, text, obj, list);
      }
      if (malformed) {
        const idValue = obj?.[m.id];
        add(list, { index, id: idValue === undefined || idValue === null ? null : String(idValue), kind: 'MALFORMED_RECORD', ...malformed });
      }
      lastHash = hash;
      afterOversized = false;
      queue.push({ bytes, terminated, index, list, check });
      if (queue.length >= BATCH) flush();
    },

    pushOversized(length, sha256, terminated = true, limit) {
      const index = base + r.records++;
      const list: Finding[] = [];
      add(list, { index, id: null, kind: 'MALFORMED_RECORD', reason: 'record_too_large', detail: `the record is ${length} bytes${limit !== undefined ? `, over the ${limit}-byte limit` : ''}: not read (only hashed, so the chain goes on)` });
      lastHash = encodeBytes(sha256, m.hashEncoding);
      afterOversized = true;
      queue.push({ bytes: new Uint8Array(0), terminated, index, list, check: undefined });
      if (queue.length >= BATCH) flush();
    },

    ready() {
      if (!lane || batches.length === 0) return undefined;
      settle();
      return batches.length > lane.slots + 2 || pendingBytes > MAX_PENDING_BYTES ? waitHead() : undefined;
    },

    async drain() {
      flush();
      while (batches.length > 0) await waitHead();
    },

    unsettled() {
      return base + settledCount;
    },

    finish() {
      flush();
      if (batches.length > 0) throw new Error('the verifier was finished with batches still at the signature lane: drain() first');
      r.lastHash = lastHash;
      r.terminated = headIndex >= 0;
      const findingsList: Finding[] = [];
      if (options.expectCount !== undefined && base + r.records !== options.expectCount) {
        add(findingsList, { index: Math.min(base + r.records, options.expectCount), id: null, kind: 'HASH_CHAIN_BREACH', reason: base + r.records < options.expectCount ? 'truncated' : 'extended', detail: `expected ${options.expectCount} records, found ${base + r.records}` });
      } else if (options.expectHead !== undefined && lastHash !== options.expectHead) {
        add(findingsList, { index: Math.max(0, base + r.records - 1), id: null, kind: 'HASH_CHAIN_BREACH', reason: 'head_mismatch', detail: `the last record's hash is ${lastHash}, expected ${options.expectHead}` });
      }
      if (r.records === 0 && !from) add(findingsList, { index: 0, id: null, kind: 'MALFORMED_RECORD', reason: 'empty', detail: 'no records' });
      const last = Math.max(0, base + r.records - 1);
      if (options.attested && 'problem' in options.attested) {
        add(findingsList, { index: last, id: null, kind: 'SIGNATURE_BREACH', reason: 'invalid_timestamp', detail: `the time-stamp token does not count: ${options.attested.problem}` });
      } else if (attestedTime !== undefined && headIndex >= 0 && (headClaim === undefined || Math.abs(headClaim - attestedTime) > CLAIM_TOLERANCE_MS)) {
        add(findingsList, { index: headIndex, id: String(headIndex), kind: 'SIGNATURE_BREACH', reason: 'backdated_claim', detail: `the head claims ${headClaim === undefined ? 'no readable time' : new Date(headClaim).toISOString()}, but the time-stamping authority saw it at ${new Date(attestedTime).toISOString()}` });
      }
      commit(findingsList);
      // A torn tail alone means a killed run, not tampering: report it as unterminated.
      const onlyTorn = tornTail && r.failing === 1 && Object.keys(r.counts).length === 1 && r.counts['MALFORMED_RECORD:torn_tail'] === 1;
      if (malformedOrBreach && !onlyTorn) r.verdict = 'failed';
      else if (m.head && !r.terminated) r.verdict = 'unterminated';
      else if (r.signed === 0) r.verdict = 'unsigned';
      else r.verdict = 'verified';
      return r;
    },
  };
}
