// Streaming secret masker: replaces every secret value and its common encodings with `***`, across chunk boundaries.

/** What a masked secret turns into. */
export const MASK = '***';

/** Secrets shorter than this are refused: masking them would be unreliable and would shred ordinary output. */
export const MIN_SECRET_LENGTH = 8;

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
  forms.delete('');
  return [...forms];
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

  constructor(secrets: NamedSecret[] = [], options: MaskerOptions = {}) {
    this.allowShort = options.allowShortSecrets === true;
    for (const s of secrets) this.add(s);
  }

  /** Registers a secret; throws UnmaskableSecretError when it is too short to mask safely. */
  add(secret: NamedSecret): void {
    const length = [...secret.value].length;
    if (length === 0 || (length < MIN_SECRET_LENGTH && !this.allowShort && !secret.allowShort)) throw new UnmaskableSecretError(secret.name, length);
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
    return this.pattern ? text.replace(this.pattern, MASK) : text;
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
  constructor(private readonly masker: Masker) {}

  /** Masks the next chunk; returns what can be shown now. */
  push(chunk: string): string {
    const { out, held } = this.masker.maskPrefix(this.held + chunk);
    this.held = held;
    return out;
  }

  /** Ends the stream: whatever was held back is masked and returned. */
  end(): string {
    const rest = this.masker.mask(this.held);
    this.held = '';
    return rest;
  }
}
