// Transcript records: JSON Lines, each canonical, hash-chained to the previous line and signed.
//
// A record is one RFC 8785 line:
//   {"kid":…,"prev":<hex SHA-256 of the previous line>,"seq":n,"sig":…,"time":…,"type":…,…event fields}
// The first record's prev is 64 zeros. `sig` is Ed25519 over
//   PAE("application/vnd.runsafe.transcript-record+json", canonical bytes of the record without "sig")
// and `kid` names the key. A run ends with a `head` record carrying the count of records before
// it and the hash of the last one, so a truncated tail is detected.
import type { Json } from './jcs';
import type { CryptoProvider } from './crypto';
import type { Signer } from './keys';
import { createChainWriter } from './chain-writer';
import { TRANSCRIPT_MAPPING } from './chain-mapping';

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
  const writer = createChainWriter({ mapping: TRANSCRIPT_MAPPING, signer: options.signer, crypto: options.crypto });
  return {
    next(event, time) {
      if (typeof event?.type !== 'string' || event.type === '') throw new Error('a transcript event needs a non-empty string "type"');
      if (event.type === 'head') throw new Error('"head" is written by close(), not appended');
      for (const f of RESERVED_FIELDS) if (f in event) throw new Error(`transcript event field "${f}" is reserved for the chain`);
      return writer.next({ ...event, time });
    },
    head(time) {
      return writer.next({ type: 'head', count: writer.count, head: writer.lastHash, time });
    },
    get seq() {
      return writer.count;
    },
    get lastHash() {
      return writer.lastHash ?? GENESIS_HASH;
    },
  };
}
