// secret-literal: a secret value written into the runbook file itself (keys, seeds, tokens, passwords).
import { docsUrl } from '../../language/docs';
import type { Finding, Rule } from '../types';

interface Pattern {
  re: RegExp;
  what: string;
  /** Extra judgement on the match (entropy, placeholders); the group index of the value to report. */
  accept?: (value: string) => boolean;
  group?: number;
  /** Random-looking values are skipped when the text before them names them as hashes, ids or public keys. */
  contextual?: boolean;
}

/** Words before a value that say it is not a secret: hashes, key ids, public keys, fingerprints. */
const namedAsSafe = /(sha\d*|hash|digest|checksum|fingerprint|commit|key[_-]?id|kid|public|pubkey|pub[_-]key|etag|nonce|salt|uuid|trace[_-]?id|request[_-]?id)[\w-]*["']?\s*[:=]?\s*["']?$/i;
const placeholderWords = /^(<[^>]*>|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\*+|x{3,}|\.{3}|…|redacted|changeme|example|secret|password|none|null|-|%s|\{\{.*\}\}|\(.*\))$/i;
/** NEW_DB_PASSWORD-style names stand for a value; they are not one. */
const placeholder = { test: (v: string) => placeholderWords.test(v) || /^[A-Z][A-Z0-9_]*$/.test(v) };

function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

const patterns: Pattern[] = [
  { re: /-----BEGIN ((RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----/g, what: 'a PEM private key' },
  { re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, what: 'an AWS access key' },
  { re: /\bAIza[0-9A-Za-z_-]{35}\b/g, what: 'a Google API key' },
  { re: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/g, what: 'a GitHub token' },
  { re: /\bglpat-[A-Za-z0-9_-]{20,}\b/g, what: 'a GitLab token' },
  { re: /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g, what: 'a Slack token' },
  { re: /\b[sr]k_live_[A-Za-z0-9]{16,}\b/g, what: 'a Stripe live key' },
  { re: /(?<![0-9a-zA-Z])[0-9a-fA-F]{64}(?![0-9a-zA-Z])/g, what: 'a 64-hex-digit key', accept: (v) => entropy(v) > 3, contextual: true },
  {
    // 32 random bytes in base64url (43 chars) or base64 (44 with padding): the seed format operators use.
    re: /(?<![A-Za-z0-9_+/=-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_+/=-])|(?<![A-Za-z0-9_+/=-])[A-Za-z0-9+/]{43}=(?![A-Za-z0-9_+/=-])/g,
    what: 'a base64 32-byte key or seed',
    contextual: true,
    accept: (v) => /[A-Z]/.test(v) && /[a-z]/.test(v) && /[0-9]/.test(v) && entropy(v) > 4.2 && (v.match(/[-_]/g)?.length ?? 0) < 6,
  },
  {
    // Credentials in a URL: scheme://user:password@host.
    re: /[a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]+:([^\s@'"]+)@/gi,
    what: 'a password in a URL',
    group: 1,
    accept: (v) => v.length >= 4 && !placeholder.test(v) && !v.includes('$') && !/^[<{(*]/.test(v),
  },
  {
    // `password: x` / `password=x`; a space before the colon is psql's `:'var'`, not an assignment, and
    // `old-password=accepted` inside a longer word is a label.
    re: /(?<![\w-])(?:password|passwd|pwd|secret|api[_-]?key|token)\b["']?[:=]\s*("[^"\n]*"|'[^'\n]*'|[^\s"'&;,)]+)/gi,
    what: 'a password literal',
    group: 1,
    accept: (v) => {
      const inner = v.replace(/^["']|["']$/g, '');
      // Code reading the value from somewhere (`os.environ["X"]`, `get_secret()`) is not a literal.
      return inner.length >= 6 && !placeholder.test(inner) && !inner.includes('$') && !/^[<{(]/.test(inner) && !/^[A-Za-z_][\w.]*[([]/.test(inner);
    },
  },
];

export const secretLiteral: Rule = {
  name: 'secret-literal',
  docs: docsUrl('secret-literal'),
  severity: 'error',
  summary: 'A secret value is written into the runbook, where every reader and every copy keeps it.',
  check(ctx) {
    const out: Finding[] = [];
    const text = ctx.text;
    for (const p of patterns) {
      p.re.lastIndex = 0;
      for (const m of text.matchAll(p.re)) {
        const value = p.group ? m[p.group]! : m[0];
        const start = m.index! + (p.group ? m[0].lastIndexOf(value) : 0);
        if (p.accept && !p.accept(value)) continue;
        const lineStart = text.lastIndexOf('\n', m.index!) + 1;
        if (p.contextual && namedAsSafe.test(text.slice(lineStart, m.index!))) continue;
        out.push({ span: { start, end: start + value.length }, message: `${p.what} is written in the runbook; pass it as a secret input or read it from a secret store` });
      }
    }
    return out;
  },
};
