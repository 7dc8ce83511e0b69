// LineIndex: line starts for every mix of \n, \r\n and lone \r (the fast path for text without \r
// and the general loop must both equal a plain reference), and the conversions built on them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LineIndex } from '../../server/src/language/positions';

/** Line starts by the definition: after each \r\n, \n or lone \r. */
function referenceStarts(text: string): number[] {
  const starts = [0];
  for (const m of text.matchAll(/\r\n|\r|\n/g)) starts.push(m.index! + m[0].length);
  return starts;
}

const texts = fc.array(fc.constantFrom('a', 'é', '😀', ' ', '\n', '\n', '\r\n', '\r'), { maxLength: 200 }).map((parts) => parts.join(''));

test('line starts and positions equal the definition, with and without carriage returns', () => {
  fc.assert(
    fc.property(texts, (text) => {
      const lines = new LineIndex(text);
      const starts = referenceStarts(text);
      assert.deepEqual(Array.from({ length: lines.lineCount }, (_, l) => lines.lineStart(l)), starts);
      for (let o = 0; o <= text.length; o++) {
        const line = starts.findLastIndex((s) => s <= o);
        assert.deepEqual(lines.positionAt(o), { line, character: o - starts[line]! });
      }
    }),
    { numRuns: 500 },
  );
});
