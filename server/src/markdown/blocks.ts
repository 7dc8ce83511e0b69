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
  const tokens = md.parse(text, {});
  let fence = 0;
  let covered = -1;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (!t.map || t.map[0] < covered) continue;
    if (t.type === 'heading_open') {
      out.push({ type: 'heading', level: Number(t.tag.slice(1)), text: tokens[i + 1]?.content ?? '' });
      covered = t.map[1];
    } else if (t.type === 'fence' || t.type === 'code_block') {
      const f = fences[fence++];
      const lang = f?.kind ?? 'other';
      // Console fences keep their prompted commands; the rest of the fence (output) is prose to keep.
      const code = lang === 'shell' && f ? f.lines.map((l) => l.text).join('\n') : t.content.replace(/\n$/, '');
      out.push({ type: 'code', lang, text: code });
      if (lang === 'shell' && f && code !== t.content.replace(/\n$/, '')) out.push({ type: 'prose', text: `Expected output:\n${t.content.replace(/\n$/, '')}` });
      covered = t.map[1];
    } else if (t.level === 0 && /_open$/.test(t.type) || t.type === 'html_block' || t.type === 'hr') {
      // A top-level block's source lines, exactly: nothing the author wrote is lost.
      const src = lines.slice(t.map[0], t.map[1]).join('\n').trim();
      if (src) out.push({ type: 'prose', text: src });
      covered = t.map[1];
    }
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
