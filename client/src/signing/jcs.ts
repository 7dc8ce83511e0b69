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
 * Whether `text` is exactly the canonical form of `value` (= JSON.parse(text)), and how that was
 * established. 'native': the native JSON.stringify equals the text, every key order is canonical
 * and no surrogate escape appears, which together imply RFC 8785 form (same number and string
 * rules); then JSON.stringify of any sub-object is canonical too. 'full': the general serialiser
 * was needed (integer-like keys, which JavaScript enumerates first). false: not canonical.
 */
export function canonicalCheck(value: unknown, text: string): 'native' | 'full' | false {
  if (!ESCAPED_SURROGATE.test(text) && JSON.stringify(value) === text && keysInOrder(value)) return 'native';
  try {
    return canonicalize(value) === text ? 'full' : false;
  } catch {
    return false;
  }
}
