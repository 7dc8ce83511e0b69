// Turns a parsed runbook (and its lint findings) into a Plan: ordered steps with sections, needs, checks, confirmations and rollbacks.
import { dirname, resolve } from 'node:path';
import { flattenSteps, type Expect, type Problem, type Runbook, type Section, type Step, type When } from '../../../server/src/language/index';
import type { Danger } from '../../../server/src/rules/confirmations';
import { decideConfirmation } from './confirmation';
import type { StepKind } from './events';
import type { ExpectSpec } from './expect';
import type { InputDecl } from './inputs';
import { OPTIONAL_SECTION_KINDS, type Condition, type Plan, type PlanSection, type PlanStep } from './plan-types';
import { sqlSourceLines } from './sql-lines';
import { expandLoops } from './loop-plan';
import { planRoutes } from './machine/routes';


function plainExpect(e: Expect | undefined): ExpectSpec | undefined {
  if (!e) return undefined;
  const { node: _node, ...rest } = e;
  return rest;
}

function condition(w: When | undefined, owner: string): Condition[] {
  if (!w) return [];
  if ('question' in w) return [{ question: w.question, owner }];
  if ('capture' in w) {
    const { node: _node, capture, ...tests } = w;
    return [{ input: capture, capture: true, ...tests }];
  }
  const { node: _node, ...rest } = w;
  return [rest];
}

/** What a step does (run, sql, manual, wait), whatever group it sits in: the engine dispatches on it. */
function stepKind(step: Step): StepKind | undefined {
  return step.kind === 'unknown' ? undefined : step.kind;
}

const GROUP: Record<Step['group'], PlanStep['group']> = { preconditions: 'precondition', steps: 'step', rollback: 'rollback' };

/** What `--section` names: the section's id, or its title when it has none. */
export function sectionKey(s: Section): string {
  return s.id?.value ?? s.title.value;
}

function planSection(s: Section): PlanSection {
  return { key: sectionKey(s), title: s.title.value, kind: s.kind };
}

export interface PlanOptions {
  path: string;
  sha256: string;
  /** Lint findings (schema and rules) to attach to steps. */
  problems?: Problem[];
  /** The runbook's source text, to locate SQL errors at runbook lines. */
  text?: string;
  /** What makes steps need confirmation (lintDangers), whatever the severities and suppressions. */
  dangers?: Danger[];
}

/** Builds the plan; problems that make it unrunnable are collected in `plan.problems`, never thrown. */
export function buildPlan(runbook: Runbook, o: PlanOptions): Plan {
  const problems: string[] = [];
  const findingsOf = (step: Step) =>
    (o.problems ?? []).filter((p) => p.span.start >= step.node.span.start && p.span.end <= step.node.span.end && p.severity !== 'info');
  // Steps (with preconditions) and rollbacks are two namespaces: `rollback:` names the latter.
  const seen = { steps: new Set<string>(), rollback: new Set<string>() };
  let anonymous = 0;

  const convert = (step: Step): PlanStep | undefined => {
    const id = step.id?.value ?? `step-${++anonymous}`;
    const names = step.group === 'rollback' ? seen.rollback : seen.steps;
    if (names.has(id)) problems.push(`duplicate ${step.group === 'rollback' ? 'rollback' : 'step'} id '${id}'`);
    names.add(id);
    const kind = stepKind(step);
    if (!kind) {
      problems.push(`step '${id}' has no run, sql, manual or wait`);
      return undefined;
    }
    const sections: Section[] = step.sections;
    const p: PlanStep = {
      id,
      title: step.title ?? id,
      kind,
      group: GROUP[step.group],
      needs: step.needs.map((n) => n.value),
      rollback: step.rollback.map((r) => r.value),
    };
    if (sections.length) p.section = sections.map((s) => s.title.value).join(' › ');
    const optional = sections.filter((s) => OPTIONAL_SECTION_KINDS.has(s.kind)).map(planSection);
    if (optional.length) p.optionalSections = optional;
    const when = [...sections.flatMap((s) => condition(s.when, `section:${sectionKey(s)}`)), ...condition(step.when, id)];
    if (when.length) p.when = when;
    if (step.script) p.run = step.script.text;
    if (step.kind === 'sql') {
      p.database = step.database ?? 'DATABASE_URL';
      if (!step.transaction) p.transaction = false;
      if (step.script && o.text !== undefined) p.sqlLines = sqlSourceLines(step.script.node, step.script.text, o.text);
    }
    p.shell = step.shell;
    if (step.cwd !== undefined) p.cwd = resolve(dirname(o.path), step.cwd);
    if (step.manual) p.manual = step.manual.value;
    if (step.checklist.length) p.checklist = step.checklist;
    const expect = plainExpect(step.expect);
    if (expect) p.expect = expect;
    if (step.kind !== 'sql' && (expect?.rows !== undefined || expect?.row !== undefined)) problems.push(`step '${id}': expect rows/row check a sql step's result; this step is not sql`);
    if (step.capture) p.capture = { into: step.capture.into, secret: step.capture.secret, from: step.capture.from, json: step.capture.json, trim: step.capture.trim };
    if (step.retry) p.retry = { attempts: step.retry.attempts, delayMs: step.retry.delayMs, backoff: step.retry.backoff };
    if (step.timeoutMs !== undefined) p.timeoutMs = step.timeoutMs;
    if (Object.keys(step.env).length) p.env = step.env;
    if (step.continueOnFailure) p.continueOnFailure = true;
    if (step.skippable) p.skippable = true;
    if (step.rollbackNone !== undefined) p.rollbackNone = step.rollbackNone;
    if (step.irreversible) p.irreversible = true;
    if (step.unsafeAfter.length) p.unsafeAfter = step.unsafeAfter.map((u) => u.value);
    if (step.secrets.length) p.secrets = step.secrets;
    if (step.wait) {
      const w = step.wait;
      p.wait = { everyMs: w.everyMs };
      if (w.forMs !== undefined) p.wait.forMs = w.forMs;
      if (w.timeoutMs !== undefined) p.wait.timeoutMs = w.timeoutMs;
      if (w.progress !== undefined) p.wait.progress = w.progress;
      if (w.script) p.run = w.script.text;
      const until = plainExpect(w.until);
      if (until) p.expect = until;
      if (w.script && w.timeoutMs === undefined) problems.push(`wait step '${id}' polls without a timeout`);
    }
    const findings = findingsOf(step);
    if (findings.length) p.findings = findings.map((f) => `${f.code}: ${f.message}`);
    const decision = decideConfirmation(step, o.dangers ?? [], runbook.target);
    if (decision.confirm) p.confirm = decision.confirm;
    if (decision.unconfirmed !== undefined) p.unconfirmed = decision.unconfirmed;
    return p;
  };

  const preconditions = runbook.preconditions.flatMap((s) => convert(s) ?? []);
  const model = flattenSteps(runbook.items);
  const converted = model.map(convert);
  const rollbacks = runbook.rollback.flatMap((s) => convert(s) ?? []);
  const steps = expandLoops(runbook, model, converted, rollbacks, problems, sectionKey);

  // needs must name a step that runs earlier (or a precondition); rollback must name a rollback step.
  const earlier = new Set(preconditions.map((s) => s.id));
  for (const s of steps) {
    for (const n of s.needs) if (!earlier.has(n)) problems.push(seen.steps.has(n) ? `step '${s.id}' needs '${n}', which runs after it` : `step '${s.id}' needs '${n}', which does not exist`);
    earlier.add(s.id);
  }
  const rollbackIds = new Set(rollbacks.map((r) => r.id));
  for (const s of [...steps, ...preconditions]) for (const r of s.rollback) if (!rollbackIds.has(r)) problems.push(`step '${s.id}' names rollback '${r}', which is not in the rollback list`);
  for (const s of [...steps, ...preconditions]) if (s.unsafeAfter) problems.push(`step '${s.id}' has unsafe_after, which only a step of the rollback list may have`);
  for (const r of rollbacks) for (const u of r.unsafeAfter ?? []) if (!seen.steps.has(u)) problems.push(`rollback '${r.id}' is unsafe after '${u}', which is not a step`);

  const inputs: InputDecl[] = runbook.inputs.map((i) => {
    const d: InputDecl = { name: i.name, type: i.type, secret: i.secret, allowShort: i.allowShort, required: i.required };
    if (i.description !== undefined) d.description = i.description;
    if (i.enum) d.enum = i.enum.filter((v): v is string | number | boolean => v !== null);
    if (i.default !== undefined && i.default !== null) d.default = i.default;
    if (i.pattern !== undefined) d.pattern = i.pattern;
    return d;
  });

  const sections: Plan['sections'] = [];
  const walk = (items: Runbook['items']) => {
    for (const i of items) {
      if (i.type !== 'section') continue;
      sections.push({ ...planSection(i.section), optional: OPTIONAL_SECTION_KINDS.has(i.section.kind) });
      walk(i.section.items);
    }
  };
  walk(runbook.items);
  const sectionKeys = new Set<string>();
  for (const s of sections) {
    if (sectionKeys.has(s.key)) problems.push(`two sections are named '${s.key}': give one an id`);
    sectionKeys.add(s.key);
  }
  problems.push(...planRoutes(runbook, [...preconditions, ...steps], sections));

  return {
    runbook: { id: runbook.id?.value ?? 'runbook', title: runbook.title?.value ?? runbook.id?.value ?? o.path, path: o.path, sha256: o.sha256 },
    inputs,
    preconditions,
    steps,
    rollbacks,
    sections,
    problems,
  };
}
