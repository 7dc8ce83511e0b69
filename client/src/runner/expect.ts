// Checks a finished process against a step's `expect`: exit code, stdout/stderr patterns, JSON fields.

export interface ExpectSpec {
  /** One exit code or a list of accepted codes. */
  exit?: number | number[];
  /** Patterns the stream must contain: plain text, or `/regex/flags`. */
  stdout?: string | string[];
  stderr?: string | string[];
  /** Patterns the stream must not contain. */
  stdout_not?: string | string[];
  stderr_not?: string | string[];
  /** Fields of stdout parsed as JSON: dotted path -> expected value (or `/regex/` for strings). */
  json?: Record<string, unknown>;
}

export interface CheckResult {
  /** What was checked, e.g. `exit`, `stdout contains "status=pass"`, `json status`. */
  check: string;
  ok: boolean;
  /** Why it failed, short enough for a terminal line; never holds secret values (callers mask). */
  detail?: string;
}

export interface Observed {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

function list<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** A pattern is a regex when written `/…/flags`, else plain text that must appear as is. */
export function compilePattern(pattern: string): { test(s: string): boolean; label: string } {
  const m = /^\/(.+)\/([dgimsuvy]*)$/s.exec(pattern);
  if (m) {
    const re = new RegExp(m[1]!, m[2]!.replace('g', ''));
    return { test: (s) => re.test(s), label: `matches ${pattern}` };
  }
  return { test: (s) => s.includes(pattern), label: `contains ${JSON.stringify(pattern)}` };
}

/** Reads a dotted path (`items.0.id`, or `a\.b` for a key with a dot) from parsed JSON. */
export function readPath(value: unknown, path: string): { found: boolean; value?: unknown } {
  const parts = path.split(/(?<!\\)\./).map((p) => p.replace(/\\\./g, '.'));
  let cur: unknown = value;
  for (const part of parts) {
    if (cur !== null && typeof cur === 'object' && Object.prototype.hasOwnProperty.call(cur, part)) {
      cur = (cur as Record<string, unknown>)[part];
    } else return { found: false };
  }
  return { found: true, value: cur };
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Parses the JSON document a command printed: the whole stdout, or else its last non-empty line (JSON Lines, logs before it). */
export function parseJsonOutput(stdout: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(stdout) };
  } catch (err) {
    const lastLine = stdout.trimEnd().split('\n').pop() ?? '';
    try {
      return { ok: true, value: JSON.parse(lastLine) };
    } catch {
      return { ok: false, error: (err as Error).message };
    }
  }
}

/** Every check of `spec` against what the process did; with no spec, exit code 0 is expected. */
export function checkExpect(spec: ExpectSpec | undefined, observed: Observed): CheckResult[] {
  const results: CheckResult[] = [];
  const codes = list(spec?.exit);
  const accepted = codes.length ? codes : [0];
  results.push({
    check: `exit ${accepted.join(' or ')}`,
    ok: observed.exitCode !== undefined && accepted.includes(observed.exitCode),
    detail: observed.exitCode === undefined ? 'the process did not exit normally' : `exit code was ${observed.exitCode}`,
  });
  for (const [stream, text] of [
    ['stdout', observed.stdout],
    ['stderr', observed.stderr],
  ] as const) {
    for (const p of list(spec?.[stream])) {
      const pat = compilePattern(p);
      results.push({ check: `${stream} ${pat.label}`, ok: pat.test(text), detail: `${stream} did not match` });
    }
    for (const p of list(spec?.[`${stream}_not`])) {
      const pat = compilePattern(p);
      results.push({ check: `${stream} never ${pat.label}`, ok: !pat.test(text), detail: `${stream} matched` });
    }
  }
  if (spec?.json && Object.keys(spec.json).length) {
    const parsed = parseJsonOutput(observed.stdout);
    for (const [path, want] of Object.entries(spec.json)) {
      const check = `json ${path} = ${short(want)}`;
      if (!parsed.ok) {
        results.push({ check, ok: false, detail: `stdout is not JSON (${parsed.error})` });
        continue;
      }
      const got = readPath(parsed.value, path);
      if (!got.found) {
        results.push({ check, ok: false, detail: `${path} is missing` });
        continue;
      }
      const ok = typeof want === 'string' && /^\/.+\/[a-z]*$/s.test(want) && typeof got.value === 'string' ? compilePattern(want).test(got.value) : sameJson(got.value, want);
      results.push({ check, ok, detail: `${path} was ${short(got.value)}` });
    }
  }
  return results.map((r) => (r.ok ? { check: r.check, ok: true } : r));
}
