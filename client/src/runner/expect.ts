// Checks a finished process against a step's `expect`: exit code, stdout/stderr text checks, JSON field checks.
import type { Expect, JsonCheck, TextCheck } from '../../../server/src/language/index';
import { compileLinear, type LinearRegex } from './linear-regex';

/** A step's `expect` (or a wait's `until`) as the runbook model reads it, without source nodes. */
export type ExpectSpec = Omit<Expect, 'node'>;

export interface CheckResult {
  /** What was checked, e.g. `exit`, `stdout contains "status=pass"`, `json status`. */
  check: string;
  ok: boolean;
  /** What was seen instead (`got 3`), short enough for a terminal line; never holds secret values (callers mask). */
  detail?: string;
}

/**
 * A failed check as what happened: `expected exit 0, got 3`; the terminal, step details and the
 * transcript say it alike. Failures that are not an expectation (a timeout, a cancel, psql's
 * error) keep their own words: `timeout: timed out after 5s; …`.
 */
export function describeFailure(c: CheckResult): string {
  if (c.detail === undefined) return `expected ${c.check}, but it did not hold`;
  return /^(got|but) /.test(c.detail) ? `expected ${c.check}, ${c.detail}` : `${c.check}: ${c.detail}`;
}

export interface Observed {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
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

function describeKind(v: unknown): string {
  if (typeof v === 'string') return `a string of ${[...v].length} characters`;
  if (v === null) return 'null';
  return Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
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
      // V8's message quotes the text ("tok_LIVE_…" is not valid JSON): keep only where it broke.
      const at = /position (\d+)/.exec((err as Error).message);
      return { ok: false, error: at ? `invalid JSON at position ${at[1]}` : 'invalid JSON' };
    }
  }
}

/** A pattern on the linear-time engine (linear-regex.ts), or why it cannot be used. */
function regex(pattern: string): LinearRegex | string {
  const re = compileLinear(pattern, { multiline: true });
  return 'error' in re ? `but the pattern is not usable: ${re.error}` : re;
}

/** The checks of one stream: contains / not_contains / matches / not_matches / empty. */
function textChecks(stream: 'stdout' | 'stderr', check: TextCheck, text: string): CheckResult[] {
  const out: CheckResult[] = [];
  if (check.contains !== undefined) out.push({ check: `${stream} contains ${JSON.stringify(check.contains)}`, ok: text.includes(check.contains), detail: `but it is not in ${stream}` });
  if (check.not_contains !== undefined) out.push({ check: `${stream} does not contain ${JSON.stringify(check.not_contains)}`, ok: !text.includes(check.not_contains), detail: `but it is in ${stream}` });
  for (const [key, negate] of [['matches', false], ['not_matches', true]] as const) {
    const pattern = check[key];
    if (pattern === undefined) continue;
    const re = regex(pattern);
    const label = `${stream} ${negate ? 'does not match' : 'matches'} /${pattern}/`;
    if (typeof re === 'string') out.push({ check: label, ok: false, detail: re });
    else out.push({ check: label, ok: re.test(text) !== negate, detail: negate ? `but ${stream} matched` : `but ${stream} did not match` });
  }
  if (check.empty !== undefined) out.push({ check: `${stream} is ${check.empty ? '' : 'not '}empty`, ok: (text.trim() === '') === check.empty, detail: `but ${stream} was ${text.trim() === '' ? '' : 'not '}empty` });
  return out;
}

/** One JSON field check: a plain value means equals; an object states comparisons, all of which must hold. */
function jsonCheck(path: string, want: JsonCheck, doc: unknown, quiet: boolean): CheckResult[] {
  const got = readPath(doc, path);
  // A step that captures a secret may be checking the secret itself: say what kind of value, not which.
  const is = !got.found ? 'missing' : quiet ? describeKind(got.value) : short(got.value);
  const detail = `got ${is}`;
  if (want === null || typeof want !== 'object') {
    return [{ check: `json ${path} = ${short(want)}`, ok: got.found && sameJson(got.value, want), detail }];
  }
  const out: CheckResult[] = [];
  const num = typeof got.value === 'number' ? got.value : undefined;
  if (want.exists !== undefined) out.push({ check: `json ${path} ${want.exists ? 'exists' : 'is absent'}`, ok: got.found === want.exists, detail });
  if ('equals' in want) out.push({ check: `json ${path} = ${short(want.equals)}`, ok: got.found && sameJson(got.value, want.equals), detail });
  if ('not' in want) out.push({ check: `json ${path} != ${short(want.not)}`, ok: !got.found || !sameJson(got.value, want.not), detail });
  if (want.in) out.push({ check: `json ${path} in ${short(want.in)}`, ok: got.found && want.in.some((v) => sameJson(got.value, v)), detail });
  const cmp: [keyof typeof want, string, (a: number, b: number) => boolean][] = [
    ['gt', '>', (a, b) => a > b],
    ['gte', '>=', (a, b) => a >= b],
    ['lt', '<', (a, b) => a < b],
    ['lte', '<=', (a, b) => a <= b],
  ];
  for (const [key, op, f] of cmp) {
    const bound = want[key];
    if (typeof bound === 'number') out.push({ check: `json ${path} ${op} ${bound}`, ok: num !== undefined && f(num, bound), detail });
  }
  if (want.matches !== undefined) {
    const re = regex(want.matches);
    out.push({ check: `json ${path} matches /${want.matches}/`, ok: typeof re !== 'string' && typeof got.value === 'string' && re.test(got.value), detail: typeof re === 'string' ? re : detail });
  }
  return out;
}

/** Every check of `spec` against what the process did; with no spec, exit code 0 is expected. */
export function checkExpect(spec: ExpectSpec | undefined, observed: Observed, options: { quiet?: boolean } = {}): CheckResult[] {
  const accepted = spec?.exit?.length ? spec.exit : [0];
  const results: CheckResult[] = [
    {
      check: `exit ${accepted.join(' or ')}`,
      ok: observed.exitCode !== undefined && accepted.includes(observed.exitCode),
      detail: observed.exitCode === undefined ? 'but the process did not exit normally' : `got ${observed.exitCode}`,
    },
  ];
  if (spec?.stdout) results.push(...textChecks('stdout', spec.stdout, observed.stdout));
  if (spec?.stderr) results.push(...textChecks('stderr', spec.stderr, observed.stderr));
  if (spec?.json && Object.keys(spec.json).length) {
    const parsed = parseJsonOutput(observed.stdout);
    for (const [path, want] of Object.entries(spec.json)) {
      if (parsed.ok) results.push(...jsonCheck(path, want, parsed.value, options.quiet === true));
      else results.push({ check: `json ${path}`, ok: false, detail: `but stdout is not JSON (${parsed.error})` });
    }
  }
  return results.map((r) => (r.ok ? { check: r.check, ok: true } : r));
}

/** The words of every check `spec` makes, as a run reports them: the dry run shows these. */
export function checkLabels(spec: ExpectSpec | undefined): string[] {
  // Labels never depend on what was observed; '{}' only lets each JSON comparison name itself.
  return checkExpect(spec, { exitCode: 0, stdout: '{}', stderr: '' }).map((c) => c.check);
}
