// Verifies a run's transcript segments together (each file on its own, then the links between them), and finds a segment's predecessors on disk.
import { basename, dirname, join } from 'node:path';
import { TRANSCRIPT_MAPPING } from '../signing/chain-mapping';
import type { KeyLookup } from '../signing/trust-index';
import type { TsaEntry } from '../signing/trust-store';
import { resumesOf, verifyRun, type RunVerification, type Segment } from '../signing/segments';
import { readLines } from './line-reader';
import { verifyFile } from './verify-file';

type Rec = Record<string, unknown>;

/** The first record of a transcript file, when it parses. */
export async function firstRecord(path: string): Promise<Rec | undefined> {
  for await (const line of readLines(path)) {
    try {
      const v = JSON.parse(Buffer.from(line.bytes).toString('utf8')) as unknown;
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Verifies the segments in the order given: every file, and that each resumes the one before it. */
export async function verifySegments(files: string[], options: { keys: KeyLookup; tsa?: TsaEntry[] }): Promise<RunVerification> {
  const segments: Segment[] = [];
  for (const file of files) {
    const report = await verifyFile(file, { mapping: TRANSCRIPT_MAPPING, keys: options.keys, tsa: options.tsa });
    segments.push({ file, start: await firstRecord(file), report });
  }
  return verifyRun(segments);
}

/**
 * The files of a run up to and including `last`, first to last, found by following each
 * segment's `resumes.file` in the same folder (a segment names its predecessor by base name).
 */
export async function segmentFiles(last: string, max = 1000): Promise<string[]> {
  const files = [last];
  const seen = new Set([basename(last)]);
  let current = last;
  for (let i = 0; i < max; i++) {
    const link = resumesOf(await firstRecord(current));
    if (!link) return files;
    const name = basename(link.file);
    if (seen.has(name)) throw new Error(`${current}: its resumes link loops back to ${name}`);
    seen.add(name);
    current = join(dirname(current), name);
    files.unshift(current);
  }
  throw new Error(`${last}: more than ${max} segments`);
}

/** The records of the given transcript files in order, output records left out (memory stays small); unreadable lines are skipped (they are findings of the verifier). */
export async function readRecords(files: string[]): Promise<Rec[]> {
  const records: Rec[] = [];
  for (const file of files) {
    for await (const line of readLines(file)) {
      try {
        const r = JSON.parse(Buffer.from(line.bytes).toString('utf8')) as Rec;
        if (r && typeof r === 'object' && r['type'] !== 'output') records.push(r);
      } catch {
        // A torn or tampered line: the verifier reports it.
      }
    }
  }
  return records;
}
