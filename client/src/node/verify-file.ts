// Verifies a transcript or audit-chain file in streaming fashion, writing a quarantine in strict mode.
import { closeSync, fsyncSync, openSync, writeSync, constants } from 'node:fs';
import { createVerifier, type Finding, type VerificationReport } from '../signing/verifier';
import type { ChainMapping } from '../signing/chain-mapping';
import type { KeyLookup } from '../signing/trust-index';
import { readLines } from './line-reader';
import { nativeCrypto } from './native-crypto';
import { toHex } from '../signing/bytes';

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
}

export async function verifyFile(path: string, options: VerifyFileOptions): Promise<VerificationReport> {
  let qfd: number | undefined;
  let rfd: number | undefined;
  let offset = 0;
  if (options.strict && options.quarantine) {
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_APPEND;
    qfd = openSync(options.quarantine, flags, 0o600);
    rfd = openSync(`${options.quarantine}.reasons.jsonl`, flags, 0o600);
  }
  const writeAll = (fd: number, buf: Uint8Array): void => {
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
  };
  const verifier = createVerifier({
    mapping: options.mapping,
    keys: options.keys,
    crypto: nativeCrypto,
    strict: options.strict,
    maxFindings: options.maxFindings,
    expectCount: options.expectCount,
    expectHead: options.expectHead,
    onReject:
      qfd === undefined
        ? undefined
        : (bytes: Uint8Array, terminated: boolean, findings: Finding[], index: number) => {
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
    for await (const line of readLines(path)) verifier.push(line.bytes, line.terminated);
    // finish() flushes the last batch, which may still quarantine records: before the files close.
    return verifier.finish();
  } finally {
    for (const fd of [qfd, rfd]) {
      if (fd !== undefined) {
        fsyncSync(fd);
        closeSync(fd);
      }
    }
  }
}
