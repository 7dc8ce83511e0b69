// What the engine executes: a runbook flattened into ordered, fully resolved steps (built by plan.ts).
import type { StepKind } from './events';
import type { ExpectSpec } from './expect';
import type { InputDecl } from './inputs';
import type { RetryPolicy } from './retry';

export interface PlanStep {
  id: string;
  title: string;
  kind: StepKind;
  /** The section (Part A, Troubleshooting) the step sits in, if any. */
  section?: string;
  /** Command text for run, sql, wait probes, preconditions and rollbacks. */
  run?: string;
  shell?: string;
  /** What a manual step asks the operator to do. */
  manual?: string;
  /** Step ids that must have passed first. */
  needs: string[];
  expect?: ExpectSpec;
  capture?: { into: string; secret: boolean; stream?: 'stdout' | 'stderr' };
  /** Set when the step must be confirmed: `target` may hold $INPUT references. */
  confirm?: { target?: string; why: string };
  /** Rollback step ids offered when this step (or a later one) fails. */
  rollback: string[];
  retry?: RetryPolicy;
  timeoutMs?: number;
  /** wait steps: probe every intervalMs until expect passes or deadlineMs passes. */
  wait?: { intervalMs: number; deadlineMs: number };
  /** Plain environment variables the step declares (not secret). */
  env?: Record<string, string>;
  /** Safety findings on this step (rule names with messages), shown in the plan. */
  findings?: string[];
}

export interface Plan {
  runbook: { id: string; title: string; path: string; sha256: string };
  inputs: InputDecl[];
  preconditions: PlanStep[];
  steps: PlanStep[];
  rollbacks: PlanStep[];
  /** The runbook explicitly allows secrets shorter than 8 characters. */
  allowShortSecrets: boolean;
  /** Plan-level problems (unknown needs, cycles): a plan with problems never runs. */
  problems: string[];
}
