// What every rule sees: the runbook, the effective policy, one shared shell/SQL parse per script, secret taint.
import type { LineIndex, Span } from '../language/positions';
import type { Runbook, Script, Step } from '../language/model';
import { sourceSpan, type ScalarOffsets } from '../language/scalar-offsets';
import { descendants, parseShell, type Expansion, type ShellCommand, type ShellParse, type ShellWord } from './shell/index';
import { parseSql, sqlOf, sqlSpan, type SqlStatement } from './sql/index';
import type { EffectivePolicy } from './policy';
import { isSecretName, secretProducer } from './secret-names';

/** SQL found in a script: from a database client in a shell script, or a whole `sql` step. */
export interface SqlUnit {
  /** The client command in the shell parse; null for `sql` steps. */
  commandId: number | null;
  statements: SqlStatement[];
  /** The SQL text the statement offsets refer to ('' for opaque files). */
  text: string;
  /** Script-text span of a range of the SQL text. */
  span(start: number, end: number): Span;
  /** `psql -f file`: the SQL is in a file the linter does not read. */
  file: string | null;
}

export interface ScriptInfo {
  script: Script;
  step: Step;
  /** The shell analysis of `run`/`wait.run` scripts; null for `sql` steps. */
  shell: ShellParse | null;
  sql: SqlUnit[];
  /** Secret variables in scope while the script runs (inputs, captures, policy names, assigned in it). */
  secretVars: Set<string>;
  /** The runbook-file span of a span of the script's text. */
  source(span: Span): Span;
}

export interface RuleContext {
  text: string;
  lines: LineIndex;
  runbook: Runbook;
  policy: EffectivePolicy;
  scripts: ScriptInfo[];
  scriptsOf(step: Step): ScriptInfo[];
  /** Steps by id (a list, so duplicates are visible). */
  stepsById: Map<string, Step[]>;
  isSecretVar(name: string, info?: ScriptInfo): boolean;
}

/** Expansion forms that put (part of) the value itself into the word. */
export function reveals(e: Expansion): boolean {
  return e.quoting !== 'single-literal' && !e.inTest && e.form !== 'length' && e.form !== 'alternative' && e.form !== 'indirect';
}

export function buildContext(text: string, lines: LineIndex, runbook: Runbook, policy: EffectivePolicy): RuleContext {
  const secretBase = new Set<string>();
  for (const i of runbook.inputs) if (i.secret) secretBase.add(i.name);
  for (const s of runbook.allSteps) if (s.capture?.secret) secretBase.add(s.capture.into);
  const isSecretVar = (name: string, info?: ScriptInfo): boolean =>
    secretBase.has(name) || (info?.secretVars.has(name) ?? false) || isSecretName(name, policy.secretNames);

  const byStep = new Map<Step, ScriptInfo[]>();
  const scripts = runbook.scripts.map((script) => {
    const info = scriptInfo(script);
    info.secretVars = taint(info, (n) => isSecretVar(n));
    const list = byStep.get(script.step) ?? [];
    list.push(info);
    byStep.set(script.step, list);
    return info;
  });
  const stepsById = new Map<string, Step[]>();
  for (const s of runbook.allSteps) {
    if (!s.id) continue;
    const list = stepsById.get(s.id.value) ?? [];
    list.push(s);
    stepsById.set(s.id.value, list);
  }
  return { text, lines, runbook, policy, scripts, scriptsOf: (step) => byStep.get(step) ?? [], stepsById, isSecretVar };
}

function scriptInfo(script: Script): ScriptInfo {
  let offsets: ScalarOffsets | null = null;
  const source = (span: Span): Span => {
    offsets ??= script.node.sourceOffsets();
    return sourceSpan(offsets, span.start, span.end);
  };
  if (script.field === 'sql') {
    const unit: SqlUnit = { commandId: null, statements: parseSql(script.text), text: script.text, span: (start, end) => ({ start, end }), file: null };
    return { script, step: script.step, shell: null, sql: [unit], secretVars: new Set(), source };
  }
  const shell = parseShell(script.text);
  const sql = sqlOf(shell).map((src): SqlUnit => ({ commandId: src.commandId, statements: src.statements, text: src.sql?.text ?? '', span: (s, e) => sqlSpan(src, s, e), file: src.sql ? null : src.file }));
  return { script, step: script.step, shell, sql, secretVars: new Set(), source };
}

/** Variables a script makes secret: captured from secret producers, copied from secrets, read silently. */
function taint(info: ScriptInfo, known: (name: string) => boolean): Set<string> {
  const out = new Set<string>();
  const parse = info.shell;
  if (!parse) return out;
  const secret = (n: string) => out.has(n) || known(n);
  // Two passes let a copy of a copy (A=$(gen); B=$A; C=$B) settle without a fixpoint loop on big scripts.
  for (let pass = 0; pass < 2; pass++) {
    for (const d of parse.definitions) {
      if (out.has(d.name)) continue;
      const fromProducer = d.sourceIds.some((id) => descendants(parse, id).some((c) => secretProducer(c) !== null || passesSecretOn(c, secret)));
      const fromSecret = d.value?.expansions.some((e) => reveals(e) && secret(e.name)) ?? false;
      const silentRead = d.kind === 'read' && d.commandId !== null && parse.commands[d.commandId]!.args.some((w) => /^-[a-zA-Z]*s/.test(w.value ?? ''));
      if (fromProducer || fromSecret || silentRead) out.add(d.name);
    }
  }
  return out;
}

/** A filter in a substitution fed a secret (`$(echo -n "$USER:$PASS" | base64)`): its output carries it on. */
function passesSecretOn(c: ShellCommand, secret: (n: string) => boolean): boolean {
  if (!c.name || !passThrough.has(c.name)) return false;
  const reveal = (w: ShellWord | null | undefined) => w?.expansions.some((e) => reveals(e) && secret(e.name)) ?? false;
  return c.args.some(reveal) || c.redirects.some((r) => r.operator === '<<<' && reveal(r.target)) || c.redirects.some((r) => r.heredoc !== undefined && !r.heredoc.quoted && r.heredoc.expansions.some((e) => reveals(e) && secret(e.name)));
}

/** The first place a word puts a secret into its value: a secret variable or a secret producer's output. */
export function secretInWord(ctx: RuleContext, info: ScriptInfo, w: ShellWord): { span: Span; what: string } | null {
  for (const e of w.expansions) if (reveals(e) && ctx.isSecretVar(e.name, info)) return { span: e.span, what: `$${e.name}` };
  const parse = info.shell;
  if (!parse) return null;
  for (const id of w.substitutionIds) {
    for (const c of descendants(parse, id)) {
      const why = secretProducer(c);
      if (why && c.stdout === 'captured') return { span: c.span, what: `the output of ${c.name}` };
    }
  }
  return null;
}

/** Commands that take a secret on stdin and keep it: their output does not echo it. */
function storesStdin(c: ShellCommand): boolean {
  const a = c.args.map((w) => w.value ?? '');
  switch (c.name) {
    case 'vault':
    case 'kubectl':
    case 'oc':
    case 'gpg':
    case 'age':
    case 'ssh-add':
    case 'psql':
    case 'mysql':
    case 'sqlite3':
    case 'infisical':
    case 'op':
    case 'heroku':
    case 'gh':
      return true;
    case 'docker':
    case 'podman':
    case 'helm':
      return a.some((x) => x.endsWith('-stdin'));
    case 'aws':
    case 'gcloud':
    case 'az':
      return a.some((x) => x.includes('/dev/stdin') || x === '-' || x.endsWith('=-'));
    default:
      return false;
  }
}

/** Consumers that reduce their input to something that does not reveal it. */
const neutralizers = new Set(['wc', 'sha256sum', 'sha1sum', 'sha512sum', 'md5sum', 'cksum', 'b2sum', 'shasum', 'true', ':', 'test', 'cmp', 'diff']);
/** Filters that pass (part of) their input to their output. */
const passThrough = new Set(['cat', 'tee', 'sed', 'awk', 'gawk', 'cut', 'tr', 'head', 'tail', 'sort', 'uniq', 'base64', 'base32', 'basenc', 'xxd', 'od', 'hexdump', 'jq', 'yq', 'column', 'less', 'more', 'fold', 'rev', 'paste', 'nl', 'fmt', 'strings', 'xargs', 'echo', 'printf', 'grep', 'egrep', 'fgrep', 'rg']);
const greps = new Set(['grep', 'egrep', 'fgrep', 'rg']);

/** A grep told to print no lines (`-q`, `-c`, `-l`): it shows nothing of its input. */
function quietGrep(c: ShellCommand): boolean {
  const opts = c.args.filter((w) => w.value?.startsWith('-')).map((w) => w.value!);
  return opts.some((o) => /^-[a-zA-Z]*[qcl]/.test(o) || o === '--quiet' || o === '--count' || o === '--files-with-matches');
}

/**
 * A filter that writes (part of, or an encoding of) what it reads on stdin to its stdout: fed a
 * here-string, a heredoc or `< file`, it prints that input (`rev <<< "$T"`, `base32 < key`, `xxd`).
 * `echo`, `printf` and `xargs` pass data on in a pipe but never print their own stdin.
 */
export function printsStdin(c: ShellCommand): boolean {
  if (!c.name || !passThrough.has(c.name) || c.name === 'xargs' || c.name === 'echo' || c.name === 'printf') return false;
  return !(greps.has(c.name) && quietGrep(c));
}

/**
 * Whether a command's stdout ends up on the operator's terminal, following pipes through filters that
 * pass the data on. `listing` data (a whole environment, all config values) is only shown by a grep
 * whose pattern selects secret-looking names.
 */
export function shownOnTerminal(ctx: RuleContext, info: ScriptInfo, c: ShellCommand, listing: boolean, seen = new Set<number>()): boolean {
  if (seen.has(c.id)) return false;
  seen.add(c.id);
  // A step with `capture` hands its stdout to the runner, which keeps it secret.
  if (c.stdout === 'terminal') return !(info.script.field === 'run' && info.step.capture && info.step.capture.from === 'stdout');
  if (c.stdout !== 'pipe' || !info.shell) return false;
  return c.pipeTo.some((id) => {
    const next = info.shell!.commands[id]!;
    if (!next.name || neutralizers.has(next.name) || storesStdin(next)) return false;
    // `| tee /dev/stderr | consumer` copies the data to the terminal on the way.
    if (next.name === 'tee' && next.args.some((w) => /^\/dev\/(stderr|tty|stdout)$|^\/proc\/self\/fd\/[12]$/.test(w.value ?? ''))) return true;
    if (!passThrough.has(next.name)) return false;
    if (greps.has(next.name)) {
      if (quietGrep(next)) return false;
      if (listing && !grepSelectsSecrets(ctx, info, next)) return false;
    }
    if (next.name === 'xargs' || next.name === 'echo' || next.name === 'printf') return shownOnTerminal(ctx, info, next, false, seen);
    return shownOnTerminal(ctx, info, next, listing, seen);
  });
}

const secretWords = /(^|[^A-Z])(KEY|KEYS|SECRET|SECRETS|TOKEN|PASSWORD|PASSWD|PRIVKEY|PRIVATE|SIGNING|SEED|CREDENTIAL|CREDENTIALS|PASS)([^A-Z]|$)/;

/** A grep over a listing shows secrets when its pattern names them (or matches everything). */
function grepSelectsSecrets(ctx: RuleContext, info: ScriptInfo, g: ShellCommand): boolean {
  const patterns = g.args.filter((w, i) => !(w.value?.startsWith('-') ?? false) || (i > 0 && g.args[i - 1]!.value === '-e'));
  const pattern = patterns[0];
  if (!pattern || pattern.value === null) return true;
  const p = pattern.value.toUpperCase();
  if (p === '' || p === '.' || p === '.*' || p === '=') return true;
  const literal = p.replace(/[\^$\\.*+?()[\]{}|]/g, '');
  if (secretWords.test(literal)) return true;
  if (ctx.isSecretVar(literal, info)) return true;
  // A prefix of a secret name pattern from the policy (`TRACE_SIGNING` for `TRACE_SIGNING_PRIVKEY_*`).
  return ctx.policy.secretNames.some((re) => re.source.replace(/^\^/, '').toUpperCase().startsWith(literal));
}
