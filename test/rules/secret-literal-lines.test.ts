// secret-literal scans editors' text line by line (each line's matches kept for the next lint):
// that must find exactly what one scan of the whole text finds, on the shipped runbooks, the rule
// fixtures and random edits of them that put secrets, look-around characters and line breaks
// next to each other.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LineIndex } from '../../server/src/language/positions';
import { secretLiteral, wholeTextFindings } from '../../server/src/rules/catalogue/secret-literal';
import type { RuleContext } from '../../server/src/rules/context';
import { corpusTexts } from '../language/runbook-corpus';

const texts = [...corpusTexts.values()];

/** The rule as the engine runs it: only the text and its lines matter to it. */
const byLines = (text: string) => secretLiteral.check({ text, lines: new LineIndex(text) } as RuleContext);

const pieces = [
  '\n', ' ', '=', ':', '"', "'", '-', '/', '+', '_',
  'PGPASSWORD=s3cretvalue', 'password: hunter22', 'password:\n  hunter22', 'mysql -u root\n-pS3cret', 'Authorization: Bearer\n abcdefgh12345678',
  'AKIAABCDEFGHIJKLMNOP', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'postgres://app:pa55word@db',
  'Zx8yQ2vK9mN4pL7rT1wS6uE3hJ5gF0dC8bA2nM4kLq9', '0123456789abcdefABCDEF0123456789abcdef0123456789abcdefABCDEF0123', 'sha256: ',
];

test('secret-literal line by line equals one scan of the whole text', () => {
  assert.ok(texts.length > 20);
  let found = 0;
  for (const t of texts) {
    const a = byLines(t);
    assert.deepStrictEqual(a, wholeTextFindings(t));
    found += a.length;
  }
  assert.ok(found > 10, `the corpus holds secret literals (${found})`);
  fc.assert(
    fc.property(fc.constantFrom(...texts), fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), text: fc.constantFrom(...pieces) }), { minLength: 1, maxLength: 12 }), (base, edits) => {
      let t = base;
      for (const e of edits) {
        const pos = Math.floor(e.at * t.length);
        t = t.slice(0, pos) + e.text + t.slice(pos);
      }
      assert.deepStrictEqual(byLines(t), wholeTextFindings(t));
    }),
    { numRuns: Number(process.env.RUNS ?? 300) },
  );
});
