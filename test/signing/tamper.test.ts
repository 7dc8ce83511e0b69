// Tamper matrix: each attack on a signed transcript and a signed audit chain gives the exact
// verdict, reason and index, with the signature lane (a second thread) and without; strict
// quarantine keeps the rejected bytes exactly. The chain is short
// (each class needs only a record before and after the breach); the streaming and flat-memory
// property on a large file is transcript.test.ts's "streaming" test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createVerifier, type VerificationReport } from '../../client/src/signing/verifier';
import { createChainWriter, encodeRecord } from '../../client/src/signing/chain-writer';
import { createKeyLookup, type TrustKey } from '../../client/src/signing/trust-index';
import { DEFAULT_CHAIN_MAPPING, TRANSCRIPT_MAPPING, type ChainMapping } from '../../client/src/signing/chain-mapping';
import { createTranscriptChain } from '../../client/src/signing/transcript';
import { nativeCrypto } from '../../client/src/node/native-crypto';
import { verifyFile } from '../../client/src/node/verify-file';
import { createSignatureLane } from '../../client/src/node/signature-lane';
import type { Signer } from '../../client/src/signing/keys';
import { signer, trustEntry, tempDir } from './helpers';

const A = signer(11);
const B = signer(12);
const C = signer(13); // never trusted: the attacker's key
const T0 = Date.parse('2026-01-01T00:00:00Z');
const iso = (i: number) => new Date(T0 + i * 1000).toISOString();
const sha = (line: string) => createHash('sha256').update(line).digest('hex');

function verifyLines(lines: string[], mapping: ChainMapping, trust: TrustKey[], extra: { expectCount?: number; strict?: boolean } = {}): VerificationReport {
  const v = createVerifier({ mapping, keys: createKeyLookup(trust), crypto: nativeCrypto, ...extra });
  for (const l of lines) v.push(Buffer.from(l));
  return v.finish();
}

/**
 * The same verification with the signature lane forced on (RUNSAFE_VERIFY_LANE=always's mode: every
 * batch of a short chain goes to the second thread): the whole report must equal the serial one.
 */
async function verifyLinesBothWays(lines: string[], mapping: ChainMapping, trust: TrustKey[], extra: { expectCount?: number; strict?: boolean } = {}): Promise<VerificationReport> {
  const serial = verifyLines(lines, mapping, trust, extra);
  const lane = createSignatureLane('always')!;
  try {
    await lane.started();
    const v = createVerifier({ mapping, keys: createKeyLookup(trust), crypto: nativeCrypto, lane, ...extra });
    for (const l of lines) {
      v.push(Buffer.from(l));
      const wait = v.ready();
      if (wait) await wait;
    }
    await v.drain();
    assert.deepEqual(v.finish(), serial, 'the report with the signature lane equals the serial one');
    if (serial.signed > 0) assert.ok(lane.stats.lane > 0, 'batches went through the lane');
  } finally {
    lane.close();
  }
  return serial;
}

/** What a test asserts: verdict plus the first breach of each kind (index and reason). */
function summary(r: VerificationReport) {
  return {
    verdict: r.verdict,
    chain: r.firstHashChainBreach ? `${r.firstHashChainBreach.reason}@${r.firstHashChainBreach.index}` : null,
    sig: r.firstSignatureBreach ? `${r.firstSignatureBreach.reason}@${r.firstSignatureBreach.index}` : null,
  };
}

// ---- a signed audit chain -------------------------------------------------------------------

const N = 300;
const K = 100;
const emitterA = (extra: Partial<TrustKey> = {}) => trustEntry(A, 'raptor:order-router', ['emitter'], extra);
const emitterB = (extra: Partial<TrustKey> = {}) => trustEntry(B, 'raptor:order-router', ['emitter'], { version: 2, ...extra });

function buildChain(count = N): string[] {
  const w = createChainWriter({ mapping: DEFAULT_CHAIN_MAPPING, signer: A, crypto: nativeCrypto });
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(w.next({ id: `evt-${i}`, time: iso(i), emitter: 'raptor:order-router', action: 'order_routed', n: i }));
  return out;
}

/** A chain whose records from `from` on are signed by `late` (a rotation), still correctly linked. */
function buildRotatedChain(late: Signer, from: number): string[] {
  const out: string[] = [];
  let prev: string | null = null;
  for (let i = 0; i < N; i++) {
    const line = encodeRecord({ id: `evt-${i}`, time: iso(i), emitter: 'raptor:order-router', action: 'order_routed', n: i, prev }, DEFAULT_CHAIN_MAPPING, i < from ? A : late);
    out.push(line);
    prev = sha(line);
  }
  return out;
}

const chain = buildChain();
const chainTrust = [emitterA()];

function tampered(f: (ls: string[]) => void): string[] {
  const ls = chain.slice();
  f(ls);
  return ls;
}

test(`chain: intact ${N} events verify`, () => {
  const r = verifyLines(chain, DEFAULT_CHAIN_MAPPING, chainTrust, { expectCount: N });
  assert.deepEqual(summary(r), { verdict: 'verified', chain: null, sig: null });
  assert.equal(r.records, N);
  assert.equal(r.signed, N);
});

const chainCases: { name: string; lines: () => string[]; trust?: TrustKey[]; expectCount?: number; want: ReturnType<typeof summary> }[] = [
  {
    name: 'modify a field',
    lines: () => tampered((ls) => (ls[K] = ls[K]!.replace(`"n":${K}`, `"n":${K + 1}`))),
    want: { verdict: 'failed', chain: `prev_hash_mismatch@${K + 1}`, sig: `invalid_signature@${K}` },
  },
  {
    name: 'insert a forged event',
    lines: () => tampered((ls) => ls.splice(K, 0, encodeRecord({ id: 'evt-forged', time: iso(K), emitter: 'raptor:order-router', prev: sha(ls[K - 1]!) }, DEFAULT_CHAIN_MAPPING, C))),
    want: { verdict: 'failed', chain: `prev_hash_mismatch@${K + 1}`, sig: `unknown_key@${K}` },
  },
  { name: 'delete an event', lines: () => tampered((ls) => ls.splice(K, 1)), want: { verdict: 'failed', chain: `prev_hash_mismatch@${K}`, sig: null } },
  {
    name: 'reorder two events',
    lines: () => tampered((ls) => ([ls[K], ls[K + 1]] = [ls[K + 1]!, ls[K]!])),
    want: { verdict: 'failed', chain: `prev_hash_mismatch@${K}`, sig: null },
  },
  { name: 'truncate (with the exported count as anchor)', lines: () => chain.slice(0, K), expectCount: N, want: { verdict: 'failed', chain: `truncated@${K}`, sig: null } },
  {
    name: 'swap in another record’s signature',
    lines: () => tampered((ls) => (ls[K] = ls[K]!.replace(/"sig":"[^"]+"/, `"sig":"${JSON.parse(ls[K + 1]!).sig}"`))),
    want: { verdict: 'failed', chain: `prev_hash_mismatch@${K + 1}`, sig: `invalid_signature@${K}` },
  },
  {
    name: 'wrong key (signed by an untrusted key claiming the trusted key id)',
    lines: () => tampered((ls) => (ls[K] = encodeRecord(JSON.parse(ls[K]!), DEFAULT_CHAIN_MAPPING, C).replace(C.keyId, A.keyId))),
    want: { verdict: 'failed', chain: `prev_hash_mismatch@${K + 1}`, sig: `invalid_signature@${K}` },
  },
  { name: 'unknown key', lines: () => buildRotatedChain(C, K), want: { verdict: 'failed', chain: null, sig: `unknown_key@${K}` } },
  { name: 'revoked key', lines: () => chain, trust: [emitterA({ revoked_at: iso(K), revocation_reason: 'compromised' })], want: { verdict: 'failed', chain: null, sig: `key_revoked@${K}` } },
  { name: 'expired key', lines: () => chain, trust: [emitterA({ valid_until: iso(K - 1) })], want: { verdict: 'failed', chain: null, sig: `key_expired@${K}` } },
  {
    name: 'not-yet-valid key',
    lines: () => buildRotatedChain(B, K),
    trust: [emitterA(), emitterB({ valid_from: iso(K + 10) })],
    want: { verdict: 'failed', chain: null, sig: `key_not_yet_valid@${K}` },
  },
  {
    name: 'bad signature on a revoked key is invalid_signature (signature first)',
    lines: () => tampered((ls) => (ls[K] = ls[K]!.replace(`"n":${K}`, `"n":${K + 2}`))),
    trust: [emitterA({ revoked_at: iso(K) })],
    want: { verdict: 'failed', chain: `prev_hash_mismatch@${K + 1}`, sig: `invalid_signature@${K}` },
  },
  { name: 'a rotation with both windows in the store verifies', lines: () => buildRotatedChain(B, K), trust: [emitterA({ valid_until: iso(K) }), emitterB({ valid_from: iso(K) })], want: { verdict: 'verified', chain: null, sig: null } },
];

for (const c of chainCases) {
  test(`chain: ${c.name}`, async () => {
    const r = await verifyLinesBothWays(c.lines(), DEFAULT_CHAIN_MAPPING, c.trust ?? chainTrust, { expectCount: c.expectCount });
    assert.deepEqual(summary(r), c.want);
  });
}

test('chain: revoked key counts every record after the revocation; ids are reported', async () => {
  // Long enough that the findings after the revocation pass the cap of 1,000.
  const long = buildChain(K + 1_100);
  const r = await verifyLinesBothWays(long, DEFAULT_CHAIN_MAPPING, [emitterA({ revoked_at: iso(K) })]);
  assert.equal(r.counts['SIGNATURE_BREACH:key_revoked'], 1_100);
  assert.equal(r.findings[0]!.id, `evt-${K}`);
  assert.equal(r.findings[0]!.severity, 'high');
  assert.equal(r.findings.length, 1000, 'findings are capped, counts are not');
  assert.equal(r.findingsTruncated, true);
});

test('chain: strict mode quarantines the exact bytes with reasons; non-strict admits and counts', async () => {
  const dir = tempDir();
  const input = join(dir, 'chain.jsonl');
  const ls = tampered((l) => {
    l[K] = l[K]!.replace(`"n":${K}`, `"n":${K + 1}`);
    l[K + 100] = l[K + 100]!.replace('"n":', '"n": ');
  });
  // Keep the exact input bytes, including a last line without a newline.
  writeFileSync(input, ls.join('\n'));
  const keys = createKeyLookup(chainTrust);
  const q = join(dir, 'quarantine.jsonl');
  const strict = await verifyFile(input, { mapping: DEFAULT_CHAIN_MAPPING, keys, strict: true, quarantine: q });
  // With the lane forced on, the quarantine holds the same bytes and reasons in the same order.
  const q2 = join(dir, 'quarantine-lane.jsonl');
  const twoLanes = await verifyFile(input, { mapping: DEFAULT_CHAIN_MAPPING, keys, strict: true, quarantine: q2, lane: 'always' });
  assert.deepEqual(twoLanes, strict);
  assert.deepEqual(readFileSync(q2), readFileSync(q));
  assert.equal(readFileSync(`${q2}.reasons.jsonl`, 'utf8'), readFileSync(`${q}.reasons.jsonl`, 'utf8'));
  assert.equal(strict.rejected, 4);
  assert.equal(strict.admitted, N - 4);
  const raw = readFileSync(input);
  const lineBytes = (i: number) => raw.subarray(raw.indexOf(ls[i]!), raw.indexOf(ls[i]!) + Buffer.byteLength(ls[i]!) + 1);
  assert.deepEqual(readFileSync(q), Buffer.concat([K, K + 1, K + 100, K + 101].map(lineBytes)));
  const reasons = readFileSync(`${q}.reasons.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(reasons.map((r) => [r.index, r.reasons]), [
    [K, ['SIGNATURE_BREACH:invalid_signature']],
    [K + 1, ['HASH_CHAIN_BREACH:prev_hash_mismatch']],
    [K + 100, ['MALFORMED_RECORD:not_canonical']],
    [K + 101, ['HASH_CHAIN_BREACH:prev_hash_mismatch']],
  ]);
  const loose = await verifyFile(input, { mapping: DEFAULT_CHAIN_MAPPING, keys });
  assert.equal(loose.admitted, N);
  assert.equal(loose.rejected, 0);
  assert.deepEqual(loose.counts, { 'SIGNATURE_BREACH:invalid_signature': 1, 'HASH_CHAIN_BREACH:prev_hash_mismatch': 2, 'MALFORMED_RECORD:not_canonical': 1 });
});

// ---- a signed transcript ----------------------------------------------------------------------

const op = (s: Signer, extra: Partial<TrustKey> = {}) => trustEntry(s, 'alice@example.com', ['operator'], extra);

function buildTranscript(signerAt: (seq: number) => Signer = () => A): string[] {
  const out: string[] = [];
  let prev = '0'.repeat(64);
  const add = (fields: Record<string, unknown>) => {
    const seq = out.length;
    const line = encodeRecord({ ...fields, seq, prev, time: iso(seq) }, TRANSCRIPT_MAPPING, signerAt(seq));
    out.push(line);
    prev = sha(line);
  };
  add({ type: 'run_start', runbook: { id: 'demo', sha256: 'ab'.repeat(32) }, operator: 'alice@example.com', inputs: {} });
  for (let i = 0; i < 20; i++) {
    add({ type: 'step_start', step: `s${i}` });
    add({ type: 'step_end', step: `s${i}`, exit: 0 });
  }
  add({ type: 'run_end', summary: { status: 'succeeded' } });
  add({ type: 'head', count: out.length, head: prev });
  return out;
}

test('transcript: the test builder and the real writer produce the same bytes', () => {
  const w = createTranscriptChain({ signer: A });
  const built = buildTranscript();
  const first = JSON.parse(built[0]!);
  delete first.seq, delete first.prev, delete first.time, delete first.kid, delete first.sig;
  assert.equal(w.next(first, iso(0)), built[0]);
});

const transcript = buildTranscript();
const TK = 10;
const tt = (f: (ls: string[]) => void) => {
  const ls = transcript.slice();
  f(ls);
  return ls;
};

const transcriptCases: { name: string; lines: () => string[]; trust?: TrustKey[]; want: ReturnType<typeof summary> }[] = [
  { name: 'intact', lines: () => transcript, want: { verdict: 'verified', chain: null, sig: null } },
  { name: 'modify', lines: () => tt((ls) => (ls[TK] = ls[TK]!.replace('"exit":0', '"exit":1'))), want: { verdict: 'failed', chain: `prev_hash_mismatch@${TK + 1}`, sig: `invalid_signature@${TK}` } },
  {
    name: 'insert',
    lines: () => tt((ls) => ls.splice(TK, 0, encodeRecord({ type: 'note', seq: TK, prev: sha(ls[TK - 1]!), time: iso(TK) }, TRANSCRIPT_MAPPING, C))),
    want: { verdict: 'failed', chain: `prev_hash_mismatch@${TK + 1}`, sig: `unknown_key@${TK}` },
  },
  { name: 'delete', lines: () => tt((ls) => ls.splice(TK, 1)), want: { verdict: 'failed', chain: `prev_hash_mismatch@${TK}`, sig: null } },
  { name: 'reorder', lines: () => tt((ls) => ([ls[TK], ls[TK + 1]] = [ls[TK + 1]!, ls[TK]!])), want: { verdict: 'failed', chain: `prev_hash_mismatch@${TK}`, sig: null } },
  { name: 'truncate the tail (head gone)', lines: () => transcript.slice(0, TK), want: { verdict: 'unterminated', chain: null, sig: null } },
  { name: 'truncate before the head, keeping it', lines: () => [...transcript.slice(0, TK), transcript.at(-1)!], want: { verdict: 'failed', chain: `prev_hash_mismatch@${TK}`, sig: null } },
  {
    name: 'swap signature',
    lines: () => tt((ls) => (ls[TK] = ls[TK]!.replace(/"sig":"[^"]+"/, `"sig":"${JSON.parse(ls[TK + 1]!).sig}"`))),
    want: { verdict: 'failed', chain: `prev_hash_mismatch@${TK + 1}`, sig: `invalid_signature@${TK}` },
  },
  {
    name: 'wrong key',
    lines: () => tt((ls) => (ls[TK] = encodeRecord(JSON.parse(ls[TK]!), TRANSCRIPT_MAPPING, C).replace(C.keyId, A.keyId))),
    want: { verdict: 'failed', chain: `prev_hash_mismatch@${TK + 1}`, sig: `invalid_signature@${TK}` },
  },
  { name: 'revoked key', lines: () => transcript, trust: [op(A, { revoked_at: iso(TK) })], want: { verdict: 'failed', chain: null, sig: `key_revoked@${TK}` } },
  { name: 'expired key', lines: () => transcript, trust: [op(A, { valid_until: iso(TK - 1) })], want: { verdict: 'failed', chain: null, sig: `key_expired@${TK}` } },
  { name: 'not-yet-valid key', lines: () => buildTranscript((s) => (s < TK ? A : B)), trust: [op(A), op(B, { version: 2, valid_from: iso(TK + 5) })], want: { verdict: 'failed', chain: null, sig: `key_not_yet_valid@${TK}` } },
  { name: 'key without the operator role', lines: () => transcript, trust: [trustEntry(A, 'alice@example.com', ['approver'])], want: { verdict: 'failed', chain: null, sig: 'wrong_role@0' } },
  { name: 'record after the head', lines: () => [...transcript, transcript[1]!], want: { verdict: 'failed', chain: `prev_hash_mismatch@${transcript.length}`, sig: null } },
];

for (const c of transcriptCases) {
  test(`transcript: ${c.name}`, async () => {
    assert.deepEqual(summary(await verifyLinesBothWays(c.lines(), TRANSCRIPT_MAPPING, c.trust ?? [op(A)])), c.want);
  });
}

test('transcript: a chain signature cannot pass as a transcript record (payload types differ)', () => {
  const asChain = encodeRecord({ type: 'run_start', seq: 0, prev: '0'.repeat(64), time: iso(0) }, { ...TRANSCRIPT_MAPPING, payloadType: DEFAULT_CHAIN_MAPPING.payloadType }, A);
  assert.equal(summary(verifyLines([asChain], TRANSCRIPT_MAPPING, [op(A)])).sig, 'invalid_signature@0');
});
