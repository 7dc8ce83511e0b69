// A prose runbook as a list of blocks (headings, prose, code), from Markdown (CommonMark through
// markdown-it) or from plain text (numbered headings, command lines recognised by their first word).
import MarkdownIt from 'markdown-it';
import { extractFences, looksLikeShell } from './fences';

export type Block = { type: 'heading'; level: number; text: string } | { type: 'prose'; text: string } | { type: 'code'; lang: 'shell' | 'sql' | 'other'; text: string };

const md = new MarkdownIt('commonmark');

export function markdownBlocks(text: string): Block[] {
  const lines = text.split('\n');
  const fences = extractFences(text);
  const out: Block[] = [];
  const prose = (from: number, to: number) => {
    const src = lines.slice(from, to).join('\n').trim();
    if (src) out.push({ type: 'prose', text: src });
  };
  for (const t of md.parse(text, {})) {
    if (!t.map || t.level !== 0 || !(/_open$/.test(t.type) || t.type === 'fence' || t.type === 'code_block' || t.type === 'html_block' || t.type === 'hr')) continue;
    if (t.type === 'heading_open') {
      out.push({ type: 'heading', level: Number(t.tag.slice(1)), text: lines.slice(t.map[0], t.map[1]).join(' ').replace(/^#{1,6}\s+|\s+#+\s*$/g, '').trim() });
      continue;
    }
    // A top-level block's source lines, exactly (nothing the author wrote is lost), with the fences
    // inside it (in list items and quotes too) cut out as code.
    let cursor = t.map[0];
    for (const f of fences.filter((x) => x.openLine >= t.map![0] && x.openLine < t.map![1])) {
      prose(cursor, f.openLine);
      const code = f.kind === 'shell' ? f.lines.map((l) => l.text).join('\n') : f.raw;
      out.push({ type: 'code', lang: f.kind, text: code });
      // A console fence's output lines are not commands; they stay beside the step, as written.
      if (f.kind === 'shell' && f.raw.split('\n').some((l) => l.trim() && !f.lines.some((c) => l.endsWith(c.text) && c.text.trim()))) out.push({ type: 'prose', text: `Console transcript in the source:\n${f.raw}` });
      cursor = f.endLine;
    }
    prose(cursor, t.map[1]);
  }
  return out;
}

const textHeading = /^(?:\d+[a-z]?\.(?:\d+\.?)*\s+\S|Step\s+\d+[a-z]?:|Part\s+[A-Z0-9]+\b|[A-Z][A-Za-z /&-]{2,40}$)/;

/** Plain text: numbered or short title lines are headings; runs of command lines (with `\` continuations) are code. */
export function textBlocks(text: string): Block[] {
  const out: Block[] = [];
  const lines = text.split('\n');
  let prose: string[] = [];
  const flush = () => {
    if (prose.join('').trim()) out.push({ type: 'prose', text: prose.join('\n').trim() });
    prose = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (looksLikeShell([line]) && !/[.:]$/.test(line.trim())) {
      flush();
      const code = [line];
      while (/\\\s*$/.test(code.at(-1)!) && i + 1 < lines.length) code.push(lines[++i]!);
      const prev = out.at(-1);
      if (prev?.type === 'code' && prev.lang === 'shell') prev.text += `\n${code.join('\n')}`;
      else out.push({ type: 'code', lang: 'shell', text: code.join('\n') });
    } else if (textHeading.test(line.trim()) && line.trim().length <= 80 && !/[.,;]$/.test(line.trim())) {
      flush();
      out.push({ type: 'heading', level: /^\d+\.\s/.test(line.trim()) || /^Part\b/.test(line.trim()) ? 2 : 3, text: line.trim() });
    } else prose.push(line);
  }
  flush();
  return out;
}
