// secret-literal: a secret value written into the runbook file itself (keys, seeds, tokens, passwords).
import { docsUrl } from '../../language/docs';
import { looksSecret } from '../secret-names';
import type { Finding, Rule } from '../types';

interface Pattern {
  re: RegExp;
  what: string;
  /** Extra judgement on the match (entropy, placeholders); the group index of the value to report. */
  accept?: (value: string) => boolean;
  group?: number;
  /** Random-looking values are skipped when the text before them names them as hashes, ids or public keys. */
  contextual?: boolean;
  /** For `NAME=value` patterns: the variable name, which must look secret. */
  name?: (m: RegExpMatchArray) => string;
  /**
   * The pattern can match across a line break (`\\s` outside a class that excludes it), so it is
   * run over the whole text; every other pattern never contains a line break (nor matches empty)
   * and is run line by line, with a line's matches kept for the next lint.
   */
  crossesLines?: true;
}

/** Variable names that hold a credential (`POSTGRES_PASSWORD`, `PGPASSWORD`, `MYSQL_PWD`, `VAULT_TOKEN`). */
function credentialName(n: string): boolean {
  return looksSecret(n) || /(PASSWORD|PASSWD|_PWD|_AUTH)$/.test(n);
}

/** Words before a value that say it is not a secret: hashes, key ids, public keys, fingerprints. */
const namedAsSafe = /(sha\d*|hash|digest|checksum|fingerprint|commit|key[_-]?id|kid|public|pubkey|pub[_-]key|etag|nonce|salt|uuid|trace[_-]?id|request[_-]?id)[\w-]*["']?\s*[:=]?\s*["']?$/i;
const placeholderWords = /^(<[^>]*>|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\*+|x{3,}|\.{3}|…|redacted|changeme|example|secret|password|none|null|-|%s|\{\{.*\}\}|\(.*\))$/i;
/**
 * Values that describe what goes there rather than being it: `your-api-key`, `secure-token`,
 * `staging-api-key-xxx`, `user:pass`, `<password>`, vendors' documented examples (`AKIAIOSFODNN7EXAMPLE`).
 */
function describesValue(v: string): boolean {
  if (/example/i.test(v) || /x{3,}/i.test(v) || /^(pass|passwd|pwd|changeme|change_me|replaceme|placeholder|dummy|sample|todo|tbd)$/i.test(v)) return true;
  const parts = v.split(/[-_]/);
  if (parts.length < 2 || !/^[a-z0-9_-]+$/i.test(v)) return false;
  return /^(your|my|some|the|a|an|example|sample|dummy|fake|replace|change|insert|put|enter|secure|super|random|generated)$/i.test(parts[0]!) || /^(here|value|goes|placeholder)$/i.test(parts[parts.length - 1]!);
}
/** NEW_DB_PASSWORD-style names stand for a value; they are not one. */
const placeholder = { test: (v: string) => placeholderWords.test(v) || /^[A-Z][A-Z0-9_]*$/.test(v) || describesValue(v) };
/** In `NAME=value` of a secret-named variable the value is the credential even when it is a weak word (`password`, `secret`). */
const envPlaceholder = { test: (v: string) => /^(<[^>]*>|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\*+|\.{3}|…|redacted|none|null|-|%s|\{\{.*\}\}|\(.*\))$/i.test(v) || /^[A-Z][A-Z0-9_]*$/.test(v) || describesValue(v) };
/** Client programs whose `-pPASSWORD` (glued) is the password. */
const mysqlClients = 'mysql|mysqldump|mysqladmin|mysqlimport|mysqlcheck|mysqlshow|mariadb|mariadb-dump|mariadb-admin';

function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

const patterns: Pattern[] = [
  { re: /-----BEGIN ((RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----/g, what: 'a PEM private key' },
  { re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, what: 'an AWS access key', accept: (v) => !/EXAMPLE$/.test(v) },
  { re: /\b(?:hvs|hvb|hvr)\.[A-Za-z0-9_-]{20,}\b/g, what: 'a Vault token' },
  {
    // `mysql -u root -pS3cret`: the password glued to -p (a bare -p prompts for it).
    re: new RegExp(`(?<![\\w-])(?:${mysqlClients})\\b[^\\n|;&]*?\\s-p(?!\\s)("[^"\\n]*"|'[^'\\n]*'|[^\\s"'$\`;|&)]+)`, 'g'),
    what: 'a database password on the mysql command line',
    crossesLines: true,
    group: 1,
    accept: (v) => {
      const inner = v.replace(/^["']|["']$/g, '');
      return inner.length >= 3 && !envPlaceholder.test(inner) && !inner.includes('$');
    },
  },
  {
    // `POSTGRES_PASSWORD=postgres`, `PGPASSWORD=s3cret`, `-e MYSQL_ROOT_PASSWORD=…`: a secret-named variable set to a literal.
    re: /(?<![\w$])([A-Z][A-Z0-9_]*)=(<[^<>\n]*>|"[^"\n]*"|'[^'\n]*'|[^\s"'&;,)|]+)/g,
    what: 'a credential assigned as a literal',
    group: 2,
    accept: (v) => {
      const inner = v.replace(/^["']|["']$/g, '');
      // Format strings and escapes (`printf 'KEY=%s\\n'`) are templates, not values.
      return inner.length >= 3 && !envPlaceholder.test(inner) && !/[$`%\\]/.test(inner) && !/^\d+$/.test(inner) && !/^(true|false|yes|no|on|off)$/i.test(inner) && !inner.startsWith('/') && !inner.startsWith('./');
    },
    name: (m) => m[1]!,
  },
  {
    // `-H "X-Vault-Token: s.abc…"`, `Authorization: Bearer eyJ…`: a credential in a request header.
    re: /(?:x-vault-token|private-token|x-api-key|x-auth-token|authorization:\s*(?:bearer|basic|token))\s*:?\s*([A-Za-z0-9._~+/=-]{8,})/gi,
    what: 'a credential in a request header',
    crossesLines: true,
    group: 1,
    accept: (v) => !envPlaceholder.test(v),
  },
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
    crossesLines: true,
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
    const text = ctx.text;
    const out: Finding[] = [];
    // Carriage returns: the whole text, as one (the line-by-line scan below is for editors' LF text).
    if (text.includes('\r')) return wholeTextFindings(text);
    // The lines holding a line-by-line match: the same matches as a scan of the whole text, since
    // such a match never spans a line break and a break passes every look-around a line's edge does.
    const hits: { at: number; found: Finding[][] }[] = [];
    const count = ctx.lines.lineCount;
    for (let l = 0; l < count; l++) {
      const at = ctx.lines.lineStart(l);
      const found = lineMatches(text.slice(at, ctx.lines.lineEnd(l)));
      if (found) hits.push({ at, found });
    }
    patterns.forEach((p, i) => {
      if (p.crossesLines) return matches(text, p, 0, out);
      for (const h of hits) for (const f of h.found[i]!) out.push({ span: { start: f.span.start + h.at, end: f.span.end + h.at }, message: f.message });
    });
    return out;
  },
};

/** Every pattern over the whole text at once: what the line-by-line scan must equal (tests compare them). */
export function wholeTextFindings(text: string): Finding[] {
  const out: Finding[] = [];
  for (const p of patterns) matches(text, p, 0, out);
  return out;
}

/** `p`'s findings in `text`, whose first character is at `base` in the runbook. */
function matches(text: string, p: Pattern, base: number, out: Finding[]): void {
  p.re.lastIndex = 0;
  for (const m of text.matchAll(p.re)) {
    const value = p.group ? m[p.group]! : m[0];
    const start = m.index! + (p.group ? m[0].lastIndexOf(value) : 0);
    if (p.accept && !p.accept(value)) continue;
    if (p.name && !credentialName(p.name(m))) continue;
    const lineStart = text.lastIndexOf('\n', m.index!) + 1;
    if (p.contextual && namedAsSafe.test(text.slice(lineStart, m.index!))) continue;
    out.push({ span: { start: base + start, end: base + start + value.length }, message: `${p.what} is written in the runbook; pass it as a secret input or read it from a secret store` });
  }
}

/** Per line text: each pattern's findings in it (offsets from the line's start), null for none. Bounded. */
const lineCache = new Map<string, Finding[][] | null>();
const lineCacheLimit = 50_000;

function lineMatches(line: string): Finding[][] | null {
  const hit = lineCache.get(line);
  if (hit !== undefined) return hit;
  let any = false;
  const found = patterns.map((p) => {
    const out: Finding[] = [];
    if (!p.crossesLines) matches(line, p, 0, out);
    any ||= out.length > 0;
    return out;
  });
  if (lineCache.size >= lineCacheLimit) lineCache.clear();
  lineCache.set(line, any ? found : null);
  return any ? found : null;
}
