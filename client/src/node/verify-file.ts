// Verifies a transcript or audit-chain file (its time-stamp token checked first), and time-stamps closed transcripts.
// The verification itself is chain-file.ts; this adds the time-stamp token and stamping.
import { closeSync, existsSync, fstatSync, fsyncSync, openSync, readFileSync, readSync, writeSync, constants } from 'node:fs';
import type { VerificationReport } from '../signing/verifier';
import type { TimestampCheck } from '../signing/trust-index';
import { checkTimestamp, requestTimestamp } from './tsa';
import { nativeCrypto } from './native-crypto';
import { verifyChainFile, type VerifyFileOptions } from './chain-file';

export type { VerifyFileOptions } from './chain-file';

/** The sidecar time-stamp token of a transcript. */
export const timestampPath = (path: string) => `${path}.tsr`;

/** The last line of a file (without its newline), read from the end: the head of a transcript. */
export function lastLine(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    let want = Math.min(size, 64 * 1024);
    for (;;) {
      const buf = Buffer.alloc(want);
      readSync(fd, buf, 0, want, size - want);
      const end = buf[buf.length - 1] === 0x0a ? buf.length - 1 : buf.length;
      const nl = buf.lastIndexOf(0x0a, end - 1);
      if (nl >= 0 || want === size) return new Uint8Array(buf.subarray(nl + 1, end));
      want = Math.min(size, want * 4);
    }
  } finally {
    closeSync(fd);
  }
}

/** The checked time-stamp token beside a transcript (`<file>.tsr`), when its mapping has a head and one is there. */
export async function fileAttestation(path: string, options: Pick<VerifyFileOptions, 'mapping' | 'tsa'>): Promise<TimestampCheck | undefined> {
  if (!options.mapping.head || !existsSync(timestampPath(path))) return undefined;
  return checkTimestamp(new Uint8Array(readFileSync(timestampPath(path))), lastLine(path), options.tsa ?? []);
}

export async function verifyFile(path: string, options: VerifyFileOptions): Promise<VerificationReport> {
  return verifyChainFile(path, options, await fileAttestation(path, options));
}

/**
 * Time-stamps a closed transcript: an RFC 3161 token over SHA-256 of its last line (the signed
 * head) from the authority at `tsa`, written beside it as `<file>.tsr` (never overwritten).
 */
export async function stampTranscript(path: string, tsa: string): Promise<string> {
  const head = lastLine(path);
  let type: unknown;
  try {
    type = (JSON.parse(Buffer.from(head).toString('utf8')) as { type?: unknown }).type;
  } catch {
    type = undefined;
  }
  if (type !== 'head') throw new Error(`${path} is not closed by a head record: only a closed run is time-stamped`);
  const token = await requestTimestamp(tsa, nativeCrypto.sha256(head));
  const out = timestampPath(path);
  const fd = openSync(out, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  try {
    writeSync(fd, token);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return out;
}
