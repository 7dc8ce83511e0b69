// Streaming secret masker: replaces every secret value and its common encodings with `***`, across chunk boundaries.

/** What a masked secret turns into. */
export const MASK = '***';

/** Secrets shorter than this are refused: masking them would be unreliable and would shred ordinary output. */
export const MIN_SECRET_LENGTH = 8;

/** Consecutive bytes of a secret that make a dump line masked. */
export const DUMP_WINDOW = 4;

/** A secret that cannot be masked safely (too short, empty); the message names it but never shows it. */
export class UnmaskableSecretError extends Error {
  override name = 'UnmaskableSecretError';
  constructor(
    readonly secretName: string,
    readonly length: number,
  ) {
    super(
      length === 0
        ? `secret ${secretName} is empty`
        : `secret ${secretName} is ${length} characters long; secrets shorter than ${MIN_SECRET_LENGTH} cannot be masked reliably (the runbook may allow short secrets explicitly)`,
    );
  }
}

export interface NamedSecret {
  name: string;
  value: string;
  /** This secret may be shorter than MIN_SECRET_LENGTH (the runbook says `allow_short`). */
  allowShort?: boolean;
}

export interface MaskerOptions {
  /** The runbook explicitly allows secrets shorter than MIN_SECRET_LENGTH (they are still masked). */
  allowShortSecrets?: boolean;
}

function toBase64Url(b64: string): string {
  return b64.replace(/\+/g, '-').replace(/\//g, '_');
}

/**
 * The base64 characters that depend only on the value's bytes, for each of the three byte
 * alignments the value can have inside a larger encoded blob (`base64 <<< "KEY=$SECRET"`).
 * Characters straddling neighbouring bytes are left out because they change with the context.
 */
function base64Cores(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let k = 0; k < 3; k++) {
    const encoded = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    const first = Math.ceil((8 * k) / 6);
    const last = Math.floor((8 * (k + bytes.length) - 6) / 6);
    if (last >= first) out.push(encoded.slice(first, last + 1));
  }
  return out;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (what coreutils `base32` writes), padded. */
export function toBase32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let acc = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(acc << (5 - bits)) & 31];
  return out + '='.repeat((8 - (out.length % 8)) % 8);
}

/** As base64Cores, for base32's five byte alignments (5 bytes -> 8 characters). */
function base32Cores(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let k = 0; k < 5; k++) {
    const encoded = toBase32(Buffer.concat([Buffer.alloc(k), bytes]));
    const first = Math.ceil((8 * k) / 5);
    const last = Math.floor((8 * (k + bytes.length) - 5) / 5);
    if (last >= first) out.push(encoded.slice(first, last + 1));
  }
  return out;
}

/** Shortest prefix or suffix of a secret masked on its own: a value split across stdout and stderr (or two prints). */
export const FRAGMENT_LENGTH = 6;
const FRAGMENT_MAX = 64;

/**
 * The secret's leading and trailing pieces (FRAGMENT_LENGTH characters and more): whatever
 * prints the value in two parts shows a prefix and a suffix. Secrets shorter than 12 have no
 * fragments (a split leaves at most 5 characters on one side).
 */
function fragments(value: string): string[] {
  const chars = [...value];
  if (chars.length < 2 * FRAGMENT_LENGTH) return [];
  const out: string[] = [];
  for (let n = FRAGMENT_LENGTH; n < chars.length && n <= FRAGMENT_MAX; n++) out.push(chars.slice(0, n).join(''), chars.slice(-n).join(''));
  return out;
}

/** Base64 and hex forms: tools wrap them (base64 at 76, openssl at 64, xxd -p at 60 characters). */
function wrappable(form: string): boolean {
  return form.length >= 16 && /^[A-Za-z0-9+/_=-]+$/.test(form);
}

/** Every form in which a secret value may show up in output. */
export function encodedForms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const b64 = bytes.toString('base64');
  const forms = new Set<string>([value, b64, b64.replace(/=+$/, ''), toBase64Url(b64), toBase64Url(b64).replace(/=+$/, '')]);
  for (const core of base64Cores(bytes)) {
    forms.add(core);
    forms.add(toBase64Url(core));
  }
  forms.add(encodeURIComponent(value));
  // Some encoders (application/x-www-form-urlencoded) write spaces as '+' and also escape !'()*.
  forms.add(encodeURIComponent(value).replace(/%20/g, '+'));
  forms.add(encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`));
  forms.add(JSON.stringify(value).slice(1, -1));
  // JSON writers that escape every non-ASCII character and '/' (Python's json.dumps default, PHP).
  forms.add(
    JSON.stringify(value)
      .slice(1, -1)
      .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );
  forms.add(JSON.stringify(value).slice(1, -1).replace(/\//g, '\\/'));
  forms.add(bytes.toString('hex'));
  forms.add(bytes.toString('hex').toUpperCase());
  const b32 = toBase32(bytes);
  forms.add(b32);
  forms.add(b32.replace(/=+$/, ''));
  for (const core of base32Cores(bytes)) forms.add(core);
  // A multi-line secret (a PEM key) is often re-indented or re-wrapped: each of its lines is masked alone.
  if (value.includes('\n')) for (const line of value.split(/\r?\n/)) if (line.trim().length >= MIN_SECRET_LENGTH) forms.add(line.trim());
  for (const f of fragments(value)) forms.add(f);
  forms.delete('');
  return [...forms];
}

/**
 * A line of a dump tool: `xxd` (`00000000: 7040 7373  p@ss`), `hexdump -C` (`00000000  70 40 |p@|`),
 * `od` with an offset (`0000000   p   @`) or without (`od -An -tx1`: ` 70 40 73`). Their bytes are
 * spread over spaced, grouped, wrapped hex (either case) or one character per column, with a
 * copy in an ASCII column: no fixed form matches them, so such lines are decoded and checked.
 */
const DUMP_LINE = /^(?:[0-9a-fA-F]{6,}:?[ \t]|\s*(?:[0-9a-fA-F]{2}[ \t]+){2})/;

/** The bytes a dump line shows, in order: its hex groups, or (`od -c`) its character columns. */
export function dumpLineBytes(line: string): Buffer {
  const body = line.replace(/\r?\n$/, '');
  const od = /^[0-7]{7,}((?: {3}[^ ]| {2}\\[0abfnrtv]| [0-7]{3}| {4})+)\s*$/.exec(body);
  if (od) {
    const cells = od[1]!.match(/.{4}/g) ?? [];
    const esc: Record<string, number> = { '0': 0, a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11 };
    return Buffer.from(cells.map((c) => (c === '    ' ? 32 : /^ [0-7]{3}$/.test(c) ? parseInt(c.trim(), 8) : c.startsWith('  \\') ? esc[c[3]!]! : c.charCodeAt(3))));
  }
  const tokens = body.split(/[\s|]+/).filter(Boolean);
  // The offset column (and xxd's `00000000:`) is not data.
  if (tokens[0] && /^[0-9a-fA-F]{6,}:?$/.test(tokens[0])) tokens.shift();
  let hex = '';
  for (const t of tokens) {
    if (!/^(?:[0-9a-fA-F]{2}){1,4}$/.test(t)) break;
    hex += t;
  }
  return Buffer.from(hex, 'hex');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Masks whole strings and streams; secrets can be added as they appear (a capture mid-run). */
export class Masker {
  private forms: string[] = [];
  private pattern: RegExp | undefined;
  private longest = 0;
  private readonly allowShort: boolean;
  /** Every 4-byte window of every secret (hex), to recognise a dump line that shows part of one. */
  private readonly windows = new Set<string>();

  constructor(secrets: NamedSecret[] = [], options: MaskerOptions = {}) {
    this.allowShort = options.allowShortSecrets === true;
    for (const s of secrets) this.add(s);
  }

  /** Registers a secret; throws UnmaskableSecretError when it is too short to mask safely. */
  add(secret: NamedSecret): void {
    const length = [...secret.value].length;
    if (length === 0 || (length < MIN_SECRET_LENGTH && !this.allowShort && !secret.allowShort)) throw new UnmaskableSecretError(secret.name, length);
    const bytes = Buffer.from(secret.value, 'utf8');
    const w = Math.min(DUMP_WINDOW, bytes.length);
    for (let i = 0; i + w <= bytes.length; i++) this.windows.add(bytes.subarray(i, i + w).toString('hex'));
    const known = new Set(this.forms);
    for (const f of encodedForms(secret.value)) if (!known.has(f)) this.forms.push(f);
    // Longest first, so the regex alternation prefers a whole encoding over a fragment of it.
    this.forms.sort((a, b) => b.length - a.length);
    // Wrapped encodings may hold a line break between any two characters; allow room for them.
    this.longest = 3 * (this.forms[0]?.length ?? 0);
    this.pattern = new RegExp(this.forms.map((f) => (wrappable(f) ? [...f].map(escapeRegExp).join('(?:\\r?\\n)?') : escapeRegExp(f))).join('|'), 'g');
  }

  get size(): number {
    return this.forms.length;
  }

  /**
   * Whether `text` (the end of what has arrived) may be the start of a form longer than the
   * `matched` characters already found there: then it must wait for the next chunk.
   */
  private couldGrow(text: string, matched: number): boolean {
    const flat = text.replace(/\r?\n/g, '');
    if (flat === '') return false;
    const hasBreak = flat.length !== text.length;
    return this.forms.some((f) => (!hasBreak || wrappable(f)) && f.startsWith(flat) && (matched === 0 || f.length > flat.length));
  }

  /** Masks a complete string (a message, an error, a transcript field). */
  mask(text: string): string {
    if (!this.pattern) return text;
    const masked = text.replace(this.pattern, MASK);
    return DUMP_LINE.test(masked) || masked.includes('\n') ? masked.replace(/[^\n]*\n?/g, (line) => this.maskDumpLine(line)) : masked;
  }

  /** Whether a line looks like dump output (then the stream holds it until it is complete). */
  static dumpLike(line: string): boolean {
    return DUMP_LINE.test(line);
  }

  /**
   * A dump line showing DUMP_WINDOW or more consecutive bytes of a secret becomes `***`
   * whole (its hex and its ASCII column). At most DUMP_WINDOW - 1 bytes at either end of
   * the secret can remain visible on the neighbouring lines.
   */
  maskDumpLine(line: string): string {
    if (!line || !DUMP_LINE.test(line) || !this.windows.size) return line;
    const bytes = dumpLineBytes(line);
    const hex = bytes.toString('hex');
    for (const w of this.windows) {
      // Byte-aligned: hex positions must be even.
      for (let at = hex.indexOf(w); at >= 0; at = hex.indexOf(w, at + 1)) if (at % 2 === 0) return line.endsWith('\n') ? `${MASK}\n` : MASK;
    }
    return line;
  }

  /** A fresh stream state: text goes in chunk by chunk, masked text comes out, never a partial secret. */
  stream(): MaskStream {
    return new MaskStream(this);
  }

  /** @internal Masks `text`, holding back a raw tail that could be the start of a secret. */
  maskPrefix(text: string): { out: string; held: string } {
    const re = this.pattern;
    if (!re) return { out: text, held: '' };
    let out = '';
    let last = 0;
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      // A short form (a base64 core) matching at the end may be the start of a longer form
      // that the next chunk completes: hold it back rather than mask half of the longer one.
      const rest = text.slice(m.index);
      if (this.couldGrow(rest, m[0].length)) return { out: out + text.slice(last, m.index), held: rest };
      out += text.slice(last, m.index) + MASK;
      last = m.index + m[0].length;
    }
    // Any secret that starts before `safe` ends inside `text` and was replaced above, so only
    // the last (longest - 1) characters after the final match can still grow into a secret.
    // Of those, hold back only from the first position where the rest is a prefix of some
    // form, so ordinary output (a prompt, a progress line) is shown at once.
    let hold = text.length;
    for (let j = Math.max(last, text.length - (this.longest - 1)); j < text.length; j++) {
      if (this.couldGrow(text.slice(j), 0)) {
        hold = j;
        break;
      }
    }
    return { out: out + text.slice(last, hold), held: text.slice(hold) };
  }
}

/** Per-stream state of a Masker; one per stdout/stderr of a process. */
export class MaskStream {
  private held = '';
  /** A dump-like line not yet complete: held until its newline, then checked whole. */
  private line = '';
  /** Part of the current line was already shown (it did not look like a dump). */
  private lineOpen = false;
  constructor(private readonly masker: Masker) {}

  /** Masks the next chunk; returns what can be shown now. */
  push(chunk: string): string {
    const { out, held } = this.masker.maskPrefix(this.held + chunk);
    this.held = held;
    return this.lines(out, false);
  }

  /** Ends the stream: whatever was held back is masked and returned. */
  end(): string {
    const rest = this.masker.mask(this.held);
    this.held = '';
    return this.lines(rest, true);
  }

  private lines(text: string, final: boolean): string {
    let buf = this.line + text;
    this.line = '';
    let res = '';
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const ln = buf.slice(0, i + 1);
      buf = buf.slice(i + 1);
      res += this.lineOpen ? ln : this.masker.maskDumpLine(ln);
      this.lineOpen = false;
    }
    if (!buf) return res;
    if (this.lineOpen) return res + buf;
    if (final) return res + this.masker.maskDumpLine(buf);
    if (Masker.dumpLike(buf) || /^[0-9a-fA-F\s]{1,12}$/.test(buf)) {
      this.line = buf;
      return res;
    }
    this.lineOpen = true;
    return res + buf;
  }
}
