// Small shared pieces for rules: command matching, step edits (add `confirm: true`), script-to-file spans.
import type { Span } from '../language/positions';
import type { Step } from '../language/model';
import type { RuleContext, ScriptInfo } from './context';
import type { ShellCommand } from './shell/index';
import type { Fix } from './types';

/** Static argument values ('' for dynamic words, so positions stay aligned). */
export function argv(c: ShellCommand): string[] {
  return c.args.map((w) => w.value ?? '');
}

/** Options that take the next word as their value in most CLIs (so the value is not a subcommand). */
const valueOptions = /^-(n|a|r|p|-namespace|-app|-context|-remote|-kubeconfig|-project|-profile|-region|-file|-env-file|-project-name|-project-directory)$/;

/**
 * Positional words (subcommands and operands): options are skipped, and so are the values of
 * options that take one (`-n prod`), and `extraValueOptions` for this command (`-f` of docker compose).
 * A dynamic word counts as an option when it is written as one (`-url="$JDBC_URL"`), else as ''.
 */
export function positionals(c: ShellCommand, extraValueOptions: string[] = []): string[] {
  const out: string[] = [];
  for (let i = 0; i < c.args.length; i++) {
    const w = c.args[i]!;
    const a = w.value ?? (w.text.startsWith('-') ? w.text : '');
    if (a.startsWith('-') && a.length > 1) {
      if (!a.includes('=') && (valueOptions.test(a) || extraValueOptions.includes(a))) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

/** Whether the command is `name sub…` (e.g. `kubectl rollout restart`), skipping options before the subcommand. */
export function isCommand(c: ShellCommand, name: string, ...sub: string[]): boolean {
  if (c.name !== name) return false;
  const words = positionals(c);
  return sub.every((s, i) => words[i] === s);
}

/** Short-option clusters (`-rf`) and long options of a command. */
export function hasFlag(c: ShellCommand, short: string, ...long: string[]): boolean {
  return argv(c).some((a) => (short && /^-[a-zA-Z]+$/.test(a) && a.includes(short)) || long.some((l) => a === l || a.startsWith(`${l}=`)));
}

export function confirmed(step: Step): boolean {
  return step.confirm !== undefined || step.dangerous;
}

/** The file span of a command: from its name (or first word) to its end, mapped out of the script. */
export function commandSpan(info: ScriptInfo, c: ShellCommand): Span {
  const start = c.words[0]?.span.start ?? c.span.start;
  return info.source({ start, end: Math.max(start, c.words[c.words.length - 1]?.span.end ?? c.span.end) });
}

/** Every shell command in a step's scripts with the script it came from. */
export function* stepCommands(ctx: RuleContext, step: Step): Generator<[ScriptInfo, ShellCommand]> {
  for (const info of ctx.scriptsOf(step)) for (const c of info.shell?.commands ?? []) yield [info, c];
}

/**
 * Adds `key: value` to a block-style step map, on a new line after the step's first key, at the
 * indentation of its keys. Returns null for flow maps (`- {id: x}`), which need a human.
 */
export function addStepKey(ctx: RuleContext, step: Step, key: string, value: string, title: string): Fix | null {
  const first = step.node.pairs[0];
  if (!first || ctx.text[step.node.span.start] === '{') return null;
  const keyPos = ctx.lines.positionAt(first.key.span.start);
  const valueEnd = ctx.lines.positionAt(first.value.span.end);
  // The first pair must be on one line, or its value's last line is where the new key goes after.
  const insertLine = valueEnd.line;
  const at = ctx.lines.lineEnd(insertLine);
  const eol = ctx.text.includes('\r\n') ? '\r\n' : '\n';
  const indent = ' '.repeat(keyPos.character);
  return { title, edits: [{ span: { start: at, end: at }, newText: `${eol}${indent}${key}: ${value}` }], safe: true };
}
