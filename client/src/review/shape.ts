// A runbook reduced to what runs: steps, sections, inputs and policy as plain, normalised data,
// so a review compares behaviour and never YAML formatting (indentation, key order, quoting).
import { stepKeys } from './fingerprint';
import { parseRunbook, toPlain, type LMap, type ParsedRunbook, type Section, type Step, type StepGroup } from '../../../server/src/language/index';

/** Keys that document a step or section; changing them changes no command. */
const stepWording = new Set(['title', 'description', 'notes']);
const sectionWording = new Set(['section', 'description', 'symptoms', 'do_not', 'success_criteria', 'steps']);
/** Top-level keys that change what a run does or what it needs; the rest is documentation. */
const runTopLevel = new Set(['runsafe', 'id', 'target', 'cadence', 'policy', 'inputs', 'preconditions', 'steps', 'rollback']);
/** Text fields a shell or psql reads: trailing blanks and the final newline of a block scalar are not behaviour. */
const scriptKeys = new Set(['run', 'sql', 'manual']);

export interface StepShape {
  /** Stable key: group plus id, or group plus position among the id-less steps. */
  key: string;
  group: StepGroup;
  id?: string;
  label: string;
  /** Section titles from the outermost, the step's place in the plan. */
  sections: string[];
  /** Every key that affects the run, normalised. */
  fields: Record<string, unknown>;
  wording: Record<string, unknown>;
  /** Offset of the step's first character, for links to its line. */
  offset: number;
  step: Step;
}

export interface SectionShape {
  key: string;
  path: string[];
  fields: Record<string, unknown>;
  offset: number;
}

export interface RunbookShape {
  parsed: ParsedRunbook;
  id?: string;
  title?: string;
  top: Record<string, unknown>;
  wording: Record<string, unknown>;
  inputs: Record<string, Record<string, unknown>>;
  steps: StepShape[];
  sections: SectionShape[];
}

export function normaliseScript(text: string): string {
  return text
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n+$/, '');
}

/** Plain data with script texts normalised and keys sorted, so equal behaviour compares equal. */
function normalise(value: unknown, key?: string): unknown {
  if (typeof value === 'string') return key && scriptKeys.has(key) ? normaliseScript(value) : value;
  if (Array.isArray(value)) return value.map((v) => normalise(v));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = normalise((value as Record<string, unknown>)[k], k);
    return out;
  }
  return value;
}

function split(node: LMap, wordingKeys: Set<string>): { fields: Record<string, unknown>; wording: Record<string, unknown> } {
  const plain = normalise(toPlain(node)) as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  const wording: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(plain)) (wordingKeys.has(k) ? wording : fields)[k] = v;
  return { fields, wording };
}

function sectionLabel(s: Section): string {
  return s.id?.value ?? s.title.value;
}

export function shapeOf(text: string): RunbookShape {
  const parsed = parseRunbook(text);
  const rb = parsed.runbook;
  const plainRoot = parsed.root ? (normalise(toPlain(parsed.root)) as Record<string, unknown>) : {};
  const top: Record<string, unknown> = {};
  const wording: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(plainRoot)) {
    if (k === 'steps' || k === 'preconditions' || k === 'rollback' || k === 'inputs') continue;
    (runTopLevel.has(k) ? top : wording)[k] = v;
  }
  const inputs: Record<string, Record<string, unknown>> = {};
  const rawInputs = plainRoot.inputs;
  if (rawInputs && typeof rawInputs === 'object' && !Array.isArray(rawInputs)) {
    for (const [name, v] of Object.entries(rawInputs)) inputs[name] = v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
  }
  const keys = stepKeys(rb.allSteps);
  const steps: StepShape[] = rb.allSteps.map((step, i) => {
    const { fields, wording: w } = split(step.node, stepWording);
    const id = step.id?.value;
    const key = keys[i]!;
    const label = id ?? step.title ?? key;
    return { key, group: step.group, ...(id !== undefined ? { id } : {}), label, sections: step.sections.map(sectionLabel), fields, wording: w, offset: step.node.span.start, step };
  });
  const sections: SectionShape[] = [];
  const walk = (list: Section[], path: string[]) => {
    for (const s of list) {
      const p = [...path, sectionLabel(s)];
      sections.push({ key: p.join(' / '), path: p, fields: split(s.node, sectionWording).fields, offset: s.node.span.start });
      walk(s.sections, p);
    }
  };
  walk(
    rb.items.flatMap((i) => (i.type === 'section' ? [i.section] : [])),
    [],
  );
  return { parsed, ...(rb.id ? { id: rb.id.value } : {}), ...(rb.title ? { title: rb.title.value } : {}), top, wording, inputs, steps, sections };
}
