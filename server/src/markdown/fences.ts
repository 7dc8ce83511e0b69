// The code fences of a Markdown document (markdown-it's CommonMark parse, so fences inside
// lists and block quotes count), each line with the offset of its first character in the source.
import MarkdownIt from 'markdown-it';

export type FenceKind = 'shell' | 'sql' | 'other';

export interface FenceLine {
  text: string;
  /** Offset in the Markdown source of `text`'s first character. */
  offset: number;
}

export interface Fence {
  kind: FenceKind;
  /** The info string's first word, lower-cased ('' when unlabelled). */
  lang: string;
  lines: FenceLine[];
  /** Offset of the opening fence line, for findings about the fence as a whole. */
  offset: number;
  /** Zero-based line of the opening fence, and the line after its end. */
  openLine: number;
  endLine: number;
  /** The fence's whole content as written (a console fence's output lines included). */
  raw: string;
}

const shellLangs = new Set(['sh', 'bash', 'shell', 'zsh', 'ksh', 'console', 'shell-session', 'shellsession', 'terminal']);
const sqlLangs = new Set(['sql', 'psql', 'pgsql', 'postgres', 'postgresql', 'plpgsql']);
/** Prompts a `console` fence marks commands with; other lines are output. */
const prompt = /^(?:\(\S+\)\s*)?(?:[\w.@-]*[:~][^\s$#]*)?([$#%])\s/;
/** Words an unlabelled fence's lines start with when it is a shell snippet (most of them must). */
const commandWords = new Set(
  (
    'sudo kubectl helm aws gcloud gsutil az heroku vault consul nomad terraform ansible ansible-playbook docker podman git curl wget ssh scp rsync ' +
    'psql mysql mongo mongosh redis-cli pg_dump pg_restore systemctl service journalctl export echo printf cat rm cp mv mkdir chmod chown ls cd ' +
    'openssl gpg python python3 node npm npx make ./ kill pkill tar gzip grep sed awk jq yq tee find xargs env set unset source . for while if ' +
    'infisical doppler op flyway alembic rails bundle knife chef salt gitlab-ctl gitlab-rake oc eksctl kubectx argocd flux'
  ).split(' '),
);

const md = new MarkdownIt('commonmark');

export function looksLikeShell(lines: string[]): boolean {
  const code = lines.map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  if (code.length === 0) return false;
  const hits = code.filter((l) => {
    const first = l.replace(/^\$\s+/, '').split(/\s+/)[0] ?? '';
    return commandWords.has(first) || first.startsWith('./') || /^[A-Z_][A-Z0-9_]*=/.test(first);
  }).length;
  return hits * 2 >= code.length;
}

export function extractFences(text: string): Fence[] {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const sourceLine = (n: number) => text.slice(lineStarts[n] ?? text.length, (lineStarts[n + 1] ?? text.length + 1) - 1).replace(/\r$/, '');
  const out: Fence[] = [];
  for (const t of md.parse(text, {})) {
    if ((t.type !== 'fence' && t.type !== 'code_block') || !t.map) continue;
    const lang = t.type === 'fence' ? (t.info.trim().split(/\s+/)[0] ?? '').toLowerCase().replace(/^\{?\.?/, '').replace(/\}$/, '') : '';
    const content = t.content.replace(/\n$/, '').split('\n');
    const first = t.type === 'fence' ? t.map[0] + 1 : t.map[0];
    const lines: FenceLine[] = content.map((c, i) => {
      const n = first + i;
      const src = sourceLine(n);
      // Indentation or a block quote's `> ` was stripped from the content: the rest is the tail of the source line.
      const shift = src.endsWith(c) ? src.length - c.length : 0;
      return { text: c, offset: (lineStarts[n] ?? 0) + shift };
    });
    // Indented code blocks are shell only when they read as shell; fences by their label.
    const kind: FenceKind = shellLangs.has(lang) ? 'shell' : sqlLangs.has(lang) ? 'sql' : lang === '' && looksLikeShell(content) ? 'shell' : 'other';
    let kept = lines;
    if (kind === 'shell' && (lang === 'console' || lang === 'shell-session' || lang === 'shellsession' || lang === 'terminal' || (lang === '' && content.some((l) => /^\$\s/.test(l))))) {
      kept = consoleCommands(lines);
    }
    out.push({ kind, lang, lines: kept, offset: lineStarts[t.map[0]] ?? 0, openLine: t.map[0], endLine: t.map[1], raw: content.join('\n') });
  }
  return out;
}

/** A console transcript's commands: prompted lines with the prompt removed, and their continuations. */
function consoleCommands(lines: FenceLine[]): FenceLine[] {
  const out: FenceLine[] = [];
  let continuing = false;
  for (const l of lines) {
    if (continuing) {
      out.push(l);
      continuing = /\\$/.test(l.text);
      continue;
    }
    const m = prompt.exec(l.text);
    if (!m) continue;
    const cut = m[0].length;
    out.push({ text: l.text.slice(cut), offset: l.offset + cut });
    continuing = /\\$/.test(l.text);
  }
  return out;
}
