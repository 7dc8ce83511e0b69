// broken-reference: `needs`, `rollback`, `unsafe_after`, `on_failure.section`, `confirm.target`, `when.input`, `when.capture` (or a secret one) or `database` naming nothing, `rollback` naming an ordinary step; duplicate ids; loops that bind nothing valid or a secret.
import { docsUrl } from '../../language/docs';
import { boundNames, runbookLoops } from '../../language/loops';
import { closest } from '../../language/suggest';
import { isSecretName } from '../secret-names';
import { mapGet } from '../../language/yaml-tree';
import type { LNode } from '../../language/yaml-tree';
import type { Finding, Rule } from '../types';

export const brokenReference: Rule = {
  name: 'broken-reference',
  docs: docsUrl('broken-reference'),
  severity: 'error',
  summary: 'A reference names a step or input that does not exist, or two steps share an id.',
  check(ctx) {
    const out: Finding[] = [];
    const ids = [...ctx.stepsById.keys()];
    const inputs = ctx.runbook.inputs.map((i) => i.name);
    const rollbackIds = ctx.runbook.allSteps.flatMap((s) => (s.group === 'rollback' && s.id ? [s.id.value] : []));
    const captures = ctx.runbook.allSteps.flatMap((s) => (s.capture ? [s.capture.into] : []));
    const hint = (name: string, options: string[]) => {
      const guess = closest(name, options);
      return guess ? `; did you mean '${guess}'?` : '';
    };
    const secretCaptures = new Set(ctx.runbook.allSteps.flatMap((s) => (s.capture?.secret ? [s.capture.into] : [])));
    const sections = ctx.runbook.allSteps.flatMap((s) => s.sections);
    const sectionNames = [...new Set(sections.flatMap((s) => [...(s.id ? [s.id.value] : []), s.title.value]))];
    const whens = new Set([...ctx.runbook.allSteps.map((s) => s.when), ...sections.map((s) => s.when)]);
    for (const when of whens) {
      if (!when || !('capture' in when)) continue;
      if (!captures.includes(when.capture)) out.push({ span: valueSpan(when.node, 'capture'), message: `when.capture '${when.capture}' is captured by no step${hint(when.capture, captures)}` });
      // Which steps ran is in the transcript and on screen: a branch on a secret would show it.
      else if (secretCaptures.has(when.capture)) out.push({ span: valueSpan(when.node, 'capture'), message: `when.capture '${when.capture}' is a secret capture; a branch on it would reveal it (capture it with secret: false if it is not secret)` });
    }
    for (const [id, steps] of ctx.stepsById) {
      for (const dup of steps.slice(1)) {
        const first = ctx.lines.positionAt(steps[0]!.id!.node.span.start).line + 1;
        out.push({ span: dup.id!.node.span, message: `duplicate step id '${id}' (first used on line ${first}); ids must be unique` });
      }
    }
    for (const loop of runbookLoops(ctx.runbook)) {
      out.push(...loop.problems);
      // A name local to the loop (not an input) that looks secret: its values would be runbook text, shown and recorded.
      const f = loop.section.forEach!;
      for (const v of f.items[0]?.values ?? []) {
        const n = String(v.name.value);
        if (!inputs.includes(n) && isSecretName(n, ctx.policy.secretNames)) out.push({ span: v.name.span, message: `a loop cannot bind ${n}: it is named like a secret, and item values are runbook text, shown in progress and recorded in the transcript` });
      }
    }
    for (const step of ctx.runbook.allSteps) {
      // Inside a loop its bound names stand for inputs.
      const known = [...inputs, ...boundNames(step)];
      for (const n of step.needs) {
        if (!ctx.stepsById.has(n.value)) out.push({ span: n.node.span, message: `needs '${n.value}', but no step has that id${hint(n.value, ids)}` });
        else if (n.value === step.id?.value) out.push({ span: n.node.span, message: 'a step cannot need itself' });
      }
      for (const r of step.rollback) {
        const named = ctx.stepsById.get(r.value);
        if (!named) out.push({ span: r.node.span, message: `rollback '${r.value}' names no step${hint(r.value, rollbackIds)}` });
        // The runner offers a step's rollback from the rollback list only; an ordinary step named here would run twice or never.
        else if (!named.some((s) => s.group === 'rollback')) out.push({ span: r.node.span, message: `rollback '${r.value}' is an ordinary step; \`rollback:\` names steps of the top-level \`rollback\` list${hint(r.value, rollbackIds)}` });
      }
      for (const u of step.unsafeAfter) {
        // A rollback's safety window is closed by a step (or precondition) starting; a rollback id here means nothing.
        if (step.group !== 'rollback') out.push({ span: u.node.span, message: 'unsafe_after belongs on a step of the top-level `rollback` list' });
        else if (!ctx.stepsById.get(u.value)?.some((s) => s.group !== 'rollback')) out.push({ span: u.node.span, message: `unsafe_after '${u.value}' names no step${hint(u.value, ids)}` });
      }
      const route = step.onFailure?.section;
      if (route && !sectionNames.includes(route.value)) out.push({ span: route.node.span, message: `on_failure.section '${route.value}' names no section${hint(route.value, sectionNames)}` });
      const target = step.confirm?.target;
      if (target !== undefined && !known.includes(target)) {
        out.push({ span: valueSpan(step.confirm!.node, 'target'), message: `confirm.target '${target}' is not an input${hint(target, known)}` });
      }
      const when = step.when;
      if (when && 'input' in when && !known.includes(when.input)) {
        out.push({ span: valueSpan(when.node, 'input'), message: `when.input '${when.input}' is not an input${hint(when.input, known)}` });
      }
      if (step.database !== undefined && step.database !== 'DATABASE_URL' && !known.includes(step.database) && !captures.includes(step.database) && !(step.database in step.env)) {
        out.push({ span: valueSpan(step.node, 'database'), message: `database '${step.database}' is not an input, capture or step env variable${hint(step.database, [...inputs, ...captures])}` });
      }
      if (step.capture && inputs.includes(step.capture.into)) {
        out.push({ span: step.capture.intoNode.span, message: `capture into '${step.capture.into}' overwrites the input of the same name` });
      }
    }
    return out;
  },
};

function valueSpan(node: LNode, key: string) {
  return (node.kind === 'map' ? mapGet(node, key)?.span : undefined) ?? node.span;
}
