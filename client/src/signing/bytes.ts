// Byte helpers shared by the signing core: UTF-8, hex, base64url, comparison.

const encoder = new TextEncoder();
// fatal: invalid UTF-8 is an error, never replaced; ignoreBOM: a BOM stays in the text so bytes round-trip.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Decodes UTF-8 strictly; throws on invalid sequences so no byte is silently replaced. */
export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!]!;
  return out;
}

export function fromHex(hex: string, alloc: Alloc = newBytes): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new Error('not a hex string');
  const out = alloc(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64URL_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64URL.length; i++) B64URL_INDEX[B64URL.charCodeAt(i)] = i;

/** base64url without padding (RFC 4648 §5), the form operators already use for seeds. */
export function toBase64url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += B64URL[n >> 18]! + B64URL[(n >> 12) & 63]! + B64URL[(n >> 6) & 63]! + B64URL[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += B64URL[n >> 18]! + B64URL[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += B64URL[n >> 18]! + B64URL[(n >> 12) & 63]! + B64URL[(n >> 6) & 63]!;
  }
  return out;
}

/** Gives zeroed memory for a result (the verifier passes one carving blocks; default: a new array). */
export type Alloc = (length: number) => Uint8Array;

export const newBytes: Alloc = (length) => new Uint8Array(length);

/**
 * Strict base64url decoding: no padding, no whitespace, no standard-alphabet characters, and
 * unused trailing bits must be zero, so each byte string has exactly one accepted text form.
 */
export function fromBase64url(text: string, alloc: Alloc = newBytes): Uint8Array {
  if (text.length % 4 === 1) throw new Error('not base64url: impossible length');
  const out = alloc(Math.floor((text.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? B64URL_INDEX[c]! : -1;
    if (v < 0) throw new Error(`not base64url: unexpected character '${text[i]}' at ${i}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  if ((acc & ((1 << bits) - 1)) !== 0) throw new Error('not base64url: non-zero trailing bits');
  return out;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Standard base64 (padding optional), decoded strictly through the base64url decoder. */
export function fromBase64(text: string, alloc: Alloc = newBytes): Uint8Array {
  if (/[-_]/.test(text)) throw new Error('not base64: URL-safe characters');
  return fromBase64url(text.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'), alloc);
}

export function toBase64(bytes: Uint8Array): string {
  const s = toBase64url(bytes).replace(/-/g, '+').replace(/_/g, '/');
  return s + '='.repeat((4 - (s.length % 4)) % 4);
}

/** Every start index of `needle` in `hay` (at most `limit` of them). */
export function findAll(hay: Uint8Array, needle: Uint8Array, limit: number): number[] {
  const out: number[] = [];
  const first = needle[0];
  const last = hay.length - needle.length;
  outer: for (let i = 0; i <= last && out.length < limit; i++) {
    if (hay[i] !== first) continue;
    for (let j = 1; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    out.push(i);
  }
  return out;
}
