// What the engine executes: a runbook flattened into ordered, fully resolved steps (built by plan.ts).
import type { StepKind } from './events';
import type { ExpectSpec } from './expect';
import type { InputDecl } from './inputs';
import type { RetryPolicy } from './retry';

/**
 * A `when` condition: the operator's yes to a question (asked once per `owner`, the step or
 * section that states it, and answered in advance with `--answer <owner>=yes|no`; in a loop the
 * owner is the item's step key and `alias` the step id, which answers every item), or a test of
 * an input's value.
 */
export type Condition =
  | { question: string; owner: string; alias?: string }
  /** `capture: true`: a `when.capture` test of a non-secret captured value, decided when the step is reached; `matches` is RE2. */
  | { input: string; equals?: unknown; in?: unknown[]; not?: unknown; matches?: string; capture?: boolean };

/** Where a step sits: its kind (what it does) and its group (when it runs) are independent. */
export type StepGroup = 'precondition' | 'step' | 'rollback';

/** Section kinds that run only when chosen (`--section`, a route, or the operator's choice). */
export const OPTIONAL_SECTION_KINDS: ReadonlySet<string> = new Set(['troubleshooting', 'incident', 'variant']);

export interface PlanSection {
  /** The section's id, or its title when it has none: what `--section` names. */
  key: string;
  title: string;
  kind: string;
}

export interface PlanStep {
  /** Unique in its group; a step of a loop item is keyed `<step-id>[<item label>]` (loop-plan.ts). */
  id: string;
  /** A loop item's step: the step id as written (`--confirm` and `--answer` with it cover every item). */
  baseId?: string;
  /** A loop item's values, bound as environment variables over the inputs of the same name. */
  bind?: Record<string, string>;
  /** Which item of which loop (the section key) this step belongs to: `2/6 RAPTOR_PAPER_GATE × prod`. */
  loop?: { section: string; index: number; of: number; label: string };
  title: string;
  /** What the step does; the engine dispatches on this only. */
  kind: StepKind;
  /** Where it sits: a precondition, a step, or a rollback. */
  group: StepGroup;
  /** The section (Part A, Troubleshooting) the step sits in, if any. */
  section?: string;
  /** The enclosing sections that run only when chosen (troubleshooting, incident, variant), outermost first. */
  optionalSections?: PlanSection[];
  /** Command text for run steps, wait probes, preconditions and rollbacks; the SQL of sql steps. */
  run?: string;
  shell?: string;
  /** sql steps: the input or environment variable holding the connection URL. */
  database?: string;
  /** sql steps: false when the step runs each statement in its own transaction (`transaction: false`). */
  transaction?: boolean;
  /** sql steps: the runbook line (1-based) of each line of the SQL text, for error locations. */
  sqlLines?: number[];
  /** Absolute working directory. */
  cwd?: string;
  /** What a manual step asks the operator to do, and its checklist. */
  manual?: string;
  checklist?: string[];
  /** Step ids that must have passed first. */
  needs: string[];
  /** Checks on the result (for wait steps: the `until` condition). */
  expect?: ExpectSpec;
  capture?: { into: string; secret: boolean; from: 'stdout' | 'stderr'; json?: string; trim: boolean };
  /** Set when the step must be confirmed: declared `confirm`/`dangerous`, or flagged by a rule. */
  confirm?: { targetInput?: string; message?: string; why: string };
  /** A destructive step the author runs unasked (`confirm: { required: false, reason }`): the reason, shown and recorded. */
  unconfirmed?: string;
  /** Secrets the step declares it needs although its text does not name them. */
  secrets?: string[];
  /** Rollback step ids offered when this step (or a later one) fails. */
  rollback: string[];
  /** `rollback: { none: <reason> }`: no way back, and why (shown in the plan). */
  rollbackNone?: string;
  /** `irreversible: true`: always confirmed; the plan and the confirmation say IRREVERSIBLE. */
  irreversible?: boolean;
  /** Rollback steps: withheld (never offered or run) once one of these steps has started. */
  unsafeAfter?: string[];
  retry?: RetryPolicy;
  timeoutMs?: number;
  /** wait steps: a fixed pause (forMs), or a probe every everyMs until `expect` passes or timeoutMs passes. */
  wait?: { forMs?: number; everyMs: number; timeoutMs?: number; progress?: string };
  /** Run only when every condition holds (the step's own and its sections'): the operator's yes, or an input's value. */
  when?: Condition[];
  /** `on_failure: { section }`: the key of the optional section a failure routes into first. */
  routeTo?: string;
  /** A failure is recorded but the run goes on (diagnostic steps). */
  continueOnFailure?: boolean;
  /** The failure prompt may offer `[s]kip` (`skippable: true`); never for a step the author did not mark. */
  skippable?: boolean;
  /** Plain environment variables the step declares (not secret). */
  env?: Record<string, string>;
  /** Safety findings on this step (rule: message), shown in the plan. */
  findings?: string[];
}

export interface Plan {
  runbook: { id: string; title: string; path: string; sha256: string };
  inputs: InputDecl[];
  preconditions: PlanStep[];
  steps: PlanStep[];
  rollbacks: PlanStep[];
  /** Every section, in document order (for `--section` and the choice list). */
  sections: Array<PlanSection & { optional: boolean }>;
  /** Plan-level problems (unknown needs, cycles): a plan with problems never runs. */
  problems: string[];
}
