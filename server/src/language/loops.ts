// Section loops (`for_each`): the items a loop runs (bound values and labels) and what is wrong with a loop. Pure.
import type { Input, Item, Runbook, Section, Step } from './model';
import type { Span } from './positions';

/** A loop expands every step of its section per item: bounded so a typo cannot plan a million steps. */
export const MAX_LOOP_ITEMS = 100;
/** Joins the values of an item's label: `RAPTOR_PAPER_GATE × prod`. */
export const LABEL_JOIN = ' × ';

export interface LoopItem {
  /** Name -> value, as environment variables see them. */
  bind: Record<string, string>;
  label: string;
}

export interface LoopProblem {
  span: Span;
  message: string;
}

export interface Loop {
  section: Section;
  /** The names every item binds, in the order written. */
  names: string[];
  /** Empty when the loop has problems: a broken loop runs no item. */
  items: LoopItem[];
  problems: LoopProblem[];
}

/** The innermost enclosing section that loops, if any. */
export function loopSectionOf(step: Step): Section | undefined {
  for (let i = step.sections.length - 1; i >= 0; i--) if (step.sections[i]!.forEach) return step.sections[i];
  return undefined;
}

/** The names a step's enclosing loop binds (empty outside loops). */
export function boundNames(step: Step): string[] {
  const s = loopSectionOf(step);
  return s ? loopNames(s) : [];
}

function loopNames(section: Section): string[] {
  const f = section.forEach!;
  if (f.product.length) return f.product.map((p) => p.value);
  return (f.items[0]?.values ?? []).map((v) => String(v.name.value));
}

function product(lists: string[][]): string[][] {
  return lists.reduce<string[][]>((acc, values) => acc.flatMap((row) => values.map((v) => [...row, v])), [[]]);
}

/** Expands one loop against the runbook's inputs. */
export function expandLoop(section: Section, inputs: readonly Input[]): Loop {
  const f = section.forEach!;
  const problems: LoopProblem[] = [];
  const names = loopNames(section);
  const byName = new Map(inputs.map((i) => [i.name, i] as const));
  const secretInput = (name: string, span: Span) => {
    if (!byName.get(name)?.secret) return false;
    problems.push({ span, message: `a loop cannot bind the secret input ${name}: item values are runbook text, shown in progress and recorded in the transcript` });
    return true;
  };
  let rows: string[][] = [];
  if (f.product.length) {
    const lists: string[][] = [];
    for (const p of f.product) {
      const input = byName.get(p.value);
      if (!input) problems.push({ span: p.node.span, message: `for_each.product names '${p.value}', which is not an input (product loops over inputs' enum values)` });
      else if (secretInput(p.value, p.node.span)) continue;
      else if (!input.enum?.some((v) => v !== null)) problems.push({ span: p.node.span, message: `input ${p.value} has no enum to loop over` });
      else lists.push(input.enum.filter((v) => v !== null).map(String));
    }
    if (!problems.length) rows = product(lists);
  } else {
    if (!f.items.length) problems.push({ span: f.node.span, message: 'for_each needs `product` or at least one item' });
    const key = names.join(',');
    for (const item of f.items) {
      const mine = item.values.map((v) => String(v.name.value));
      if (mine.join(',') !== key) {
        problems.push({ span: item.node.span, message: `every item binds the same names (${names.join(', ')}); this one binds ${mine.join(', ') || 'none'}` });
        continue;
      }
      for (const v of item.values) {
        const input = byName.get(String(v.name.value));
        if (!input || secretInput(input.name, v.name.span)) continue;
        const allowed = input.enum?.filter((e) => e !== null).map(String);
        if (allowed?.length && !allowed.includes(v.value)) problems.push({ span: v.node.span, message: `${input.name} = ${JSON.stringify(v.value)} is not one of its enum values (${allowed.join(', ')})` });
      }
      rows.push(item.values.map((v) => v.value));
    }
  }
  if (rows.length > MAX_LOOP_ITEMS) problems.push({ span: f.node.span, message: `this loop has ${rows.length} items; at most ${MAX_LOOP_ITEMS}` });
  const labelNames = f.label.map((l) => l.value);
  for (const l of f.label) if (!names.includes(l.value)) problems.push({ span: l.node.span, message: `for_each.label names '${l.value}', which the loop does not bind (${names.join(', ')})` });
  const labelIdx = (labelNames.length ? labelNames : names).map((n) => names.indexOf(n)).filter((i) => i >= 0);
  const items = rows.map((row) => ({ bind: Object.fromEntries(names.map((n, i) => [n, row[i]!])), label: labelIdx.map((i) => row[i]!).join(LABEL_JOIN) }));
  const seen = new Set<string>();
  for (const it of items) {
    if (seen.has(it.label)) problems.push({ span: f.node.span, message: `two items have the label ${JSON.stringify(it.label)}: labels name each item's steps, so they must differ (set for_each.label)` });
    seen.add(it.label);
  }
  return { section, names, items: problems.length ? [] : items, problems };
}

/** Every loop of the runbook, expanded; a loop inside a loop is a problem of the inner one. */
export function runbookLoops(runbook: Runbook): Loop[] {
  const out: Loop[] = [];
  const walk = (items: Item[], inLoop: boolean) => {
    for (const i of items) {
      if (i.type !== 'section') continue;
      const s = i.section;
      if (s.forEach) {
        const loop = expandLoop(s, runbook.inputs);
        if (inLoop) loop.problems.push({ span: s.forEach.node.span, message: 'loops do not nest: this section is inside a section with for_each' });
        out.push(loop);
      }
      walk(s.items, inLoop || s.forEach !== undefined);
    }
  };
  walk(runbook.items, false);
  // A capture inside a loop into a name the loop binds would be overwritten by the next item's binding.
  for (const loop of out) {
    for (const step of stepsOf(loop.section)) {
      if (step.capture && loop.names.includes(step.capture.into)) loop.problems.push({ span: step.capture.intoNode.span, message: `capture into ${step.capture.into}, a name the loop binds` });
    }
  }
  return out;
}

function stepsOf(section: Section): Step[] {
  return section.items.flatMap((i) => (i.type === 'step' ? [i.step] : stepsOf(i.section)));
}
