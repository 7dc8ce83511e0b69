// Transcript records: JSON Lines, each canonical, hash-chained to the previous line and signed.
//
// A record is one RFC 8785 line:
//   {"kid":…,"prev":<hex SHA-256 of the previous line>,"seq":n,"sig":…,"time":…,"type":…,…event fields}
// The first record's prev is 64 zeros. `sig` is Ed25519 over
//   PAE("application/vnd.runsafe.transcript-record+json", canonical bytes of the record without "sig")
// and `kid` names the key. A run ends with a `head` record carrying the count of records before
// it and the hash of the last one, so a truncated tail is detected.
import { toBase64url, toHex, utf8 } from './bytes';
import { canonicalMembers, type Json } from './jcs';
import { pae, PAYLOAD_TYPES } from './envelope';
import type { CryptoProvider } from './crypto';
import { nobleCrypto } from './crypto';
import type { Signer } from './keys';

export const TRANSCRIPT_FORMAT = 'runsafe-transcript/1';
export const GENESIS_HASH = '0'.repeat(64);

/** Field names the chain owns; events may not use them. */
export const RESERVED_FIELDS = ['seq', 'prev', 'time', 'kid', 'sig'] as const;

/** Record types the runner writes. Other types are allowed; these are the ones summaries read. */
export type TranscriptEventType = 'run_start' | 'input' | 'step_start' | 'step_end' | 'check' | 'note' | 'run_end' | 'head';

export interface TranscriptEvent {
  type: string;
  [field: string]: Json | undefined;
}

/** Pure state machine that turns events into signed, chained lines; the caller writes them. */
export interface TranscriptChain {
  /** Encodes the next record (without the trailing newline) and advances the chain. */
  next(event: TranscriptEvent, time: string): string;
  /** The closing head record: count of records so far and the hash of the last one. */
  head(time: string): string;
  readonly seq: number;
  readonly lastHash: string;
}

export function createTranscriptChain(options: { signer?: Signer; crypto?: CryptoProvider } = {}): TranscriptChain {
  const crypto = options.crypto ?? nobleCrypto;
  const signer = options.signer;
  let seq = 0;
  let lastHash = GENESIS_HASH;

  function encode(fields: Record<string, Json | undefined>): string {
    const record: Record<string, unknown> = { ...fields, seq, prev: lastHash };
    if (signer) record['kid'] = signer.keyId;
    const members = canonicalMembers(record);
    let line = `{${members.join(',')}}`;
    if (signer) {
      const sig = toBase64url(signer.sign(pae(PAYLOAD_TYPES.transcriptRecord, utf8(line))));
      line = `{${canonicalMembers({ ...record, sig }).join(',')}}`;
    }
    lastHash = toHex(crypto.sha256(utf8(line)));
    seq += 1;
    return line;
  }

  return {
    next(event, time) {
      if (typeof event?.type !== 'string' || event.type === '') throw new Error('a transcript event needs a non-empty string "type"');
      if (event.type === 'head') throw new Error('"head" is written by close(), not appended');
      for (const f of RESERVED_FIELDS) if (f in event) throw new Error(`transcript event field "${f}" is reserved for the chain`);
      return encode({ ...event, time });
    },
    head(time) {
      return encode({ type: 'head', count: seq, head: lastHash, time });
    },
    get seq() {
      return seq;
    },
    get lastHash() {
      return lastHash;
    },
  };
}
