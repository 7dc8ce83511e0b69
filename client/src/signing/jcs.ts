// RFC 8785 JSON Canonicalization Scheme: serialise, and parse-only-if-already-canonical.
import { fromUtf8, utf8 } from './bytes';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export class CanonicalJsonError extends Error {
  override name = 'CanonicalJsonError';
}

// JSON.stringify of a string already escapes exactly as RFC 8785 §3.2.2.2 asks (short forms for
// \b \t \n \f \r, lowercase \u00xx for other controls, nothing else); lone surrogates are refused first.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function serialiseString(s: string): string {
  if (LONE_SURROGATE.test(s)) throw new CanonicalJsonError('a string holds a lone UTF-16 surrogate, which I-JSON forbids');
  return JSON.stringify(s);
}

function serialiseNumber(n: number): string {
  // ECMAScript Number-to-String is the algorithm RFC 8785 §3.2.2.3 prescribes; -0 becomes "0".
  if (!Number.isFinite(n)) throw new CanonicalJsonError(`${n} has no JSON form`);
  return Object.is(n, -0) ? '0' : String(n);
}

/** The canonical text of a JSON value; throws CanonicalJsonError for values JSON cannot carry. */
export function canonicalize(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return serialiseString(value);
    case 'number':
      return serialiseNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map(canonicalize).join(',')}]`;
      return `{${canonicalMembers(value as Record<string, unknown>).join(',')}}`;
    }
    default:
      throw new CanonicalJsonError(`a ${typeof value} has no JSON form`);
  }
}

/**
 * The `"key":value` members of an object in canonical order (UTF-16 code unit order, which is
 * JavaScript's default sort). Exposed so a caller can join all members, or all but one, without
 * serialising twice.
 */
export function canonicalMembers(obj: Record<string, unknown>): string[] {
  const keys = Object.keys(obj).sort();
  const out: string[] = [];
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    out.push(`${serialiseString(k)}:${canonicalize(v)}`);
  }
  return out;
}

export function canonicalBytes(value: unknown): Uint8Array {
  return utf8(canonicalize(value));
}

/**
 * Canonicalise-or-reject: parses text only when it is exactly its own canonical form. Duplicate
 * keys, extra whitespace, unsorted keys, non-shortest numbers, precision beyond a double and
 * needless escapes all change the re-serialisation, so they are refused here, never re-encoded.
 */
export function parseCanonical(text: string): Json {
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch (err) {
    throw new CanonicalJsonError(`not JSON: ${(err as Error).message}`);
  }
  const canonical = canonicalize(value);
  if (canonical !== text) throw new CanonicalJsonError(`not in RFC 8785 canonical form (first difference at character ${firstDifference(canonical, text)})`);
  return value;
}

/** Same as parseCanonical for raw bytes; invalid UTF-8 is refused. */
export function parseCanonicalBytes(bytes: Uint8Array): Json {
  let text: string;
  try {
    text = fromUtf8(bytes);
  } catch {
    throw new CanonicalJsonError('not valid UTF-8');
  }
  return parseCanonical(text);
}

function firstDifference(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

/** True when every object's own key order is already the canonical (UTF-16 code unit) order. */
function keysInOrder(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) return value.every(keysInOrder);
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    if (i > 0 && !(keys[i - 1]! < keys[i]!)) return false;
    if (!keysInOrder((value as Record<string, unknown>)[keys[i]!])) return false;
  }
  return true;
}

const ESCAPED_SURROGATE = /\\u[dD][89a-fA-F]/;

/**
 * Compares `text` from position `p` with the canonical form of `v`, piece by piece, without
 * building it: the index after `v`'s form, or -1 at the first difference. Strings are taken to
 * serialise as their raw characters between quotes, which holds only when the text has no
 * backslash and no lone surrogate (see canonicalCheck); keys must come in strictly increasing
 * code-unit order, so integer-like keys (enumerated first by JavaScript) take the general path.
 */
function matchesCanonical(v: unknown, text: string, p: number, span?: MemberSpan): number {
  switch (typeof v) {
    case 'string':
      if (text.charCodeAt(p) !== 0x22 || text.slice(p + 1, p + 1 + v.length) !== v || text.charCodeAt(p + 1 + v.length) !== 0x22) return -1;
      return p + 2 + v.length;
    case 'number': {
      if (Number.isSafeInteger(v)) return matchesInteger(v, text, p);
      if (!Number.isFinite(v)) return -1;
      const form = String(v);
      return text.slice(p, p + form.length) === form ? p + form.length : -1;
    }
    case 'boolean': {
      const form = v ? 'true' : 'false';
      return text.slice(p, p + form.length) === form ? p + form.length : -1;
    }
    case 'object': {
      if (v === null) return text.slice(p, p + 4) === 'null' ? p + 4 : -1;
      if (Array.isArray(v)) {
        if (text.charCodeAt(p++) !== 0x5b) return -1;
        for (let i = 0; i < v.length; i++) {
          if (i > 0 && text.charCodeAt(p++) !== 0x2c) return -1;
          p = matchesCanonical(v[i], text, p);
          if (p < 0) return -1;
        }
        return text.charCodeAt(p) === 0x5d ? p + 1 : -1;
      }
      if (text.charCodeAt(p++) !== 0x7b) return -1;
      const keys = Object.keys(v);
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        if (i > 0 && (!(keys[i - 1]! < k) || text.charCodeAt(p++) !== 0x2c)) return -1;
        const start = p;
        if (text.charCodeAt(p) !== 0x22 || text.slice(p + 1, p + 1 + k.length) !== k) return -1;
        p += 1 + k.length;
        if (text.charCodeAt(p) !== 0x22 || text.charCodeAt(p + 1) !== 0x3a) return -1;
        p = matchesCanonical((v as Record<string, unknown>)[k], text, p + 2);
        if (p < 0) return -1;
        if (span !== undefined && k === span.key) {
          span.start = start;
          span.end = p;
        }
      }
      return text.charCodeAt(p) === 0x7d ? p + 1 : -1;
    }
    default:
      return -1;
  }
}

/**
 * Where a top-level member `"key":value` is in a canonical text: characters [start, end), or
 * start -1 when canonicalCheck did not find it (no such member, or the general path decided).
 */
export interface MemberSpan {
  key: string;
  start: number;
  end: number;
}

/**
 * matchesCanonical for a safe integer, without making its string: the canonical form of one is
 * its plain decimal digits, '-' first when negative (-0 is "0"), and % 10 on it is exact.
 */
function matchesInteger(v: number, text: string, p: number): number {
  let n = v;
  if (v < 0) {
    if (text.charCodeAt(p++) !== 0x2d) return -1;
    n = -v;
  }
  let digits = 1;
  for (let t = n; t >= 10; t = Math.floor(t / 10)) digits++;
  const end = p + digits;
  for (let i = end - 1; i >= p; i--) {
    if (text.charCodeAt(i) !== 0x30 + (n % 10)) return -1;
    n = Math.floor(n / 10);
  }
  return end;
}

const isWellFormed = (String.prototype as { isWellFormed?: () => boolean }).isWellFormed;

/**
 * Whether `text` is exactly the canonical form of `value` (= JSON.parse(text)), and how that was
 * established. 'native': the native JSON.stringify equals the text, every key order is canonical
 * and no surrogate escape appears, which together imply RFC 8785 form (same number and string
 * rules; the escape-free fast path implies the same without calling it); then JSON.stringify of
 * any sub-object is canonical too. 'full': the general serialiser was needed (integer-like keys,
 * which JavaScript enumerates first). false: not canonical. `span`, when given, receives where the
 * top-level member `span.key` is (see MemberSpan).
 */
export function canonicalCheck(value: unknown, text: string, span?: MemberSpan): 'native' | 'full' | false {
  if (span !== undefined) span.start = -1;
  // Fast path, about a third cheaper than the re-serialisation below: with no backslash in the
  // text every string in value is its raw characters (JSON forbids raw quotes and controls), and
  // with no lone surrogate each serialises as those characters between quotes, so comparing
  // piecewise is comparing with the canonical form. A mismatch may still be canonical (integer-like
  // keys): it is decided below.
  if (text.indexOf('\\') < 0 && (isWellFormed ? isWellFormed.call(text) : !LONE_SURROGATE.test(text)) && matchesCanonical(value, text, 0, span) === text.length) return 'native';
  if (span !== undefined) span.start = -1;
  if (!ESCAPED_SURROGATE.test(text) && JSON.stringify(value) === text && keysInOrder(value)) return 'native';
  try {
    return canonicalize(value) === text ? 'full' : false;
  } catch {
    return false;
  }
}
