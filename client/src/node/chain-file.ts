// Streams a transcript or audit-chain file through the verifier, writing a quarantine in strict mode.
//
// The time-stamp token, if any, is checked by the caller (verify-file.ts) and passed in as
// `attested`: this file imports no ASN.1 code, so the worker thread that runs it (verify-worker.ts)
// loads only what verification needs.
import { closeSync, fsyncSync, openSync, writeSync, constants } from 'node:fs';
import type { TimestampCheck } from '../signing/trust-index';
import { createVerifier, type Finding, type VerificationReport } from '../signing/verifier';
import type { ChainMapping } from '../signing/chain-mapping';
import type { KeyLookup } from '../signing/trust-index';
import { DEFAULT_MAX_RECORD_BYTES, readLineBatches } from './line-reader';
import { nativeCrypto } from './native-crypto';
import { toHex } from '../signing/bytes';
import type { TsaEntry } from '../signing/trust-store';
import { createSignatureLane, type LaneMode } from './signature-lane';

export interface VerifyFileOptions {
  mapping: ChainMapping;
  keys: KeyLookup;
  strict?: boolean;
  /**
   * Strict mode: rejected records' exact bytes are appended here (each with its original line
   * terminator), and one JSON line per record (index, id, reasons, byte offset, length, sha256)
   * goes to `<quarantine>.reasons.jsonl`. Both files are created exclusively.
   */
  quarantine?: string;
  expectCount?: number;
  expectHead?: string;
  maxFindings?: number;
  /**
   * Trusted time-stamping authorities. A transcript with `<file>.tsr` beside it (an RFC 3161 token
   * over SHA-256 of its last line, the head) is judged at the authority's time.
   */
  tsa?: TsaEntry[];
  /** Longer records are MALFORMED_RECORD record_too_large, hashed but never held (default 16 MiB). */
  maxRecordBytes?: number;
  /** The second core for signatures (signature-lane.ts); default from RUNSAFE_VERIFY_LANE, else `auto`. */
  lane?: LaneMode;
}

/** Verifies the file at `path`; `attested` is the checked time-stamp token over its last line, if any. */
export async function verifyChainFile(path: string, options: VerifyFileOptions, attested?: TimestampCheck): Promise<VerificationReport> {
  let qfd: number | undefined;
  let rfd: number | undefined;
  let offset = 0;
  if (options.strict && options.quarantine) {
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_APPEND;
    qfd = openSync(options.quarantine, flags, 0o600);
    rfd = openSync(`${options.quarantine}.reasons.jsonl`, flags, 0o600);
  }
  // Oversized records (never held) by index: their quarantine entry names the source bytes instead.
  const skipped = new Map<number, { length: number; offset: number; sha256: string }>();
  let sourceOffset = 0;
  const writeAll = (fd: number, buf: Uint8Array): void => {
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
  };
  const lane = createSignatureLane(options.lane);
  const verifier = createVerifier({
    lane,
    mapping: options.mapping,
    keys: options.keys,
    crypto: nativeCrypto,
    strict: options.strict,
    maxFindings: options.maxFindings,
    expectCount: options.expectCount,
    expectHead: options.expectHead,
    attested,
    onReject:
      qfd === undefined
        ? undefined
        : (bytes: Uint8Array, terminated: boolean, findings: Finding[], index: number) => {
            const big = skipped.get(index);
            if (big) {
              // Its bytes were never read into memory: the reasons line locates them in the source instead.
              skipped.delete(index);
              const meta = { index, line: index + 1, id: null, reasons: findings.map((f) => `${f.kind}:${f.reason}`), offset: null, length: 0, source_offset: big.offset, source_length: big.length, sha256: big.sha256 };
              writeAll(rfd!, Buffer.from(`${JSON.stringify(meta)}\n`));
              return;
            }
            const whole = terminated ? Buffer.concat([bytes, Buffer.from('\n')]) : Buffer.from(bytes);
            writeAll(qfd!, whole);
            const meta = {
              index,
              line: index + 1,
              id: findings[0]?.id ?? null,
              reasons: findings.map((f) => `${f.kind}:${f.reason}`),
              offset,
              length: whole.length,
              sha256: toHex(nativeCrypto.sha256(bytes)),
            };
            writeAll(rfd!, Buffer.from(`${JSON.stringify(meta)}\n`));
            offset += whole.length;
          },
  });
  try {
    await lane?.started();
    const limit = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    let index = 0;
    // 64 KiB reads: with 1 MiB ones the chunks waiting for a scavenge alone added ~15 MiB of peak RSS.
    for await (const lines of readLineBatches(path, 1 << 16, limit)) {
      for (const line of lines) {
        if (line.oversized) {
          if (qfd !== undefined) skipped.set(index, { length: line.oversized.length, offset: sourceOffset, sha256: toHex(line.oversized.sha256) });
          verifier.pushOversized(line.oversized.length, line.oversized.sha256, line.terminated, limit);
          sourceOffset += line.oversized.length + (line.terminated ? 1 : 0);
        } else {
          verifier.push(line.bytes, line.terminated);
          sourceOffset += line.bytes.length + (line.terminated ? 1 : 0);
        }
        index++;
        const wait = verifier.ready();
        if (wait) await wait;
      }
    }
    // The last batches may still quarantine records: before the files close.
    await verifier.drain();
    return verifier.finish();
  } finally {
    lane?.close();
    for (const fd of [qfd, rfd]) {
      if (fd !== undefined) {
        fsyncSync(fd);
        closeSync(fd);
      }
    }
  }
}
