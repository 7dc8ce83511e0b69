// secret-echo: a secret value reaching the operator's terminal (echo, printf, heredocs, set -x, env, generators).
import { docsUrl } from '../../language/docs';
import { printsStdin, secretInWord, reveals, shownOnTerminal, type RuleContext, type ScriptInfo } from '../context';
import { addStepKey, argv, commandSpan } from '../helpers';
import { isSecretName, printsEnvironment, secretProducer } from '../secret-names';
import type { ShellCommand } from '../shell/index';
import type { Finding, Fix, Rule } from '../types';

const printers = new Set(['echo', 'printf']);

export const secretEcho: Rule = {
  name: 'secret-echo',
  docs: docsUrl('secret-echo'),
  severity: 'error',
  summary: 'A secret value is printed to the terminal, where screen shares, scrollback and logs keep it.',
  scope: 'step',
  check(ctx) {
    const out: Finding[] = [];
    for (const info of ctx.scripts) {
      const p = info.shell;
      if (!p) continue;
      // Files a secret was written to earlier in the script, so printing them later is seen.
      const secretFiles = new Map<string, string>();
      for (const c of p.commands) {
        const file = writtenFile(c);
        if (file && (secretProducer(c) || (printers.has(c.name ?? '') && c.args.some((w) => secretInWord(ctx, info, w))))) secretFiles.set(file, secretProducer(c) ? `the output of ${c.name}` : `what ${c.name} wrote`);
        if (printers.has(c.name ?? '')) printed(ctx, info, c, out);
        else if (printsStdin(c)) heredocs(ctx, info, c, out);
        if (fileReaders.has(c.name ?? '') || printsStdin(c)) {
          // `base32 f` and `base32 < f` print the file alike.
          const fromStdin = printsStdin(c) ? c.redirects.flatMap((r) => (r.operator === '<' && r.target ? [r.target] : [])) : [];
          const read = [...c.args, ...fromStdin].find((w) => w.value !== null && secretFiles.has(w.value));
          if (read && shownOnTerminal(ctx, info, c, false)) out.push({ span: info.source(read.span), message: `${c.name} prints ${read.value}, which holds ${secretFiles.get(read.value!)} written above` });
        }
        if (c.name === 'curl') verboseCurl(ctx, info, c, out);
        if (isXtrace(c)) xtrace(ctx, info, c, out);
        if (printsEnvironment(c) && secretsInScope(ctx, info) && shownOnTerminal(ctx, info, c, true)) {
          out.push({ span: commandSpan(info, c), message: `\`${c.name}\` prints every environment variable, including the secrets this step receives` });
        }
        if (c.name === 'printenv' && c.args.some((w) => w.value && ctx.isSecretVar(w.value, info)) && shownOnTerminal(ctx, info, c, false)) {
          out.push({ span: commandSpan(info, c), message: 'printenv prints the secret value' });
        }
        const why = secretProducer(c);
        if (why) {
          const listing = c.name === 'heroku' && argv(c)[0] === 'config';
          if (shownOnTerminal(ctx, info, c, listing)) out.push({ span: commandSpan(info, c), message: `${why} to the terminal; capture it instead`, fixes: captureFix(ctx, info, c) });
        }
        if (c.name === 'heroku' && argv(c)[0] === 'config:set' && setsSecret(ctx, info, c) && c.stdout === 'terminal') {
          out.push({
            span: commandSpan(info, c),
            message: 'heroku config:set prints the values it sets; send its output to /dev/null',
            fixes: [{ title: 'Append >/dev/null 2>&1', edits: [{ span: point(info.source({ start: c.span.end, end: c.span.end }).start), newText: ' >/dev/null 2>&1' }], safe: true }],
          });
        }
      }
    }
    return out;
  },
};

const fileReaders = new Set(['cat', 'head', 'tail', 'less', 'more', 'bat', 'xxd', 'od', 'hexdump', 'base64', 'base32', 'basenc', 'strings', 'jq', 'yq']);

/** The file a command's stdout is redirected into (`> f`, `>> f`, `| tee f` is not followed). */
function writtenFile(c: ShellCommand): string | null {
  const r = c.redirects.find((x) => (x.operator === '>' || x.operator === '>>' || x.operator === '>|' || x.operator === '&>') && x.fd === 1 && x.target?.value);
  const v = r?.target?.value ?? null;
  return v && v !== '/dev/null' && !v.startsWith('/dev/') ? v : null;
}

/** Request headers that carry credentials. */
const authHeader = /^(authorization|proxy-authorization|x-vault-token|private-token|x-api-key|api-key|x-auth-token|cookie)\s*:/i;

/** `curl -v` (and `--trace-ascii -`) prints every request header, the Authorization header included. */
function verboseCurl(ctx: RuleContext, info: ScriptInfo, c: ShellCommand, out: Finding[]): void {
  const a = argv(c);
  const verbose = a.some((x) => x === '-v' || x === '--verbose' || /^-[a-zA-Z]*v[a-zA-Z]*$/.test(x)) && c.stderr === 'terminal';
  const trace = a.some((x, i) => (x === '--trace' || x === '--trace-ascii') && a[i + 1] === '-') && shownOnTerminal(ctx, info, c, false);
  if (!verbose && !trace) return;
  const header = c.args.find((w, i) => {
    const prev = a[i - 1] ?? '';
    const text = w.value ?? w.pieces.map((x) => (x.kind === 'literal' ? x.value : x.raw)).join('');
    if ((prev === '-H' || prev === '--header') && (authHeader.test(text) || secretInWord(ctx, info, w))) return true;
    return (prev === '-u' || prev === '--user') && (text.includes(':') || secretInWord(ctx, info, w) !== null);
  });
  if (header) out.push({ span: info.source(header.span), message: `curl ${verbose ? '-v' : '--trace-ascii -'} prints the request headers, and with them this credential, to the terminal` });
}

function point(at: number) {
  return { start: at, end: at };
}

function printed(ctx: RuleContext, info: ScriptInfo, c: ShellCommand, out: Finding[]): void {
  for (const w of c.args) {
    const s = secretInWord(ctx, info, w);
    if (!s || !shownOnTerminal(ctx, info, c, false)) continue;
    const e = w.expansions.find((x) => x.span.start === s.span.start);
    const fixes: Fix[] = e ? [{ title: `Print the length of ${e.name} instead`, edits: [{ span: info.source(e.span), newText: `\${#${e.name}}` }], safe: false }] : [];
    out.push({ span: info.source(s.span), message: `${c.name} prints ${s.what} to the terminal`, fixes });
  }
}

function heredocs(ctx: RuleContext, info: ScriptInfo, c: ShellCommand, out: Finding[]): void {
  for (const r of c.redirects) {
    if (r.operator === '<<<' && r.target) {
      const s = secretInWord(ctx, info, r.target);
      if (s && shownOnTerminal(ctx, info, c, false)) out.push({ span: info.source(s.span), message: `the here-string hands ${s.what} to ${c.name}, which prints it to the terminal` });
      continue;
    }
    if (!r.heredoc || r.heredoc.quoted) continue;
    for (const e of r.heredoc.expansions) {
      if (reveals(e) && ctx.isSecretVar(e.name, info) && shownOnTerminal(ctx, info, c, false)) {
        out.push({ span: info.source(e.span), message: `the heredoc expands $${e.name} and ${c.name} prints it to the terminal` });
      }
    }
  }
}

function isXtrace(c: ShellCommand): boolean {
  if (c.name !== 'set') return false;
  const a = argv(c);
  return a.some((x, i) => /^-[a-zA-Z]*x/.test(x) || (x === '-o' && a[i + 1] === 'xtrace'));
}

/** `set -x` matters when a secret is expanded after it in the same script. */
function xtrace(ctx: RuleContext, info: ScriptInfo, c: ShellCommand, out: Finding[]): void {
  const later = info.shell!.uses.find((u) => u.span.start > c.span.end && reveals(u) && ctx.isSecretVar(u.name, info));
  const off = info.shell!.commands.find((x) => x.name === 'set' && x.span.start > c.span.end && argv(x).some((a) => a === '+x' || a === '+o'));
  if (later && (!off || off.span.start > later.span.start)) {
    out.push({ span: commandSpan(info, c), message: `set -x traces every command with its values; $${later.name} is expanded after it` });
  }
}

function secretsInScope(ctx: RuleContext, info: ScriptInfo): boolean {
  return ctx.runbook.inputs.some((i) => i.secret) || ctx.runbook.allSteps.some((s) => s.capture?.secret) || info.secretVars.size > 0;
}

function setsSecret(ctx: RuleContext, info: ScriptInfo, c: ShellCommand): boolean {
  return c.args.some((w) => {
    const eq = (w.value ?? w.text).indexOf('=');
    const name = (w.value ?? w.text.replace(/^["']/, '')).slice(0, Math.max(0, eq));
    return (eq > 0 && isSecretName(name, ctx.policy.secretNames)) || secretInWord(ctx, info, w) !== null;
  });
}

/** A step whose whole script is the generator can capture its output instead of printing it. */
function captureFix(ctx: RuleContext, info: ScriptInfo, c: ShellCommand): Fix[] {
  const step = info.step;
  if (step.capture || info.script.field !== 'run' || info.shell!.commands.filter((x) => x.depth === 0).length !== 1 || c.depth !== 0) return [];
  const fix = addStepKey(ctx, step, 'capture', 'NEW_SECRET', 'Capture the output as a secret instead of printing it');
  // The variable name is a placeholder the author must choose, so --fix leaves it alone.
  return fix ? [{ ...fix, safe: false }] : [];
}
