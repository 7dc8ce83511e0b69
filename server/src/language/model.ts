// The typed runbook model over the located YAML tree: lenient, so editors and rules work on
// half-written runbooks; every field keeps its node for exact positions.
import { defaultRemind, type Cadence } from './cadence';
import { parseDuration } from './duration';
import type { Span } from './positions';
import { mapGet, mapPair, toPlain, type LMap, type LNode, type LScalar } from './yaml-tree';

export type StepKind = 'run' | 'manual' | 'wait' | 'sql' | 'unknown';
export type StepGroup = 'preconditions' | 'steps' | 'rollback';

/** A string value with the scalar it came from. */
export interface Located<T = string> {
  value: T;
  node: LScalar;
}

export interface Input {
  name: string;
  /** The key naming the input. */
  nameNode: LScalar;
  node: LNode;
  description?: string;
  type: 'string' | 'integer' | 'number' | 'boolean';
  enum?: (string | number | boolean | null)[];
  default?: string | number | boolean | null;
  pattern?: string;
  secret: boolean;
  allowShort: boolean;
  required: boolean;
}

export interface TextCheck {
  contains?: string;
  not_contains?: string;
  matches?: string;
  not_matches?: string;
  empty?: boolean;
}

export type JsonCheck =
  | string
  | number
  | boolean
  | null
  | { equals?: unknown; not?: unknown; in?: unknown[]; gt?: number; gte?: number; lt?: number; lte?: number; exists?: boolean; matches?: string };

export interface Expect {
  node: LMap;
  /** Accepted exit codes; undefined means the default (0 for run steps). */
  exit?: number[];
  stdout?: TextCheck;
  stderr?: TextCheck;
  json?: Record<string, JsonCheck>;
  /** sql steps: the last statement's row count (psql's ROW_COUNT). */
  rows?: JsonCheck;
  /** sql steps: checks on the first row of the last statement's result (column or column.field). */
  row?: Record<string, JsonCheck>;
}

export interface Capture {
  into: string;
  intoNode: LScalar;
  from: 'stdout' | 'stderr';
  json?: string;
  secret: boolean;
  trim: boolean;
}

export interface Confirm {
  node: LNode;
  message?: string;
  /** Input whose value the operator types; falls back to the runbook's `target`. */
  target?: string;
  /** `confirm: { required: false, reason: … }`: the author runs this step without asking, and says why. */
  required: boolean;
  reason?: string;
}

export interface Retry {
  attempts: number;
  delayMs: number;
  backoff: number;
}

export interface Wait {
  node: LMap;
  forMs?: number;
  /** The polled command, when polling. */
  script?: Script;
  until?: Expect;
  everyMs: number;
  timeoutMs?: number;
  progress?: string;
}

export type When =
  | { node: LNode; question: string }
  | { node: LNode; input: string; equals?: unknown; in?: unknown[]; not?: unknown }
  /** A test of a value an earlier step captured (never a secret one). */
  | { node: LNode; capture: string; equals?: unknown; in?: unknown[]; not?: unknown; matches?: string };

/** A shell (or SQL) text in the runbook, with its scalar for exact positions. */
export interface Script {
  /** Which field it is: `run`, `wait.run`, `sql`. */
  field: 'run' | 'wait.run' | 'sql';
  text: string;
  node: LScalar;
  /** The step it belongs to. */
  step: Step;
}

export interface Step {
  node: LMap;
  group: StepGroup;
  /** The enclosing sections, outermost first. */
  sections: Section[];
  id?: Located;
  title?: string;
  description?: string;
  kind: StepKind;
  /** The `run` or `sql` text; polling scripts are in `wait.script`. */
  script?: Script;
  shell: 'bash' | 'sh' | 'zsh';
  manual?: Located;
  checklist: string[];
  wait?: Wait;
  database?: string;
  /** sql steps: one transaction for the whole step (default true). */
  transaction: boolean;
  env: Record<string, string>;
  cwd?: string;
  expect?: Expect;
  capture?: Capture;
  confirm?: Confirm;
  dangerous: boolean;
  /** `irreversible: true`: nothing undoes it; always confirmed, shown as IRREVERSIBLE. */
  irreversible: boolean;
  /** `rollback: { none: <reason> }`: the author says there is no way back, and why. */
  rollbackNone?: string;
  /** Rollback-list steps: the step ids after whose start this rollback is withheld. */
  unsafeAfter: Located[];
  /** Secret inputs or captures the step declares it needs although its text does not name them. */
  secrets: string[];
  needs: Located[];
  rollback: Located[];
  retry?: Retry;
  timeoutMs?: number;
  when?: When;
  continueOnFailure: boolean;
  /** `on_failure: { section }`: a failure routes into that section first. */
  onFailure?: { section: Located };
  /** `skippable: true`: the failure prompt may offer to go on without this step. */
  skippable: boolean;
  notes?: string;
}

export type SectionKind = 'procedure' | 'checklist' | 'variant' | 'troubleshooting' | 'incident' | 'drill' | 'verification';

/** `for_each` on a section, as written (loops.ts expands it against the inputs). */
export interface ForEach {
  node: LMap;
  /** `product`: input names whose enum values are combined. */
  product: Located[];
  /** `items`: one map per item, each name with the scalar of its value. */
  items: { node: LNode; values: { name: LScalar; value: string; node: LScalar }[] }[];
  /** `label`: the bound names that make an item's label (empty: all). */
  label: Located[];
}

export interface Section {
  node: LMap;
  title: Located;
  id?: Located;
  kind: SectionKind;
  description?: string;
  when?: When;
  forEach?: ForEach;
  symptoms: string[];
  doNot: string[];
  successCriteria: string[];
  items: Item[];
  sections: Section[];
}

export type Item = { type: 'step'; step: Step } | { type: 'section'; section: Section };

export interface Policy {
  appendOnlyTables: string[];
  secretNames: string[];
  dangerousCommands: string[];
  approvalsRequired?: number;
  severity: Record<string, 'error' | 'warning' | 'info' | 'off'>;
}

export interface Runbook {
  root: LMap | null;
  id?: Located;
  title?: Located;
  description?: string;
  owner?: string;
  target?: string;
  cadenceMs?: number;
  /** `cadence` with its reminder points (a default when the runbook names none). */
  cadence?: Cadence;
  inputs: Input[];
  policy: Policy;
  safety: string[];
  preconditions: Step[];
  items: Item[];
  rollback: Step[];
  successCriteria: string[];
  /** Every step in document order: preconditions, steps (sections flattened), rollback. */
  allSteps: Step[];
  /** Every `run`, `wait.run` and `sql` text, in document order. */
  scripts: Script[];
}

function str(node: LNode | undefined): string | undefined {
  return node?.kind === 'scalar' && typeof node.value === 'string' ? node.value : undefined;
}

function located(node: LNode | undefined): Located | undefined {
  return node?.kind === 'scalar' && node.value !== null ? { value: String(node.value), node } : undefined;
}

function bool(node: LNode | undefined, fallback: boolean): boolean {
  return node?.kind === 'scalar' && typeof node.value === 'boolean' ? node.value : fallback;
}

function strings(node: LNode | undefined): string[] {
  if (node?.kind !== 'seq') return [];
  return node.items.flatMap((n) => (n.kind === 'scalar' && n.value !== null ? [String(n.value)] : []));
}

function locatedList(node: LNode | undefined): Located[] {
  if (!node) return [];
  if (node.kind === 'scalar') return located(node) ? [located(node)!] : [];
  if (node.kind === 'seq') return node.items.flatMap((n) => (located(n) ? [located(n)!] : []));
  return [];
}

function textCheck(node: LNode | undefined): TextCheck | undefined {
  if (!node) return undefined;
  if (node.kind === 'scalar' && node.value !== null) return { contains: String(node.value) };
  if (node.kind === 'map') return toPlain(node) as TextCheck;
  return undefined;
}

export function readExpect(node: LNode | undefined): Expect | undefined {
  if (node?.kind !== 'map') return undefined;
  const exitNode = mapGet(node, 'exit');
  let exit: number[] | undefined;
  if (exitNode?.kind === 'scalar' && typeof exitNode.value === 'number') exit = [exitNode.value];
  else if (exitNode?.kind === 'seq') exit = exitNode.items.flatMap((n) => (n.kind === 'scalar' && typeof n.value === 'number' ? [n.value] : []));
  const jsonNode = mapGet(node, 'json');
  const json = jsonNode?.kind === 'map' ? (toPlain(jsonNode) as Record<string, JsonCheck>) : undefined;
  const e: Expect = { node };
  if (exit) e.exit = exit;
  const stdout = textCheck(mapGet(node, 'stdout'));
  if (stdout) e.stdout = stdout;
  const stderr = textCheck(mapGet(node, 'stderr'));
  if (stderr) e.stderr = stderr;
  if (json) e.json = json;
  const rowsNode = mapGet(node, 'rows');
  if (rowsNode) e.rows = toPlain(rowsNode) as JsonCheck;
  const rowNode = mapGet(node, 'row');
  if (rowNode?.kind === 'map') e.row = toPlain(rowNode) as Record<string, JsonCheck>;
  return e;
}

function readWhen(node: LNode | undefined): When | undefined {
  if (!node) return undefined;
  if (node.kind === 'scalar' && typeof node.value === 'string') return { node, question: node.value };
  if (node.kind === 'map') {
    const input = str(mapGet(node, 'input'));
    const capture = str(mapGet(node, 'capture'));
    if (input === undefined && capture === undefined) return undefined;
    const plain = toPlain(node) as Record<string, unknown>;
    const w: When = input !== undefined ? { node, input } : { node, capture: capture! };
    if ('equals' in plain) w.equals = plain.equals;
    if (Array.isArray(plain.in)) w.in = plain.in;
    if ('not' in plain) w.not = plain.not;
    if ('capture' in w && typeof plain.matches === 'string') w.matches = plain.matches;
    return w;
  }
  return undefined;
}

function readForEach(node: LNode | undefined): ForEach | undefined {
  if (node?.kind !== 'map') return undefined;
  const itemsNode = mapGet(node, 'items');
  const items: ForEach['items'] = [];
  if (itemsNode?.kind === 'seq') {
    for (const item of itemsNode.items) {
      const values: ForEach['items'][number]['values'] = [];
      if (item.kind === 'map') for (const p of item.pairs) if (p.value.kind === 'scalar' && p.value.value !== null && typeof p.value.value !== 'object') values.push({ name: p.key, value: String(p.value.value), node: p.value });
      items.push({ node: item, values });
    }
  }
  return { node, product: locatedList(mapGet(node, 'product')), items, label: locatedList(mapGet(node, 'label')) };
}

/** `cadence: 90d`, or `cadence: { every: 90d, remind: [85d, 88d] }` (reminders counted from the last run). */
function readCadence(node: LNode | undefined): Cadence | undefined {
  const every = parseDuration(str(node?.kind === 'map' ? mapGet(node, 'every') : node));
  if (every === undefined || every <= 0) return undefined;
  const listed = node?.kind === 'map' ? strings(mapGet(node, 'remind')).flatMap((r) => parseDuration(r) ?? []) : [];
  const remindMs = (listed.length ? listed : defaultRemind(every)).filter((r) => r > 0 && r < every).sort((a, b) => a - b);
  return { everyMs: every, remindMs };
}

class ModelBuilder {
  allSteps: Step[] = [];
  scripts: Script[] = [];

  step(node: LNode, group: StepGroup, sections: Section[]): Step | undefined {
    if (node.kind !== 'map') return undefined;
    const get = (k: string) => mapGet(node, k);
    const runNode = get('run');
    const sqlNode = get('sql');
    const manualNode = get('manual');
    const waitNode = get('wait');
    const kind: StepKind = runNode ? 'run' : sqlNode ? 'sql' : manualNode ? 'manual' : waitNode ? 'wait' : 'unknown';
    const shellName = str(get('shell'));
    const step: Step = {
      node,
      group,
      sections,
      kind,
      shell: shellName === 'sh' || shellName === 'zsh' ? shellName : 'bash',
      checklist: strings(get('checklist')),
      env: {},
      dangerous: bool(get('dangerous'), false),
      irreversible: bool(get('irreversible'), false),
      unsafeAfter: locatedList(get('unsafe_after')),
      secrets: strings(get('secrets')),
      needs: locatedList(get('needs')),
      rollback: locatedList(get('rollback')),
      continueOnFailure: bool(get('continue_on_failure'), false),
      skippable: bool(get('skippable'), false),
      transaction: bool(get('transaction'), true),
    };
    const id = located(get('id'));
    if (id) step.id = id;
    const route = get('on_failure');
    const routeSection = route?.kind === 'map' ? located(mapGet(route, 'section')) : undefined;
    if (routeSection) step.onFailure = { section: routeSection };
    const rollbackNode = get('rollback');
    const none = rollbackNode?.kind === 'map' ? str(mapGet(rollbackNode, 'none'))?.trim() : undefined;
    if (none) step.rollbackNone = none;
    const title = str(get('title'));
    if (title !== undefined) step.title = title;
    const description = str(get('description'));
    if (description !== undefined) step.description = description;
    const notes = str(get('notes'));
    if (notes !== undefined) step.notes = notes;
    const cwd = str(get('cwd'));
    if (cwd !== undefined) step.cwd = cwd;
    const database = str(get('database'));
    if (database !== undefined) step.database = database;
    const script = (field: Script['field'], n: LNode | undefined): Script | undefined => {
      if (n?.kind !== 'scalar' || typeof n.value !== 'string') return undefined;
      const s: Script = { field, text: n.value, node: n, step };
      this.scripts.push(s);
      return s;
    };
    const main = kind === 'run' ? script('run', runNode) : kind === 'sql' ? script('sql', sqlNode) : undefined;
    if (main) step.script = main;
    const manual = located(manualNode);
    if (manual) step.manual = manual;
    const envNode = get('env');
    if (envNode?.kind === 'map') {
      for (const p of envNode.pairs) if (p.value.kind === 'scalar' && p.value.value !== null) step.env[String(p.key.value)] = String(p.value.value);
    }
    const expect = readExpect(get('expect'));
    if (expect) step.expect = expect;
    const cap = get('capture');
    if (cap?.kind === 'scalar' && typeof cap.value === 'string') step.capture = { into: cap.value, intoNode: cap, from: 'stdout', secret: true, trim: true };
    else if (cap?.kind === 'map') {
      const into = mapGet(cap, 'into');
      if (into?.kind === 'scalar' && typeof into.value === 'string') {
        const c: Capture = { into: into.value, intoNode: into, from: str(mapGet(cap, 'from')) === 'stderr' ? 'stderr' : 'stdout', secret: bool(mapGet(cap, 'secret'), true), trim: bool(mapGet(cap, 'trim'), true) };
        const json = str(mapGet(cap, 'json'));
        if (json !== undefined) c.json = json;
        step.capture = c;
      }
    }
    const conf = get('confirm');
    if (conf && !(conf.kind === 'scalar' && (conf.value === false || conf.value === null))) {
      const c: Confirm = { node: conf, required: true };
      if (conf.kind === 'scalar' && typeof conf.value === 'string') c.message = conf.value;
      if (conf.kind === 'map') {
        const m = str(mapGet(conf, 'message'));
        if (m !== undefined) c.message = m;
        const t = str(mapGet(conf, 'target'));
        if (t !== undefined) c.target = t;
        const reason = str(mapGet(conf, 'reason'))?.trim();
        if (reason) c.reason = reason;
        if (mapGet(conf, 'required')?.kind === 'scalar' && (mapGet(conf, 'required') as { value: unknown }).value === false) c.required = false;
      }
      // Waiving confirmation without a reason waives nothing: the step stays unconfirmed (and the schema says why).
      if (c.required || c.reason) step.confirm = c;
    }
    const retry = get('retry');
    if (retry?.kind === 'map') {
      const attempts = mapGet(retry, 'attempts');
      const backoff = mapGet(retry, 'backoff');
      step.retry = {
        attempts: attempts?.kind === 'scalar' && typeof attempts.value === 'number' ? Math.max(1, Math.floor(attempts.value)) : 1,
        delayMs: parseDuration(str(mapGet(retry, 'delay'))) ?? 0,
        backoff: backoff?.kind === 'scalar' && typeof backoff.value === 'number' ? backoff.value : 1,
      };
    }
    const timeout = parseDuration(str(get('timeout')));
    if (timeout !== undefined) step.timeoutMs = timeout;
    const when = readWhen(get('when'));
    if (when) step.when = when;
    if (waitNode?.kind === 'map') {
      const w: Wait = { node: waitNode, everyMs: parseDuration(str(mapGet(waitNode, 'every'))) ?? 10_000 };
      const forMs = parseDuration(str(mapGet(waitNode, 'for')));
      if (forMs !== undefined) w.forMs = forMs;
      const ws = script('wait.run', mapGet(waitNode, 'run'));
      if (ws) w.script = ws;
      const until = readExpect(mapGet(waitNode, 'until'));
      if (until) w.until = until;
      const t = parseDuration(str(mapGet(waitNode, 'timeout')));
      if (t !== undefined) w.timeoutMs = t;
      const progress = str(mapGet(waitNode, 'progress'));
      if (progress !== undefined) w.progress = progress;
      step.wait = w;
    }
    this.allSteps.push(step);
    return step;
  }

  items(node: LNode | undefined, group: StepGroup, sections: Section[]): Item[] {
    if (node?.kind !== 'seq') return [];
    const out: Item[] = [];
    for (const n of node.items) {
      if (n.kind === 'map' && mapPair(n, 'section')) {
        const s = this.section(n, sections);
        if (s) out.push({ type: 'section', section: s });
      } else {
        const st = this.step(n, group, sections);
        if (st) out.push({ type: 'step', step: st });
      }
    }
    return out;
  }

  section(node: LMap, parents: Section[]): Section | undefined {
    const titleNode = mapGet(node, 'section');
    const title: Located = located(titleNode) ?? { value: '', node: mapPair(node, 'section')!.key };
    const kind = str(mapGet(node, 'kind')) as SectionKind | undefined;
    const section: Section = {
      node,
      title,
      kind: kind ?? 'procedure',
      symptoms: strings(mapGet(node, 'symptoms')),
      doNot: strings(mapGet(node, 'do_not')),
      successCriteria: strings(mapGet(node, 'success_criteria')),
      items: [],
      sections: [],
    };
    const id = located(mapGet(node, 'id'));
    if (id) section.id = id;
    const description = str(mapGet(node, 'description'));
    if (description !== undefined) section.description = description;
    const when = readWhen(mapGet(node, 'when'));
    if (when) section.when = when;
    const forEach = readForEach(mapGet(node, 'for_each'));
    if (forEach) section.forEach = forEach;
    section.items = this.items(mapGet(node, 'steps'), 'steps', [...parents, section]);
    section.sections = section.items.flatMap((i) => (i.type === 'section' ? [i.section] : []));
    return section;
  }
}

function readInputs(node: LNode | undefined): Input[] {
  if (node?.kind !== 'map') return [];
  return node.pairs.map((p) => {
    const v = p.value;
    const get = (k: string) => (v.kind === 'map' ? mapGet(v, k) : undefined);
    const plain = (v.kind === 'map' ? toPlain(v) : {}) as Record<string, unknown>;
    const typeName = str(get('type'));
    const input: Input = {
      name: String(p.key.value),
      nameNode: p.key,
      node: v,
      type: typeName === 'integer' || typeName === 'number' || typeName === 'boolean' ? typeName : 'string',
      secret: bool(get('secret'), false),
      allowShort: bool(get('allow_short'), false),
      required: bool(get('required'), !('default' in plain)),
    };
    const description = str(get('description'));
    if (description !== undefined) input.description = description;
    if (Array.isArray(plain.enum)) input.enum = plain.enum as Input['enum'];
    if ('default' in plain) input.default = plain.default as Input['default'];
    const pattern = str(get('pattern'));
    if (pattern !== undefined) input.pattern = pattern;
    return input;
  });
}

function readPolicy(node: LNode | undefined): Policy {
  const get = (k: string) => (node?.kind === 'map' ? mapGet(node, k) : undefined);
  const policy: Policy = {
    appendOnlyTables: strings(get('append_only_tables')),
    secretNames: strings(get('secret_names')),
    dangerousCommands: strings(get('dangerous_commands')),
    severity: {},
  };
  const approvals = get('approvals');
  const required = approvals?.kind === 'map' ? mapGet(approvals, 'required') : undefined;
  if (required?.kind === 'scalar' && typeof required.value === 'number') policy.approvalsRequired = required.value;
  const sev = get('severity');
  if (sev?.kind === 'map') {
    for (const p of sev.pairs) {
      const v = p.value.kind === 'scalar' ? p.value.value : undefined;
      if (v === 'error' || v === 'warning' || v === 'info' || v === 'off') policy.severity[String(p.key.value)] = v;
    }
  }
  return policy;
}

/** Builds the runbook model from a located tree (any shape; missing parts stay empty). */
export function buildModel(root: LNode | null): Runbook {
  const map = root?.kind === 'map' ? root : null;
  const get = (k: string) => (map ? mapGet(map, k) : undefined);
  const b = new ModelBuilder();
  const preconditions: Step[] = [];
  const pre = get('preconditions');
  if (pre?.kind === 'seq') for (const n of pre.items) {
    const s = b.step(n, 'preconditions', []);
    if (s) preconditions.push(s);
  }
  const items = b.items(get('steps'), 'steps', []);
  const rollback: Step[] = [];
  const rb = get('rollback');
  if (rb?.kind === 'seq') for (const n of rb.items) {
    const s = b.step(n, 'rollback', []);
    if (s) rollback.push(s);
  }
  const runbook: Runbook = {
    root: map,
    inputs: readInputs(get('inputs')),
    policy: readPolicy(get('policy')),
    safety: strings(get('safety')),
    preconditions,
    items,
    rollback,
    successCriteria: strings(get('success_criteria')),
    allSteps: b.allSteps,
    scripts: b.scripts,
  };
  const id = located(get('id'));
  if (id) runbook.id = id;
  const title = located(get('title'));
  if (title) runbook.title = title;
  const description = str(get('description'));
  if (description !== undefined) runbook.description = description;
  const owner = str(get('owner'));
  if (owner !== undefined) runbook.owner = owner;
  const target = str(get('target'));
  if (target !== undefined) runbook.target = target;
  const cadence = readCadence(get('cadence'));
  if (cadence) {
    runbook.cadence = cadence;
    runbook.cadenceMs = cadence.everyMs;
  }
  return runbook;
}

/** Steps in the order a full run executes them (sections flattened, preconditions and rollback excluded). */
export function flattenSteps(items: Item[]): Step[] {
  return items.flatMap((i) => (i.type === 'step' ? [i.step] : flattenSteps(i.section.items)));
}

/** Span of the step's id value, or of the step's first key when it has no id. */
export function stepAnchor(step: Step): Span {
  return step.id?.node.span ?? step.node.pairs[0]?.key.span ?? step.node.span;
}
