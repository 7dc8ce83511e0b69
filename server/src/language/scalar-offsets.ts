// Maps each character of a scalar's decoded value back to its offset in the YAML source.
//
// Rules report findings inside scripts at exact characters, but a script's text is the
// decoded value: quotes, escapes, block indentation and line folding are gone. Rather than
// re-implementing YAML's scalar semantics, we list the source's candidate characters (with
// escapes decoded and line breaks marked) and align the value against them; the `yaml`
// package stays the single authority on what the value is.
import type { Span } from './positions';
import type { ScalarStyle } from './yaml-tree';

const enum Kind {
  Char,
  Break,
}

interface Candidate {
  kind: Kind;
  ch: string;
  /** Source offset of the character (of the backslash for escapes). */
  off: number;
  /** Source length it covers, so the map's end offset is exact. */
  len: number;
  /** Unescaped whitespace may be dropped by folding. */
  droppable: boolean;
}

const simpleEscapes: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b',
  ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029',
};

function isBreak(c: string | undefined): boolean {
  return c === '\n' || c === '\r';
}

function pushBreak(out: Candidate[], text: string, i: number): number {
  const len = text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
  out.push({ kind: Kind.Break, ch: '\n', off: i, len, droppable: true });
  return i + len;
}

function flowCandidates(text: string, start: number, end: number, style: ScalarStyle): Candidate[] {
  const out: Candidate[] = [];
  let i = start;
  let stop = end;
  if (style === 'single' || style === 'double') {
    i++;
    if (stop > i && text[stop - 1] === (style === 'single' ? "'" : '"')) stop--;
  }
  while (i < stop) {
    const c = text[i]!;
    if (isBreak(c)) {
      i = pushBreak(out, text, i);
      continue;
    }
    if (style === 'single' && c === "'" && text[i + 1] === "'") {
      out.push({ kind: Kind.Char, ch: "'", off: i, len: 2, droppable: false });
      i += 2;
      continue;
    }
    if (style === 'double' && c === '\\') {
      const e = text[i + 1];
      if (e === undefined) break;
      if (isBreak(e)) {
        // An escaped line break joins lines: it and the next line's indentation produce nothing.
        let j = i + 1 + (e === '\r' && text[i + 2] === '\n' ? 2 : 1);
        while (j < stop && (text[j] === ' ' || text[j] === '\t')) j++;
        i = j;
        continue;
      }
      const hexLen = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      if (hexLen) {
        const code = parseInt(text.slice(i + 2, i + 2 + hexLen), 16);
        const decoded = Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
        for (const ch of decoded.split('')) out.push({ kind: Kind.Char, ch, off: i, len: 2 + hexLen, droppable: false });
        i += 2 + hexLen;
        continue;
      }
      out.push({ kind: Kind.Char, ch: simpleEscapes[e] ?? e, off: i, len: 2, droppable: false });
      i += 2;
      continue;
    }
    out.push({ kind: Kind.Char, ch: c, off: i, len: 1, droppable: c === ' ' || c === '\t' });
    i++;
  }
  return out;
}

function blockCandidates(text: string, start: number, end: number): Candidate[] {
  const out: Candidate[] = [];
  // Skip the header line (`|`, `>-`, `|2+`, maybe a comment).
  let i = start;
  while (i < end && !isBreak(text[i])) i++;
  if (i >= end) return out;
  i = i + (text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1);
  // Content indentation: that of the first non-blank line.
  let indent = -1;
  for (let j = i; j < end; ) {
    let k = j;
    while (k < end && text[k] === ' ') k++;
    if (k < end && !isBreak(text[k])) {
      indent = k - j;
      break;
    }
    while (k < end && !isBreak(text[k])) k++;
    j = k + (text[k] === '\r' && text[k + 1] === '\n' ? 2 : 1);
  }
  if (indent < 0) indent = 0;
  while (i < end) {
    let col = 0;
    while (i < end && col < indent && text[i] === ' ') {
      i++;
      col++;
    }
    while (i < end && !isBreak(text[i])) {
      out.push({ kind: Kind.Char, ch: text[i]!, off: i, len: 1, droppable: false });
      i++;
    }
    if (i < end) i = pushBreak(out, text, i);
  }
  return out;
}

/** Per decoded character: where it starts in the source and where its source spelling ends. */
export interface ScalarOffsets {
  starts: Int32Array;
  ends: Int32Array;
}

function align(value: string, cands: Candidate[], fallbackEnd: number): ScalarOffsets {
  const map = new Int32Array(value.length + 1);
  const ends = new Int32Array(value.length + 1);
  let ci = 0;
  let lastEnd = cands.length ? cands[0]!.off : fallbackEnd;
  for (let vi = 0; vi < value.length; vi++) {
    const ch = value[vi]!;
    for (;;) {
      const c = cands[ci];
      if (!c) {
        map[vi] = lastEnd;
        ends[vi] = lastEnd;
        break;
      }
      if (c.kind === Kind.Char) {
        if (c.ch === ch) {
          map[vi] = c.off;
          lastEnd = c.off + c.len;
          ends[vi] = lastEnd;
          // A decoded escape can yield two UTF-16 units from one source escape.
          ci++;
          break;
        }
        if (c.droppable) {
          ci++;
          continue;
        }
        if (ch === ' ' || ch === '\n') {
          // A folded line break that the source spells differently: point at the next character.
          map[vi] = c.off;
          ends[vi] = c.off;
          break;
        }
        ci++;
        continue;
      }
      // A line break in the source: kept as \n, folded into a space, or dropped.
      if (ch === '\n' || ch === ' ') {
        map[vi] = c.off;
        lastEnd = c.off + c.len;
        ends[vi] = lastEnd;
        ci++;
        break;
      }
      ci++;
    }
  }
  map[value.length] = lastEnd;
  ends[value.length] = lastEnd;
  return { starts: map, ends };
}

/**
 * For a scalar whose source occupies `span`, returns for each value character i the source
 * offset where it starts (`starts[i]`) and just past its spelling (`ends[i]`); index
 * value.length holds the end of the scalar's content.
 */
export function valueOffsetMap(text: string, span: Span, value: string, style: ScalarStyle): ScalarOffsets {
  const cands = style === 'literal' || style === 'folded' ? blockCandidates(text, span.start, span.end) : flowCandidates(text, span.start, span.end, style);
  return align(value, cands, span.end);
}

/** Source span of the decoded-value range [from, to) of a scalar. */
export function sourceSpan(offsets: ScalarOffsets, from: number, to: number): Span {
  const n = offsets.starts.length - 1;
  const a = Math.max(0, Math.min(from, n));
  const b = Math.max(a, Math.min(to, n));
  if (b === a) return { start: offsets.starts[a]!, end: offsets.starts[a]! };
  return { start: offsets.starts[a]!, end: Math.max(offsets.starts[a]!, offsets.ends[b - 1]!) };
}
