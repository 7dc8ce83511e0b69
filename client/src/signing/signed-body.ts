// The bytes a record's signature covers: PAE(type, canonical record without its signature member).
import { findAll, newBytes, utf8, type Alloc } from './bytes';
import { canonicalize, type MemberSpan } from './jcs';

const COMMA = 0x2c;

/** [start, end) byte range of the top-level signature member (with one comma), or undefined if not unique. */
function memberRange(bytes: Uint8Array, text: string, obj: Record<string, unknown>, sigField: string): [number, number] | undefined {
  const sig = obj[sigField];
  if (typeof sig !== 'string') return undefined;
  const member = `${JSON.stringify(sigField)}:${JSON.stringify(sig)}`;
  let start: number;
  let length: number;
  if (bytes.length === text.length) {
    // ASCII record: character offsets are byte offsets, and the native string search is fastest.
    start = text.indexOf(member);
    if (start < 0 || text.indexOf(member, start + 1) >= 0) return undefined;
    length = member.length;
  } else {
    const needle = utf8(member);
    const at = findAll(bytes, needle, 2);
    if (at.length !== 1) return undefined;
    start = at[0]!;
    length = needle.length;
  }
  return withComma(bytes, start, start + length);
}

/** A member's range widened by one separating comma, so cutting it leaves valid JSON. */
function withComma(bytes: Uint8Array, start: number, end: number): [number, number] {
  if (bytes[start - 1] === COMMA) return [start - 1, end];
  if (bytes[end] === COMMA) return [start, end + 1];
  return [start, end];
}

/**
 * For a record whose bytes are canonical, cutting the `"sig":"…"` member out of the bytes gives
 * exactly the canonical form of the record without it (members keep their order, nothing else
 * changes). Inside JSON strings every quote is escaped, so the member text can only recur as
 * another object member with the same key and value (or after a key's escaped quote); when it
 * occurs more than once the record is re-serialised instead, so the cut is never ambiguous.
 * `span`: where canonicalCheck found the top-level signature member, which spares the search
 * (character offsets are byte offsets only in an ASCII record; otherwise it is searched for).
 * The message is built in one allocation: prefix (PAE head, or none), body length, body;
 * `alloc` gives that memory (the verifier carves it from larger blocks).
 */
export function signedMessage(
  prefix: Uint8Array | null,
  bytes: Uint8Array,
  text: string,
  obj: Record<string, unknown>,
  sigField: string,
  alloc: Alloc = newBytes,
  span?: MemberSpan,
): Uint8Array {
  const range = span !== undefined && span.key === sigField && span.start >= 0 && bytes.length === text.length ? withComma(bytes, span.start, span.end) : memberRange(bytes, text, obj, sigField);
  let body: Uint8Array;
  let cut: [number, number];
  if (range) {
    body = bytes;
    cut = range;
  } else {
    const rest: Record<string, unknown> = {};
    for (const k in obj) if (k !== sigField) rest[k] = obj[k];
    body = utf8(canonicalize(rest));
    cut = [body.length, body.length];
  }
  const bodyLength = body.length - (cut[1] - cut[0]);
  const len = prefix === null ? '' : ` ${bodyLength} `;
  const head = prefix === null ? 0 : prefix.length + len.length;
  const out = alloc(head + bodyLength);
  if (prefix !== null) {
    out.set(prefix, 0);
    for (let i = 0; i < len.length; i++) out[prefix.length + i] = len.charCodeAt(i);
  }
  out.set(body.subarray(0, cut[0]), head);
  out.set(body.subarray(cut[1]), head + cut[0]);
  return out;
}
