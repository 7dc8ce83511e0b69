// The dry-run view of a plan: every step, what it needs, whether it is dangerous, its checks and its rollback.
import { formatDuration } from '../../../server/src/language/duration';
import { checkLabels, type ExpectSpec } from './expect';
import type { Plan, PlanStep, Condition } from './plan-types';
import { parkable } from './machine/park';

/** One line per check a step's `expect` will make, in the words the run reports them. */
export function describeExpect(e: ExpectSpec | undefined, kind: PlanStep['kind']): string[] {
  return kind === 'manual' ? [] : checkLabels(e);
}

/** A `when` condition in words (the plan view, condition events). */
export function describeWhen(c: Condition): string {
  if ('question' in c) return `operator answers yes to "${c.question}"`;
  const parts: string[] = [];
  if (c.capture) {
    const tests = [...('equals' in c ? [`= ${JSON.stringify(c.equals)}`] : []), ...(c.in ? [`in ${JSON.stringify(c.in)}`] : []), ...('not' in c ? [`!= ${JSON.stringify(c.not)}`] : []), ...(c.matches !== undefined ? [`matches /${c.matches}/`] : [])];
    return `captured ${c.input} ${tests.join(' and ') || 'is set'}`;
  }
  if ('equals' in c) parts.push(`${c.input} = ${JSON.stringify(c.equals)}`);
  if (c.in) parts.push(`${c.input} in ${JSON.stringify(c.in)}`);
  if ('not' in c) parts.push(`${c.input} != ${JSON.stringify(c.not)}`);
  return parts.join(' and ') || `${c.input} is set`;
}

function stepLines(s: PlanStep, n: string): string[] {
  const lines = [`${n} ${s.id} [${s.kind}]${s.title !== (s.baseId ?? s.id) ? ` ${s.title}` : ''}`];
  const add = (label: string, value: string) => lines.push(`     ${label.padEnd(9)} ${value}`);
  if (s.run !== undefined) {
    const first = s.run.trim().split('\n');
    add(s.kind === 'sql' ? 'sql' : 'run', `${first[0]}${first.length > 1 ? ` … (+${first.length - 1} lines)` : ''}`);
  }
  if (s.kind === 'sql') add('database', `$${s.database} (passed to psql by environment)`);
  if (s.manual !== undefined) add('manual', s.manual.trim().split('\n')[0]!);
  if (s.when?.length) add('when', s.when.map(describeWhen).join('; '));
  if (s.needs.length) add('needs', s.needs.join(', '));
  if (s.confirm) add('DANGER', `confirm before running (${s.confirm.why})${s.confirm.targetInput ? `: type the value of ${s.confirm.targetInput}` : ''}`);
  if (s.unconfirmed !== undefined) add('DANGER', `runs WITHOUT confirmation (confirm.required: false): ${s.unconfirmed}`);
  for (const f of s.findings ?? []) add('finding', f);
  const checks = s.kind === 'wait' && s.run === undefined ? [] : describeExpect(s.expect, s.kind);
  if (checks.length) add(s.kind === 'wait' ? 'until' : 'checks', checks.join('; '));
  if (s.wait?.forMs !== undefined) add('wait', `${formatDuration(s.wait.forMs)}${parkable(s) ? ' (may park the run: resume with runsafe run --resume after it)' : ''}`);
  else if (s.wait) add('poll', `every ${formatDuration(s.wait.everyMs)}, give up after ${formatDuration(s.wait.timeoutMs ?? 300_000)}`);
  if (s.retry && s.retry.attempts > 1) add('retry', `${s.retry.attempts} attempts, ${formatDuration(s.retry.delayMs)} apart${s.retry.backoff && s.retry.backoff !== 1 ? ` (x${s.retry.backoff})` : ''}`);
  if (s.timeoutMs !== undefined) add('timeout', formatDuration(s.timeoutMs));
  if (s.capture) add('capture', `${s.capture.from} -> ${s.capture.into}${s.capture.secret ? ' (secret: never shown or recorded)' : ''}`);
  if (s.irreversible) add('DANGER', 'IRREVERSIBLE: nothing undoes it (typed confirmation always)');
  if (s.rollback.length) add('rollback', s.rollback.join(', '));
  else if (s.rollbackNone !== undefined) add('rollback', `none: ${s.rollbackNone}`);
  if (s.unsafeAfter?.length) add('unsafe', `after ${s.unsafeAfter.join(', ')}: withheld (never offered or run) once one of them has started`);
  if (s.routeTo !== undefined) add('on fail', `route into section "${s.routeTo}" first (on_failure), then the failure prompt`);
  if (s.continueOnFailure) add('on fail', 'continue (recorded)');
  else if (s.skippable) add('on fail', 'the failure prompt may also skip it (skippable)');
  return lines;
}

/** The plan as text, for `runsafe run --dry-run`. */
export function formatPlan(plan: Plan): string {
  const out: string[] = [`Plan for ${plan.runbook.title} (${plan.runbook.id})`, `  file ${plan.runbook.path}  sha256 ${plan.runbook.sha256.slice(0, 16)}…`];
  if (plan.inputs.length) {
    out.push('', 'Inputs (passed to steps as environment variables only):');
    for (const i of plan.inputs) {
      const facts = [i.secret ? 'secret: from the environment or a hidden prompt, never argv' : undefined, i.enum ? `one of ${i.enum.join(', ')}` : undefined, i.default !== undefined ? `default ${i.default}` : undefined, i.type && i.type !== 'string' ? i.type : undefined];
      out.push(`  ${i.name}${i.description ? ` - ${i.description}` : ''}${facts.some(Boolean) ? ` (${facts.filter(Boolean).join('; ')})` : ''}`);
    }
  }
  if (plan.preconditions.length) {
    out.push('', 'Preconditions (all must pass before anything runs):');
    plan.preconditions.forEach((s, i) => out.push(...stepLines(s, `  P${i + 1}.`)));
  }
  out.push('', 'Steps:');
  let section: string | undefined;
  let item: number | undefined;
  plan.steps.forEach((s, i) => {
    if (s.section !== section || s.loop?.index !== item) {
      section = s.section;
      item = s.loop?.index;
      const bound = Object.entries(s.bind ?? {}).map(([k, v]) => `${k}=${v}`).join(', ');
      if (section) out.push(`  ── ${section}${s.loop ? ` · ${s.loop.index}/${s.loop.of} ${s.loop.label} (${bound})` : ''} ──`);
    }
    out.push(...stepLines(s, `  ${String(i + 1).padStart(2)}.`));
  });
  if (plan.rollbacks.length) {
    out.push('', 'Rollbacks (offered when a step fails: run, skip or abort):');
    plan.rollbacks.forEach((s, i) => out.push(...stepLines(s, `  R${i + 1}.`)));
  }
  out.push('', 'After a failed step: [r]etry / roll[b]ack / [s]kip (skippable steps) / [a]bort on a terminal; without one, --on-failure stop|rollback|retry=N.');
  const dangerous = plan.steps.filter((s) => s.confirm).map((s) => s.id);
  out.push('', dangerous.length ? `Needs confirmation: ${dangerous.join(', ')} (non-interactive: --confirm <step-id>)` : 'No step needs confirmation.');
  if (plan.problems.length) out.push('', 'Problems (the plan cannot run):', ...plan.problems.map((p) => `  ${p}`));
  return `${out.join('\n')}\n`;
}
