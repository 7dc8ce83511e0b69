// RFC 8785: every shared vector canonicalises byte-exact, and non-canonical text is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalize, canonicalBytes, canonicalCheck, parseCanonical, parseCanonicalBytes, CanonicalJsonError } from '../../client/src/signing/jcs';
import { fromHex } from '../../client/src/signing/bytes';
import { JCS_CASES, vectorsDir } from './vectors';

test('all JCS vectors: canonical bytes equal output/ and outhex/', () => {
  assert.ok(JCS_CASES.length >= 6);
  for (const name of JCS_CASES) {
    const input = JSON.parse(readFileSync(join(vectorsDir, 'jcs/input', name), 'utf8'));
    const expected = readFileSync(join(vectorsDir, 'jcs/output', name));
    const hex = readFileSync(join(vectorsDir, 'jcs/outhex', name.replace(/\.json$/, '.txt')), 'utf8').replace(/\s+/g, '');
    assert.deepEqual(Buffer.from(canonicalBytes(input)), expected, name);
    assert.deepEqual(Buffer.from(canonicalBytes(input)), Buffer.from(fromHex(hex)), `${name} (outhex)`);
    // Canonicalise-or-reject: the canonical output parses, the pretty input does not.
    assert.doesNotThrow(() => parseCanonicalBytes(expected), name);
    assert.throws(() => parseCanonical(readFileSync(join(vectorsDir, 'jcs/input', name), 'utf8')), CanonicalJsonError, name);
  }
});

test('non-canonical forms are refused, never re-encoded', () => {
  for (const text of ['{"b":1,"a":2}', '{"a":1,"a":1}', '{"a": 1}', '{"a":1.0}', '{"a":"\\u0041"}', '[1e3]', '{"a":12345678901234567890}', ' {}', '{"a":"\\/"}']) {
    assert.throws(() => parseCanonical(text), CanonicalJsonError, text);
  }
  assert.throws(() => parseCanonicalBytes(Uint8Array.from([0x22, 0xff, 0x22])), /UTF-8/);
  assert.deepEqual(parseCanonical('{"a":[1,"x",null,true]}'), { a: [1, 'x', null, true] });
});

test('values JSON cannot carry are refused', () => {
  assert.throws(() => canonicalize(NaN), CanonicalJsonError);
  assert.throws(() => canonicalize(Infinity), CanonicalJsonError);
  assert.throws(() => canonicalize({ a: 'x\uD800' }), /lone UTF-16 surrogate/);
  assert.throws(() => canonicalize(() => 1), CanonicalJsonError);
  assert.equal(canonicalize(-0), '0');
  assert.equal(canonicalize({ b: undefined, a: 1 }), '{"a":1}');
});

test('canonicalCheck agrees with canonicalize (its fast path and its general one)', () => {
  const seeds = [
    '{"a":1,"b":[true,false,null,"x"],"c":{"d":-1.5,"e":"é😀"}}',
    '{"10":1,"9":2,"a":"b"}',
    '{"a":"x\\ny","b":"\\u001f"}',
    '{"a":1e+21,"b":1e-7,"c":0.1,"d":123456789012345680000}',
    '[0,-1,7,10,-10,99,100,909,1000000,-9007199254740991,9007199254740991,9007199254740992,1.5,-0.25,5e-324]',
    '[]',
    '{}',
    '"s"',
    '{"__proto__":1,"a":[{"b":[]}]}',
  ];
  const noncanonical = [
    '{"b":1,"a":2}', '{"a":1,"a":1}', '{"a":1,"b":2,"a":1}', '{"a": 1}', '{"a":1.0}', '{"a":-0}', '[-0]', '[1.0]', '[10.0]', '[1e1]', '[9007199254740993]', '{"a":1E2}', '{"a":"\\u0041"}', '{"a":"\\/"}', '[1e3]',
    '{"a":12345678901234567890}', ' {}', '{} ', '{"a":[1 ,2]}', '{"a":"\\ud800"}', '{"a":"\\uD83D\\uDE00"}', '{"a":"\\ud83d\\ude00"}', '{"a":"\ud800"}', '{"9":1,"10":2}', '{"a":"é","a":"é"}', '{"aa":1,"a":2}',
  ];
  const texts = [...seeds, ...noncanonical];
  // Every one-character deletion, duplication and swap of neighbours of the seeds that still parses.
  for (const s of seeds) {
    for (let i = 0; i < s.length; i++) {
      texts.push(s.slice(0, i) + s.slice(i + 1), s.slice(0, i + 1) + s.slice(i), s.slice(0, i) + (s[i + 1] ?? '') + s[i] + s.slice(i + 2));
    }
  }
  let canonical = 0;
  for (const text of texts) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      continue;
    }
    let expected: boolean;
    try {
      expected = canonicalize(value) === text;
    } catch {
      expected = false;
    }
    if (expected) canonical++;
    assert.equal(Boolean(canonicalCheck(value, text)), expected, text);
  }
  for (const text of seeds) assert.ok(canonicalCheck(JSON.parse(text), text), text);
  for (const text of noncanonical) assert.equal(canonicalCheck(JSON.parse(text), text), false, text);
  assert.ok(canonical > seeds.length);
});

test('canonicalCheck decides exactly as canonicalize on random JSON, in canonical and in native key order', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      const value: unknown = JSON.parse(JSON.stringify(v));
      const canonical = canonicalize(value);
      assert.ok(canonicalCheck(JSON.parse(canonical), canonical), canonical);
      // JSON.stringify keeps insertion order and escapes as JavaScript does: canonical only sometimes.
      const native = JSON.stringify(value);
      assert.equal(Boolean(canonicalCheck(JSON.parse(native), native)), canonicalize(JSON.parse(native)) === native, native);
    }),
    { numRuns: 2000 },
  );
});
