// Every declaration and use of step ids and variable names (inputs, captures) in one runbook,
// with exact source spans: the shared base of hover, definition, references and rename.
import { mapGet, sourceSpan, type Input, type LNode, type LScalar, type Runbook, type Span, type Step } from '../language/index';

export interface StepSymbol {
  id: string;
  step: Step;
  /** The id value. */
  declaration: Span;
  /** `needs` and `rollback` values naming it. */
  references: Span[];
}

export interface VariableSymbol {
  name: string;
  input?: Input;
  /** Steps whose `capture.into` sets it. */
  captures: Step[];
  /** The input key and each `capture.into` value. */
  declarations: Span[];
  /** `$NAME` / `${NAME}` in scripts and manual text, and `when.input`, `confirm.target`, `database`. */
  references: Span[];
}

export interface SymbolIndex {
  steps: Map<string, StepSymbol>;
  variables: Map<string, VariableSymbol>;
}

/** `$NAME` or `${NAME…}`: group 1 or 2 is the name. */
const variableUse = /\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)(?=[}:#%/^,@+?=-]|\[))/g;

/** Source span of a whole scalar value (quotes excluded). */
export function valueSpan(node: LScalar): Span {
  const text = typeof node.value === 'string' ? node.value : String(node.value ?? '');
  return sourceSpan(node.sourceOffsets(), 0, text.length);
}

/** Each `$NAME` use in a scalar: the name and the source span of the name alone. */
export function variableUses(node: LScalar): { name: string; span: Span }[] {
  if (typeof node.value !== 'string' || !node.value.includes('$')) return [];
  const out: { name: string; span: Span }[] = [];
  const offsets = node.sourceOffsets();
  for (const m of node.value.matchAll(variableUse)) {
    const name = (m[1] ?? m[2])!;
    const from = m.index + (m[1] ? 1 : 2);
    out.push({ name, span: sourceSpan(offsets, from, from + name.length) });
  }
  return out;
}

function scalarAt(node: LNode | undefined): LScalar | undefined {
  return node?.kind === 'scalar' && typeof node.value === 'string' ? node : undefined;
}

/** Scalars in a step that name a variable outright (not as `$NAME`). */
function namingScalars(step: Step): LScalar[] {
  const out: LScalar[] = [];
  const when = mapGet(step.node, 'when');
  if (when?.kind === 'map') {
    const s = scalarAt(mapGet(when, 'input'));
    if (s) out.push(s);
  }
  const confirm = mapGet(step.node, 'confirm');
  if (confirm?.kind === 'map') {
    const s = scalarAt(mapGet(confirm, 'target'));
    if (s) out.push(s);
  }
  const db = scalarAt(mapGet(step.node, 'database'));
  if (db) out.push(db);
  return out;
}

/** Scalars whose text may use `$NAME`: scripts, manual text, env values. */
function textScalars(step: Step): LScalar[] {
  const out: LScalar[] = [];
  if (step.script) out.push(step.script.node);
  if (step.wait?.script) out.push(step.wait.script.node);
  if (step.manual) out.push(step.manual.node);
  const env = mapGet(step.node, 'env');
  if (env?.kind === 'map') for (const p of env.pairs) if (p.value.kind === 'scalar') out.push(p.value);
  return out;
}

export function buildSymbolIndex(runbook: Runbook): SymbolIndex {
  const steps = new Map<string, StepSymbol>();
  const variables = new Map<string, VariableSymbol>();
  const variable = (name: string): VariableSymbol => {
    let v = variables.get(name);
    if (!v) variables.set(name, (v = { name, captures: [], declarations: [], references: [] }));
    return v;
  };
  for (const input of runbook.inputs) {
    const v = variable(input.name);
    v.input ??= input;
    v.declarations.push(input.nameNode.span);
  }
  for (const step of runbook.allSteps) {
    if (step.id && !steps.has(step.id.value)) steps.set(step.id.value, { id: step.id.value, step, declaration: valueSpan(step.id.node), references: [] });
    if (step.capture) {
      const v = variable(step.capture.into);
      v.captures.push(step);
      v.declarations.push(valueSpan(step.capture.intoNode));
    }
  }
  for (const step of runbook.allSteps) {
    for (const ref of [...step.needs, ...step.rollback]) {
      const target = steps.get(ref.value);
      if (target) target.references.push(valueSpan(ref.node));
    }
    for (const s of textScalars(step)) for (const use of variableUses(s)) variable(use.name).references.push(use.span);
    for (const s of namingScalars(step)) variable(String(s.value)).references.push(valueSpan(s));
  }
  // Names used but never declared stay in the index (hover shows "not declared"); rename skips them.
  return { steps, variables };
}

/** The step symbol or variable symbol whose declaration or reference covers the offset. */
export function symbolAt(index: SymbolIndex, offset: number): { step: StepSymbol } | { variable: VariableSymbol } | undefined {
  const covers = (s: Span) => offset >= s.start && offset <= s.end && s.end > s.start;
  for (const st of index.steps.values()) if (covers(st.declaration) || st.references.some(covers)) return { step: st };
  for (const v of index.variables.values()) if (v.declarations.some(covers) || v.references.some(covers)) return { variable: v };
  return undefined;
}
