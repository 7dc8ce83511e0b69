// Markdown escaping for every value interpolated into a rendered document (attestations, summaries, reviews).

type Value = unknown;

const str = (v: Value): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/**
 * Characters that would end the line or hide what follows: line breaks (a value must never start a
 * heading or a list item of its own), other C0/C1 controls, and the bidi overrides and isolates that
 * make text read differently from what it is. Line breaks become a space; the rest a visible U+XXXX.
 */
const breaks = /\r\n|[\r\n\u0085\u2028\u2029]/g;
const hidden = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const visible = (c: string): string => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

/** One line of plain text: no control character survives and no line break is kept. */
export function oneLine(v: Value): string {
  return str(v).replace(breaks, ' ').replace(hidden, visible);
}

/**
 * A value as inline Markdown text that renders as exactly that text: every character that could
 * start emphasis, code, links, images, HTML, entities, headings, tables or strikethrough is
 * backslash-escaped (CommonMark lets any ASCII punctuation be escaped), so it is also safe in a
 * table cell.
 */
export function mdText(v: Value): string {
  // An underscore inside a word (APP_ENV) cannot open emphasis in CommonMark: left as is, so names stay greppable.
  // `>` quotes only at the start of a line, so only a value's first character needs it escaped.
  return oneLine(v).replace(/[\\`*[\]<|#~&!]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])|^\s*>/gu, (c) => (c.endsWith('>') ? `${c.slice(0, -1)}\\>` : `\\${c}`));
}

/**
 * A value as an inline code span: backslashes are literal there, so only the delimiters adapt (a
 * run of backticks longer than any inside). Not for table cells: a pipe would still split the cell.
 */
export function mdCode(v: Value): string {
  const one = oneLine(v);
  const ticks = '`'.repeat(Math.max(0, ...[...one.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
  return ticks.length > 1 || one.startsWith(' ') || one.startsWith('`') || one.endsWith('`') ? `${ticks} ${one} ${ticks}` : `${ticks}${one}${ticks}`;
}
