// Tells a runbook, a transcript and an audit chain apart from their name and first line.
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { TRANSCRIPT_FORMAT } from '../signing/transcript';

export type VerifyKind = 'runbook' | 'transcript' | 'chain';

function firstLine(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const nl = buf.subarray(0, n).indexOf(0x0a);
    return buf.subarray(0, nl === -1 ? n : nl).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** The kind of file to verify, and the file to read for it (a `.sig` path means its runbook). */
export function detectKind(path: string): { kind: VerifyKind; path: string } {
  if (path.endsWith('.sig')) return { kind: 'runbook', path: path.slice(0, -4) };
  if (/\.ya?ml$/i.test(path)) return { kind: 'runbook', path };
  const line = firstLine(path);
  try {
    const first = JSON.parse(line) as Record<string, unknown>;
    if (first && typeof first === 'object' && !Array.isArray(first)) {
      return { kind: first['type'] === 'run_start' && first['format'] === TRANSCRIPT_FORMAT ? 'transcript' : 'chain', path };
    }
  } catch {
    // Not JSON: a runbook in another extension, if it has an approval file.
  }
  if (existsSync(`${path}.sig`)) return { kind: 'runbook', path };
  throw new Error(`cannot tell what ${path} is (not a runbook with a .sig, nor JSON Lines); pass --kind`);
}
