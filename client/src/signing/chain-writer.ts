// Produces hash-chained, signed JSON Lines for any chain mapping (transcripts, audit-chain exports).
import { toBase64, toBase64url, toHex, utf8 } from './bytes';
import { canonicalMembers, type Json } from './jcs';
import { pae } from './envelope';
import { nobleCrypto, type CryptoProvider } from './crypto';
import type { ChainMapping, Encoding } from './chain-mapping';
import type { Signer } from './keys';

export interface ChainWriter {
  /** Encodes the next record (no trailing newline): adds prev, seq, kid and sig per the mapping. */
  next(fields: Record<string, Json | undefined>): string;
  readonly count: number;
  /** Hash of the last record in the mapping's encoding (the genesis value, or null, before any). */
  readonly lastHash: string | null;
}

export function encodeBytes(bytes: Uint8Array, enc: Encoding): string {
  return enc === 'hex' ? toHex(bytes) : enc === 'base64url' ? toBase64url(bytes) : toBase64(bytes);
}

/**
 * The canonical line for a record, signed when a signer is given: kid is set per the mapping and
 * the signature covers the canonical record without the signature field, under the mapping's
 * payload type. Existing kid/sig fields are replaced.
 */
export function encodeRecord(fields: Record<string, unknown>, m: ChainMapping, signer?: Signer): string {
  const record: Record<string, unknown> = { ...fields };
  delete record[m.sig];
  if (signer && m.kid) record[m.kid] = signer.keyId;
  const line = `{${canonicalMembers(record).join(',')}}`;
  if (!signer) return line;
  const body = utf8(line);
  const sig = signer.sign(m.payloadType === null ? body : pae(m.payloadType, body));
  return `{${canonicalMembers({ ...record, [m.sig]: encodeBytes(sig, m.signatureEncoding) }).join(',')}}`;
}

export function createChainWriter(options: { mapping: ChainMapping; signer?: Signer; crypto?: CryptoProvider }): ChainWriter {
  const { mapping: m, signer } = options;
  const crypto = options.crypto ?? nobleCrypto;
  let count = 0;
  let lastHash: string | null = m.genesis ?? null;
  return {
    next(fields) {
      const record: Record<string, unknown> = { ...fields, [m.prev]: lastHash };
      if (m.seq) record[m.seq] = count;
      const line = encodeRecord(record, m, signer);
      lastHash = encodeBytes(crypto.sha256(utf8(line)), m.hashEncoding);
      count++;
      return line;
    },
    get count() {
      return count;
    },
    get lastHash() {
      return lastHash;
    },
  };
}
