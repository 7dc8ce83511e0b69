// The text a word spells with its expansions left as written, for nested parses (bash -c, SQL in psql -c).
import type { Heredoc, ShellWord } from './types';

export interface MappedText {
  text: string;
  /** map[i] is the script offset of text[i]; map[text.length] is the offset just past the end. */
  map: number[];
}

/** Literal parts decoded (quotes and escapes removed), expansions and substitutions kept as their source. */
export function wordSource(w: ShellWord): MappedText {
  let text = '';
  const map: number[] = [];
  for (const p of w.pieces) {
    if (p.kind === 'literal') {
      text += p.value;
      for (let k = 0; k < p.value.length; k++) map.push(p.map[k]!);
    } else {
      text += p.raw;
      for (let k = 0; k < p.raw.length; k++) map.push(Math.min(p.span.start + k, Math.max(p.span.start, p.span.end - 1)));
    }
  }
  map.push(w.span.end);
  return { text, map };
}

/** Joins several mapped texts with a separator mapped to the start of the next part. */
export function joinMapped(parts: MappedText[], sep = ' '): MappedText {
  let text = '';
  const map: number[] = [];
  parts.forEach((p, i) => {
    if (i > 0) {
      text += sep;
      for (let k = 0; k < sep.length; k++) map.push(p.map[0] ?? 0);
    }
    text += p.text;
    for (let k = 0; k < p.text.length; k++) map.push(p.map[k]!);
  });
  const last = parts[parts.length - 1];
  map.push(last ? last.map[last.text.length]! : 0);
  return { text, map };
}

/** The script span of text[start, end). */
export function mappedSpan(m: MappedText, start: number, end: number): { start: number; end: number } {
  const s = m.map[Math.min(Math.max(start, 0), m.map.length - 1)]!;
  if (end <= start) return { start: s, end: s };
  return { start: s, end: m.map[Math.min(end - 1, m.map.length - 1)]! + 1 };
}

/** A heredoc body: copied verbatim from the script, so offsets run straight through the body span. */
export function heredocSource(h: Heredoc): MappedText {
  const map: number[] = [];
  for (let k = 0; k <= h.body.length; k++) map.push(Math.min(h.bodySpan.start + k, h.bodySpan.end));
  return { text: h.body, map };
}
