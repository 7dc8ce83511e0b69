// The signed bytes cut from a canonical record equal PAE over the re-serialised record without its signature.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { signedMessage } from '../../client/src/signing/signed-body';
import { canonicalCheck, canonicalize, type MemberSpan } from '../../client/src/signing/jcs';
import { pae, paePrefix, PAYLOAD_TYPES } from '../../client/src/signing/envelope';
import { utf8 } from '../../client/src/signing/bytes';

const type = PAYLOAD_TYPES.auditEvent;

function expected(obj: Record<string, unknown>, field: string): Uint8Array {
  const rest = { ...obj };
  delete rest[field];
  return pae(type, utf8(canonicalize(rest)));
}

function check(obj: Record<string, unknown>, field = 'sig'): void {
  const text = canonicalize(obj);
  const got = signedMessage(paePrefix(type), utf8(text), text, obj, field);
  assert.deepEqual(Buffer.from(got), Buffer.from(expected(obj, field)), text);
  const raw = signedMessage(null, utf8(text), text, obj, field);
  const rest = { ...obj };
  delete rest[field];
  assert.equal(Buffer.from(raw).toString('utf8'), canonicalize(rest));
  // As the verifier calls it: the member's place from the canonical check (when its fast path found it), memory from a block.
  const parsed = JSON.parse(text) as Record<string, unknown>;
  const span: MemberSpan = { key: field, start: -1, end: -1 };
  assert.ok(canonicalCheck(parsed, text, span), text);
  const block = new ArrayBuffer(1 << 16);
  const viaSpan = signedMessage(paePrefix(type), utf8(text), text, parsed, field, (n) => new Uint8Array(block, 7, n), span);
  assert.deepEqual(Buffer.from(viaSpan), Buffer.from(expected(obj, field)), `${text} (span ${span.start})`);
}

test('edge cases: first, middle, last and only member; non-ASCII; the same member nested; look-alike keys', () => {
  check({ sig: 'AAA' });
  check({ sig: 'AAA', z: 1 });
  check({ a: 1, sig: 'AAA' });
  check({ a: 'é', sig: 'AAA', z: '😂' });
  check({ a: { sig: 'AAA' }, sig: 'AAA' });
  check({ a: 'x","sig":"AAA', sig: 'AAA' });
  check({ 'a"sig': 'AAA', sig: 'AAA' });
  check({ a: [{ b: { sig: 'AAA' } }], sig: 'AAA', t: 'ü' });
  check({ a: 1, sig: 42 });
  check({ a: 1 });
});

test('property: for any record, the cut equals the re-serialisation', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })), fc.string(), (rest, sig) => {
      check({ ...(rest as Record<string, unknown>), sig });
    }),
    { numRuns: 500 },
  );
});
