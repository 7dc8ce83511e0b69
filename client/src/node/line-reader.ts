// Streams a file as lines of exact bytes (without the "\n"), in flat memory whatever its size.
import { createReadStream } from 'node:fs';

export interface Line {
  bytes: Uint8Array;
  /** False only for a final line with no newline after it. */
  terminated: boolean;
}

/** Yields every line; a trailing "\n" ends the last line rather than starting an empty one. */
export async function* readLines(path: string, chunkSize = 1 << 20): AsyncGenerator<Line> {
  let carry: Buffer | null = null;
  for await (const chunk of createReadStream(path, { highWaterMark: chunkSize }) as AsyncIterable<Buffer>) {
    let start = 0;
    let nl = chunk.indexOf(0x0a, start);
    while (nl !== -1) {
      const piece = chunk.subarray(start, nl);
      // Copy: the stream may reuse chunk memory, and callers may keep the bytes (quarantine).
      const bytes: Buffer = carry ? Buffer.concat([carry, piece]) : Buffer.from(piece);
      carry = null;
      yield { bytes, terminated: true };
      start = nl + 1;
      nl = chunk.indexOf(0x0a, start);
    }
    if (start < chunk.length) carry = carry ? Buffer.concat([carry, chunk.subarray(start)]) : Buffer.from(chunk.subarray(start));
  }
  if (carry && carry.length > 0) yield { bytes: carry, terminated: false };
}
