// The runner's interface to whoever drives it: events out (display, transcript), prompts in (operator answers).
// The CLI and the VS Code guarded terminal (a Pseudoterminal) both implement RunnerHost.

export type StepKind = 'run' | 'manual' | 'wait' | 'sql';

export type StepState = 'pending' | 'running' | 'passed' | 'failed' | 'skipped' | 'cancelled' | 'refused' | 'timed-out' | 'parked';

/** `parked`: the run stopped at a long wait, to be resumed after its time (`runsafe run --resume`). */
export type RunStatus = 'passed' | 'failed' | 'aborted' | 'refused' | 'cancelled' | 'parked';

export type GateName = 'lint' | 'approval' | 'inputs' | 'secrets' | 'lock' | 'preconditions' | 'workspace-trust' | 'resume';

export interface SummaryRow {
  id: string;
  title: string;
  kind: StepKind;
  state: StepState;
  attempts: number;
  durationMs: number;
  detail?: string;
}

/**
 * Everything a run reports, in order. Text fields are already masked: no secret value (or
 * an encoding of one) ever appears in an event, so every event may be shown and recorded.
 */
export type RunEvent =
  | { type: 'run-started'; runbook: string; title: string; path: string; runId: string; dryRun: boolean }
  | { type: 'gate'; gate: GateName; ok: boolean; message: string }
  /** A section starts; in a loop, each item starts its section again with `item` (`2/6 RAPTOR_PAPER_GATE × prod`). */
  | { type: 'section'; title: string; item?: { index: number; of: number; label: string } }
  | { type: 'step-state'; stepId: string; title: string; kind: StepKind; group?: 'precondition' | 'step' | 'rollback'; state: StepState; attempt?: number; detail?: string }
  | { type: 'output'; stepId: string; stream: 'stdout' | 'stderr'; text: string }
  | { type: 'progress'; stepId: string; message: string; fraction?: number }
  | { type: 'check'; stepId: string; check: string; ok: boolean; detail?: string }
  | { type: 'retry'; stepId: string; attempt: number; of: number; delayMs: number }
  | { type: 'input'; name: string; source: string; secret: boolean; value?: string }
  | { type: 'capture'; stepId: string; into: string; secret: boolean; value?: string }
  | { type: 'parked'; stepId: string; resumeAfter: string; forMs: number }
  | { type: 'resumed'; runId: string; segment: number; skipped: string[]; now?: { reason: string; remainingMs: number } }
  | { type: 'confirmation'; stepId: string; ok: boolean; how: string; message?: string }
  | { type: 'manual'; stepId: string; answer: ManualAnswer; by?: 'operator' | 'flag' | 'policy' }
  | { type: 'condition'; stepId: string; condition: string; holds: boolean; by: 'operator' | 'input' | 'capture' | 'flag' | 'policy' }
  /** A failure routed into a section (`on_failure`): its steps run next. */
  | { type: 'route'; stepId: string; section: string; title: string }
  | { type: 'rollback-offer'; stepId: string; rollbacks: string[]; reason: string }
  | { type: 'rollback-choice'; stepId: string; choice: RollbackChoice; by: 'operator' | 'policy' }
  /** A rollback never offered or run: one of its `unsafe_after` steps has started. */
  | { type: 'rollback-withheld'; stepId: string; after: string; reason: string }
  /** What was done about a failed step: asked at the failure prompt, or decided by `--on-failure`; `attempt` is the attempt that failed. */
  | { type: 'failure-choice'; stepId: string; choice: FailureChoice; by: 'operator' | 'policy'; attempt: number }
  | { type: 'message'; level: 'info' | 'warn' | 'error'; text: string }
  | { type: 'run-finished'; status: RunStatus; summary: SummaryRow[]; durationMs: number };

export type ManualAnswer = 'done' | 'skip' | 'abort';
export type RollbackChoice = 'run' | 'skip' | 'abort';
/** After a failed step: run it again, offer the rollbacks, go on without it (skippable steps), abort (no rollbacks), or stop (`--on-failure stop`). */
export type FailureChoice = 'retry' | 'rollback' | 'skip' | 'abort' | 'stop';

export interface FailurePrompt {
  stepId: string;
  title: string;
  /** Why it failed (masked). */
  detail: string;
  /** The attempt that failed (1 for the first run). */
  attempt: number;
  /** What may be chosen (machine/failure.ts): skip only for skippable steps, rollback only when one is offered. */
  options: FailureChoice[];
  /** The rollbacks a rollback would offer, in order. */
  rollbacks: string[];
  /** Rollbacks withheld by `unsafe_after` (never offered), with the step that closed each window. */
  withheld?: { id: string; after: string }[];
}

export interface InputPrompt {
  name: string;
  description?: string;
  enum?: string[];
  default?: string;
  /** Hide what the operator types. */
  secret: boolean;
}

export interface ConfirmPrompt {
  stepId: string;
  title: string;
  target: string;
  why: string;
}

/**
 * Questions for the operator. Each returns undefined when the operator cancels (Ctrl+C,
 * closing the terminal): the runner treats that as "no".
 */
export interface RunnerPrompts {
  input(req: InputPrompt): Promise<string | undefined>;
  /** Returns the text the operator typed; the runner compares it with the target. */
  confirmTarget(req: ConfirmPrompt): Promise<string | undefined>;
  manual(req: { stepId: string; title: string; text: string; checklist?: string[] }): Promise<ManualAnswer | undefined>;
  /** A yes/no question from a step's `when`; true runs the step. */
  question(req: { stepId: string; text: string }): Promise<boolean | undefined>;
  rollback(req: { stepId: string; rollbacks: string[]; reason: string }): Promise<RollbackChoice | undefined>;
  /**
   * The failure prompt after a failed step. A host without it (an older embedding) gets the
   * rollback offers at once, as before the prompt existed.
   */
  failure?(req: FailurePrompt): Promise<FailureChoice | undefined>;
}

export interface RunnerHost {
  emit(event: RunEvent): void;
  /** Absent in a non-interactive run: confirmations fail closed, secrets come from the environment. */
  prompts?: RunnerPrompts;
}
