// Decodes the literal parts of shell words (backslashes, quotes, $'…' escapes), keeping each char's source offset.

export interface Decoded {
  value: string;
  /** map[i] is the source offset of value[i]; map[value.length] is the end offset. */
  map: number[];
}

/** Text outside quotes: a backslash quotes the next character; backslash-newline disappears. */
export function decodeUnquoted(src: string, start: number, end: number): Decoded {
  return decodeBackslashes(src, start, end, () => true);
}

/** Text inside double quotes (or an unquoted heredoc): backslash only escapes $ ` " \ and newline. */
export function decodeDouble(src: string, start: number, end: number, inHeredoc = false): Decoded {
  return decodeBackslashes(src, start, end, (c) => c === '$' || c === '`' || c === '\\' || c === '\n' || (!inHeredoc && c === '"'));
}

/** Text taken as written (single quotes, quoted heredocs). */
export function decodeRaw(src: string, start: number, end: number): Decoded {
  const map: number[] = [];
  for (let i = start; i <= end; i++) map.push(i);
  return { value: src.slice(start, end), map };
}

function decodeBackslashes(src: string, start: number, end: number, escapes: (c: string) => boolean): Decoded {
  let value = '';
  const map: number[] = [];
  for (let i = start; i < end; i++) {
    const c = src[i]!;
    if (c === '\\' && i + 1 < end && escapes(src[i + 1]!)) {
      const next = src[i + 1]!;
      i++;
      if (next === '\n') continue;
      // \r\n continuations come from files with Windows line ends; treat them like \n.
      value += next;
      map.push(i);
      continue;
    }
    if (c === '\\' && i + 2 < end && src[i + 1] === '\r' && src[i + 2] === '\n') {
      i += 2;
      continue;
    }
    value += c;
    map.push(i);
  }
  map.push(end);
  return { value, map };
}

const simpleEscapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };

/** The inside of `$'…'`: C escapes. Each decoded char maps to the start of its escape sequence. */
export function decodeAnsiC(src: string, start: number, end: number): Decoded {
  let value = '';
  const map: number[] = [];
  for (let i = start; i < end; i++) {
    const c = src[i]!;
    if (c !== '\\' || i + 1 >= end) {
      value += c;
      map.push(i);
      continue;
    }
    const at = i;
    const e = src[i + 1]!;
    let m: RegExpMatchArray | null;
    if (simpleEscapes[e] !== undefined) {
      value += simpleEscapes[e];
      i += 1;
    } else if ((m = /^x([0-9a-fA-F]{1,2})/.exec(src.slice(i + 1, Math.min(end, i + 4))))) {
      value += String.fromCharCode(parseInt(m[1]!, 16));
      i += m[0].length;
    } else if ((m = /^[0-7]{1,3}/.exec(src.slice(i + 1, Math.min(end, i + 4))))) {
      value += String.fromCharCode(parseInt(m[0], 8) & 0xff);
      i += m[0].length;
    } else if ((m = /^(u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8})/.exec(src.slice(i + 1, Math.min(end, i + 10))))) {
      const cp = parseInt(m[0].slice(1), 16);
      value += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
      i += m[0].length;
    } else {
      value += '\\';
      map.push(at);
      continue;
    }
    for (let k = map.length; k < value.length; k++) map.push(at);
  }
  map.push(end);
  return { value, map };
}
