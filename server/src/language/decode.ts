// Bytes to text for runbooks: strict UTF-8 with the location of the first invalid byte.
import type { Problem } from './problems';
import { problem } from './problems';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const lenient = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

/** Index of the first byte that is not part of a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let n = 0;
    let min = 0;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      n = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      n = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 3;
      min = 0x10000;
    } else return i;
    let cp = b & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}

/**
 * Decodes a runbook file. Invalid UTF-8 is reported at the text offset where the first bad
 * byte lands (decoded as U+FFFD) so the rest of the file can still be checked.
 */
export function decodeRunbook(bytes: Uint8Array): { text: string; problems: Problem[] } {
  try {
    return { text: strict.decode(bytes), problems: [] };
  } catch {
    const bad = firstInvalidUtf8(bytes);
    const before = bad >= 0 ? lenient.decode(bytes.subarray(0, bad)) : '';
    const text = lenient.decode(bytes);
    const at = before.length;
    const hex = bad >= 0 ? bytes[bad]!.toString(16).padStart(2, '0') : '??';
    return {
      text,
      problems: [problem('invalid-utf8', 'error', `invalid UTF-8 (byte 0x${hex} at byte offset ${bad}); runbooks must be UTF-8 text`, { start: at, end: at + 1 })],
    };
  }
}
