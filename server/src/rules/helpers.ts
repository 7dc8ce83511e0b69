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

/** Whether the command is `name sub…` (e.g. `kubectl rollout restart`), skipping options before the subcommand. */
export function isCommand(c: ShellCommand, name: string, ...sub: string[]): boolean {
  if (c.name !== name) return false;
  const words = argv(c).filter((a, i, all) => !a.startsWith('-') && !(i > 0 && /^-(n|a|r|-namespace|-app|-context|-remote)$/.test(all[i - 1]!)));
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
