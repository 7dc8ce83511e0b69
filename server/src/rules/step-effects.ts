// Per step: every destructive or state-changing action found in its scripts, with file spans.
import type { Step } from '../language/model';
import type { Span } from '../language/positions';
import type { RuleContext } from './context';
import { destructive, destructiveSql, nonDestructiveChange, sqlChange } from './effects';
import { argv, commandSpan } from './helpers';

export interface Effect {
  span: Span;
  why: string;
  destructive: boolean;
  /** Deleting files or data outright cannot be rolled back by another step. */
  reversible: boolean;
}

const irreversible = new Set(['rm', 'shred', 'wipefs', 'mkfs', 'dd', 'dropdb', 'redis-cli', 'gsutil', 'find', 's3cmd', 'rclone', 'mc']);

/** Three rules ask for the same steps' effects; one lint computes them once. */
const cache = new WeakMap<RuleContext, Map<Step, Effect[]>>();

export function stepEffects(ctx: RuleContext, step: Step): Effect[] {
  let byStep = cache.get(ctx);
  if (!byStep) cache.set(ctx, (byStep = new Map()));
  let effects = byStep.get(step);
  if (!effects) byStep.set(step, (effects = computeEffects(ctx, step)));
  return effects;
}

/** A step's effects as a previous analysis computed them (moved with its text), so this one reuses them. */
export function reuseStepEffects(ctx: RuleContext, step: Step, effects: Effect[]): void {
  let byStep = cache.get(ctx);
  if (!byStep) cache.set(ctx, (byStep = new Map()));
  byStep.set(step, effects);
}

/** A step's effects if this analysis computed (or reused) them, without computing them. */
export function computedStepEffects(ctx: RuleContext, step: Step): Effect[] | undefined {
  return cache.get(ctx)?.get(step);
}

function computeEffects(ctx: RuleContext, step: Step): Effect[] {
  const out: Effect[] = [];
  for (const info of ctx.scriptsOf(step)) {
    // A `wait` poll only reads; what it runs is not a change.
    if (info.script.field === 'wait.run') continue;
    for (const c of info.shell?.commands ?? []) {
      const d = destructive(c) ?? (ctx.policy.dangerousCommands.length ? policyDanger(ctx, [c.name ?? '', ...argv(c)]) : null);
      const change = d ?? nonDestructiveChange(c);
      if (change) out.push({ span: commandSpan(info, c), why: change, destructive: d !== null, reversible: !irreversible.has(c.name ?? '') });
    }
    for (const unit of info.sql) {
      for (const st of unit.statements) {
        const d = destructiveSql(st);
        const change = d ?? sqlChange(st);
        if (change) out.push({ span: info.source(unit.span(st.keywordStart, st.keywordEnd)), why: change, destructive: d !== null, reversible: st.kind !== 'DROP' && st.kind !== 'TRUNCATE' });
      }
    }
  }
  return out;
}

/** `dangerous_commands` from the policy match as word prefixes (`make demo-down`). */
function policyDanger(ctx: RuleContext, words: string[]): string | null {
  const hit = ctx.policy.dangerousCommands.find((p) => p.every((w, i) => words[i] === w));
  return hit ? `${hit.join(' ')} is listed as dangerous in the policy` : null;
}
