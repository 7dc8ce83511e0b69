// The streaming line reader `runsafe verify` reads chains with: exact bytes per line, the last line's
// missing newline, and lines over the limit reported by length and SHA-256 without being held, for
// any split of the file into reads (readLines and its per-read batches, readLineBatches, alike).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { readLineBatches, readLines, type Line } from '../../client/src/node/line-reader';

const dir = mkdtempSync(join(tmpdir(), 'runsafe-lines-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** What the reader must give for `bytes`, by definition. */
function expected(bytes: Buffer, limit: number) {
  const parts: Buffer[] = [];
  let start = 0;
  for (let nl = bytes.indexOf(10); nl >= 0; nl = bytes.indexOf(10, start)) {
    parts.push(bytes.subarray(start, nl));
    start = nl + 1;
  }
  const out = parts.map((b) => ({ b, terminated: true }));
  if (start < bytes.length) out.push({ b: bytes.subarray(start), terminated: false });
  return out.map(({ b, terminated }) => (b.length > limit ? { oversized: [b.length, createHash('sha256').update(b).digest('hex')], terminated } : { bytes: b.toString('hex'), terminated }));
}

const shape = (l: Line) => (l.oversized ? { oversized: [l.oversized.length, Buffer.from(l.oversized.sha256).toString('hex')], terminated: l.terminated } : { bytes: Buffer.from(l.bytes).toString('hex'), terminated: l.terminated });

test('lines, batches and oversized lines equal the definition for every read size', async () => {
  let n = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.constantFrom('a', 'é', '\n', '\n', '{"x":1}', 'zzzzzzzzzzzz'), { maxLength: 80 }),
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 1, max: 30 }),
      async (parts, chunk, limit) => {
        const bytes = Buffer.from(parts.join(''));
        const file = join(dir, `f${n++}`);
        writeFileSync(file, bytes);
        const want = expected(bytes, limit);
        const lines: Line[] = [];
        for await (const l of readLines(file, chunk, limit)) lines.push(l);
        assert.deepEqual(lines.map(shape), want);
        const batched: Line[] = [];
        for await (const batch of readLineBatches(file, chunk, limit)) {
          assert.ok(batch.length > 0, 'no empty batch');
          batched.push(...batch);
        }
        assert.deepEqual(batched.map(shape), want);
      },
    ),
    { numRuns: 300 },
  );
});
