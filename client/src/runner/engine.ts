// Executes a plan step by step: preconditions, confirmations, checks, captures, retries, waits, rollback offers.
import type { FailureChoice, RunEvent, RunnerHost, RunStatus, StepState, SummaryRow, RollbackChoice } from './events';
import type { Condition, Plan, PlanStep } from './plan-types';
import { Masker, UnmaskableSecretError } from './masker';
import { capturedValue, preRegisterCapture } from './capture-value';
import { escapedNote, runProcess, type ProcessResult } from './process';
import { stepEnvironment } from './step-env';
import { checkExpect, describeFailure, parseJsonOutput, readPath, type CheckResult } from './expect';
import { sleep, withRetry } from './retry';
import { probeTimeout, waitUntil } from './wait';
import { confirmStep } from './confirm';
import { checkSql, prepareSql } from './sql';
import { describeWhen } from './plan-view';
import { formatDuration } from '../../../server/src/language/duration';
import { evaluateCondition } from './machine/conditions';
import { sectionChosen } from './machine/up-front';
import { DEFAULT_FAILURE_POLICY, failureOptions, policyChoice, type FailurePolicy } from './machine/failure';
import { offeredRollbacks, rollbackWindow, type RollbackWindow } from './machine/rollback-window';
import { boundVars, loopItemOf, preconfirmedStep } from './loop-run';

export interface EngineOptions {
  host: RunnerHost;
  cwd: string;
  /** Resolved input values by name (secret ones included: they reach steps only as env vars). */
  inputs: Map<string, { value: string; secret: boolean }>;
  /** Step ids confirmed in advance with --confirm: typed confirmations, and manual steps already done. */
  preconfirmed?: ReadonlySet<string>;
  /** Answers to `when` questions given in advance (`--answer`), by owner: a step id or `section:<key>`. */
  answers?: ReadonlyMap<string, boolean>;
  /** Optional sections (troubleshooting, incident, variant) chosen in advance with `--section`. */
  sections?: ReadonlySet<string>;
  /** Cancels rollbacks that run after the run itself was cancelled (a second Ctrl+C). */
  rollbackSignal?: AbortSignal;
  /** After a failure when nobody can be asked (`--on-failure`): retry N times, then stop (skip rollbacks, the default) or run them. */
  onFailure?: 'stop' | 'rollback' | FailurePolicy;
  signal?: AbortSignal;
  /** Masker holding the secrets known before the run; captures add to it. */
  masker: Masker;
  now?: () => number;
  /** The operator's environment: steps see only its allowlisted part (step-env.ts); sql connection URLs may come from it. */
  operatorEnv?: Record<string, string | undefined>;
  /** Told the process group of each step process as it starts (the run lock records it). */
  onStepProcess?: (pgid: number) => void;
  /** The workspace's `env_passthrough`: operator variables steps may see beyond the allowlist. */
  envPassthrough?: readonly string[];
  /** SIGTERM-to-SIGKILL grace for ended process groups. */
  graceMs?: number;
  /** A resume: steps and preconditions (by `group:id`) that passed in earlier segments, with the detail shown for them; they do not run again. */
  resumed?: ReadonlyMap<string, string>;
  /** Told each secret capture's value as it is captured (the encrypted run state keeps it for a resume). */
  onSecretCapture?: (name: string, value: string) => void;
  /** A long `wait: { for }` step: the time to resume after when the run parks there, or undefined to wait (machine/park.ts). */
  park?: (step: PlanStep, forMs: number) => Promise<string | undefined>;
}

export interface RunOutcome {
  status: RunStatus;
  summary: SummaryRow[];
  durationMs: number;
}

interface StepRun {
  state: StepState;
  attempts: number;
  detail?: string;
}

/** `$NAME` and `${NAME}` replaced by non-secret values, for text shown to people (never executed). */
export function expandForDisplay(text: string, inputs: EngineOptions['inputs']): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, a: string | undefined, b: string | undefined) => {
    const v = inputs.get((a ?? b)!);
    return v && !v.secret ? v.value : whole;
  });
}

/**
 * The text an operator types to confirm: the value of the step's target input (or the
 * runbook's `target` input, or an environment-like input); the step id when that input is
 * unknown or secret, since typing it would show a secret on screen.
 */
export function confirmTarget(step: PlanStep, inputs: EngineOptions['inputs']): string {
  const name = step.confirm?.targetInput;
  if (name) {
    const v = inputs.get(name);
    return v && !v.secret && v.value !== '' ? v.value : step.id;
  }
  for (const [n, v] of inputs) if (!v.secret && v.value !== '' && /(^|_)(ENV|ENVIRONMENT|STAGE|TARGET)$/i.test(n)) return v.value;
  return step.id;
}

export class Engine {
  private readonly masker: Masker;
  private readonly host: RunnerHost;
  private readonly vars = new Map<string, { value: string; secret: boolean }>();
  private readonly results = new Map<string, StepRun & { step: PlanStep; startedAt?: number; endedAt?: number }>();
  private readonly now: () => number;
  /** Answers to questions and section choices, asked once per owner. */
  private readonly answered = new Map<string, boolean>();
  /** Cancelled by the caller's signal, or by the operator cancelling a prompt (Ctrl+C). */
  private readonly cancel = new AbortController();
  private rollingBack = false;
  private readonly policy: FailurePolicy;
  /** Set when the run parked at a long wait: it ends there, as `parked`. */
  private parkedUntil: string | undefined;

  constructor(
    private readonly plan: Plan,
    private readonly o: EngineOptions,
  ) {
    this.masker = o.masker;
    this.host = o.host;
    this.now = o.now ?? Date.now;
    for (const [k, v] of o.inputs) this.vars.set(k, v);
    this.rollbackSteps = new Set(plan.rollbacks);
    this.policy = typeof o.onFailure === 'object' ? o.onFailure : { ...DEFAULT_FAILURE_POLICY, then: o.onFailure ?? 'stop' };
    if (o.signal?.aborted) this.cancel.abort();
    else o.signal?.addEventListener('abort', () => this.cancel.abort(), { once: true });
  }

  get cancelled(): boolean {
    return this.cancel.signal.aborted;
  }

  /** What ends the current process: the run's signal, or once rollbacks run after a cancel, the rollback signal. */
  private get signal(): AbortSignal | undefined {
    return this.rollingBack && this.cancelled ? this.o.rollbackSignal : this.cancel.signal;
  }

  /** Rollback steps have their own namespace of ids: a rollback may share a step's id. */
  private readonly rollbackSteps: Set<PlanStep>;

  private key(step: PlanStep): string {
    return this.rollbackSteps.has(step) ? `rollback:${step.id}` : step.id;
  }

  private emit(event: RunEvent): void {
    this.host.emit(event);
  }

  private setState(step: PlanStep, state: StepState, extra: { attempt?: number; detail?: string } = {}): void {
    const r = this.results.get(this.key(step)) ?? { step, state, attempts: 0 };
    r.state = state;
    if (extra.attempt !== undefined) r.attempts = extra.attempt;
    if (extra.detail !== undefined) r.detail = this.masker.mask(extra.detail);
    // A step that passes on a retry no longer carries the failed attempt's reason.
    else if (state === 'passed') r.detail = undefined;
    if (state === 'running' && r.startedAt === undefined) r.startedAt = this.now();
    if (state !== 'running' && state !== 'pending') r.endedAt = this.now();
    this.results.set(this.key(step), r);
    this.emit({ type: 'step-state', stepId: step.id, title: step.title, kind: step.kind, group: step.group, state, attempt: extra.attempt, detail: r.detail });
  }

  /** The values a step sees: inputs and captures, with a loop item's values bound over them. */
  private varsOf(step: PlanStep): Map<string, { value: string; secret: boolean }> {
    return step.bind ? boundVars(this.vars, step.bind) : this.vars;
  }

  private envFor(step: PlanStep): Record<string, string> {
    const env = stepEnvironment({
      operatorEnv: this.o.operatorEnv ?? {},
      passthrough: this.o.envPassthrough,
      vars: this.varsOf(step),
      texts: [step.run, step.cwd, ...Object.values(step.env ?? {}), step.database],
      declared: step.secrets,
      stepEnv: step.env,
    });
    env['RUNSAFE_STEP_ID'] = step.id;
    return env;
  }

  /** One process run of a step, its output streamed through the masker, and its checks. */
  private async execOnce(step: PlanStep, timeoutMs = step.timeoutMs): Promise<{ result: ProcessResult; checks: CheckResult[] }> {
    const streams = { stdout: this.masker.stream(), stderr: this.masker.stream() };
    // A stream captured into a secret is the secret: it is never shown, not even masked.
    const hidden = step.capture?.secret ? step.capture.from : undefined;
    // A secret-capturing step's other stream waits until the captured value is registered.
    const held: { stream: 'stdout' | 'stderr'; text: string }[] | undefined = step.capture?.secret ? [] : undefined;
    const out = (stream: 'stdout' | 'stderr') => (text: string) => {
      if (stream === hidden) return;
      if (held) return void held.push({ stream, text });
      const masked = streams[stream].push(text);
      if (masked) this.emit({ type: 'output', stepId: step.id, stream, text: masked });
    };
    const env = this.envFor(step);
    // sql steps: psql with the SQL on stdin and the connection as PG* variables (sql.ts).
    const sql = step.kind === 'sql' ? prepareSql(step, this.varsOf(step), this.o.operatorEnv) : undefined;
    if (sql && 'error' in sql) {
      const result: ProcessResult = { exitCode: undefined, signal: undefined, timedOut: false, cancelled: false, stdout: '', stderr: '', pid: undefined, spawnError: sql.error };
      return { result, checks: [{ check: 'start', ok: false, detail: sql.error }] };
    }
    if (sql?.password) {
      try {
        this.masker.add({ name: `${step.database ?? 'DATABASE_URL'} password`, value: sql.password });
      } catch {
        // Too short to mask without hiding ordinary text: the masker refuses it, as it does short inputs.
      }
    }
    const result = await runProcess({
      command: sql ? sql.command : (step.run ?? ''),
      input: sql ? sql.input : undefined,
      shell: step.shell,
      cwd: step.cwd ?? this.o.cwd,
      env: sql ? { ...env, ...sql.env } : env,
      timeoutMs,
      signal: this.signal,
      graceMs: this.o.graceMs,
      onStdout: out('stdout'),
      onStderr: out('stderr'),
      onSpawn: this.o.onStepProcess,
    });
    preRegisterCapture(step, result, this.masker);
    for (const h of held ?? []) {
      const masked = streams[h.stream].push(h.text);
      if (masked) this.emit({ type: 'output', stepId: step.id, stream: h.stream, text: masked });
    }
    if (result.escaped?.length && !result.timedOut) this.emit({ type: 'message', level: 'warn', text: this.masker.mask(`${step.id}${escapedNote(result)}`) });
    if (hidden) this.emit({ type: 'output', stepId: step.id, stream: hidden, text: `(${hidden} captured into ${step.capture!.into}: hidden)\n` });
    for (const stream of ['stdout', 'stderr'] as const) {
      if (stream === hidden) continue;
      const rest = streams[stream].end();
      if (rest) this.emit({ type: 'output', stepId: step.id, stream, text: rest });
    }
    let checks: CheckResult[];
    if (result.spawnError) checks = [{ check: 'start', ok: false, detail: result.spawnError }];
    else if (result.timedOut) checks = [{ check: 'timeout', ok: false, detail: `timed out after ${formatDuration(timeoutMs ?? 0)}; its process group was ended${escapedNote(result)}` }];
    else if (result.cancelled) checks = [{ check: 'cancel', ok: false, detail: 'cancelled; its process group was ended' }];
    else checks = sql ? checkSql(step, sql, result) : checkExpect(step.expect, result, { quiet: step.capture?.secret === true });
    return { result, checks };
  }

  private emitChecks(step: PlanStep, checks: CheckResult[]): void {
    for (const c of checks) this.emit({ type: 'check', stepId: step.id, check: this.masker.mask(c.check), ok: c.ok, detail: c.detail === undefined ? undefined : this.masker.mask(c.detail) });
  }

  /** Stores a step's captured output as a variable for later steps; a secret capture joins the masker first. */
  private capture(step: PlanStep, result: ProcessResult): string | undefined {
    const cap = step.capture;
    if (!cap) return undefined;
    const got = capturedValue(cap, result);
    if ('problem' in got) return got.problem;
    const value = got.value;
    if (cap.secret) {
      try {
        this.masker.add({ name: cap.into, value });
      } catch (err) {
        return err instanceof UnmaskableSecretError ? `capture into ${cap.into}: ${err.message}` : String(err);
      }
    }
    this.vars.set(cap.into, { value, secret: cap.secret });
    if (cap.secret) this.o.onSecretCapture?.(cap.into, value);
    // A non-secret value is recorded (masked), so a resume can replay it from the transcript.
    this.emit({ type: 'capture', stepId: step.id, into: cap.into, secret: cap.secret, ...(cap.secret ? {} : { value: this.masker.mask(value) }) });
    return undefined;
  }

  /** Runs a command step (run, sql, precondition, rollback) with retries; true when it passed. `base`: attempts made before (a retry from the failure prompt counts on). */
  private async runCommand(step: PlanStep, base = 0): Promise<boolean> {
    const total = base + Math.max(1, step.retry?.attempts ?? 1);
    const { last, tries: made } = await withRetry(
      step.retry,
      async (n) => {
        this.setState(step, 'running', { attempt: base + n });
        const r = await this.execOnce(step);
        this.emitChecks(step, r.checks);
        const final = r.result.cancelled || r.result.spawnError !== undefined;
        return { value: r, ok: r.checks.every((c) => c.ok), final };
      },
      {
        signal: this.signal,
        onRetry: (n, delayMs) => this.emit({ type: 'retry', stepId: step.id, attempt: base + n + 1, of: total, delayMs }),
      },
    );
    const tries = base + made;
    const { result, checks } = last.value;
    const failedCheck = checks.find((c) => !c.ok);
    if (result.cancelled || this.signal?.aborted) {
      this.setState(step, 'cancelled', { attempt: tries, detail: 'cancelled by the operator' });
      return false;
    }
    if (failedCheck) {
      this.setState(step, result.timedOut ? 'timed-out' : 'failed', { attempt: tries, detail: describeFailure(failedCheck) });
      return false;
    }
    const captureProblem = this.capture(step, result);
    if (captureProblem) {
      this.setState(step, 'failed', { attempt: tries, detail: captureProblem });
      return false;
    }
    this.setState(step, 'passed', { attempt: tries });
    return true;
  }

  /** A fixed pause (`wait.for`), shown as progress. */
  private async pause(step: PlanStep, forMs: number, base = 0): Promise<boolean> {
    const attempt = base + 1;
    this.setState(step, 'running', { attempt });
    const until = step.group === 'step' ? await this.o.park?.(step, forMs) : undefined;
    if (until !== undefined) {
      this.parkedUntil = until;
      this.emit({ type: 'parked', stepId: step.id, resumeAfter: until, forMs });
      this.setState(step, 'parked', { attempt, detail: `parked: resume after ${until}` });
      return false;
    }
    const start = this.now();
    const tick = Math.max(1000, Math.ceil(forMs / 20));
    for (;;) {
      const elapsed = this.now() - start;
      this.emit({ type: 'progress', stepId: step.id, fraction: Math.min(1, elapsed / Math.max(1, forMs)), message: `waiting ${formatDuration(Math.max(0, forMs - elapsed))} more` });
      if (elapsed >= forMs) break;
      if (!(await sleep(Math.min(tick, forMs - elapsed), this.signal))) {
        this.setState(step, 'cancelled', { attempt, detail: 'cancelled by the operator' });
        return false;
      }
    }
    this.setState(step, 'passed', { attempt });
    return true;
  }

  /** The `wait.progress` value: a JSON path of stdout, or two joined by `/` (done/total). */
  private progressOf(step: PlanStep, stdout: string): string | undefined {
    const spec = step.wait?.progress;
    if (!spec) return undefined;
    const parsed = parseJsonOutput(stdout);
    if (!parsed.ok) return undefined;
    const parts = spec.split('/').map((p) => readPath(parsed.value, p.trim()));
    if (parts.some((p) => !p.found)) return undefined;
    return parts.map((p) => (typeof p.value === 'string' ? p.value : JSON.stringify(p.value))).join('/');
  }

  private async runWait(step: PlanStep, base = 0): Promise<boolean> {
    const wait = step.wait ?? { everyMs: 10_000 };
    if (!step.run) return this.pause(step, wait.forMs ?? 0, base);
    const deadlineMs = wait.timeoutMs ?? 300_000;
    this.setState(step, 'running', { attempt: base + 1 });
    let lastChecks: CheckResult[] = [];
    let lastResult: ProcessResult | undefined;
    const outcome = await waitUntil({
      intervalMs: wait.everyMs,
      deadlineMs,
      signal: this.signal,
      now: this.now,
      // Each probe has its own deadline inside the wait's: a hanging probe cannot outlast it.
      probe: async (_attempt, remainingMs) => {
        const r = await this.execOnce(step, probeTimeout(step.timeoutMs, remainingMs));
        lastChecks = r.checks;
        lastResult = r.result;
        const failed = r.checks.find((c) => !c.ok);
        const progress = this.progressOf(step, r.result.stdout);
        const detail = `${progress !== undefined ? `${progress}; ` : ''}${failed ? describeFailure(failed) : 'condition met'}`;
        return { ok: !failed, detail, final: r.result.cancelled || r.result.spawnError !== undefined };
      },
      onProgress: (p) =>
        this.emit({
          type: 'progress',
          stepId: step.id,
          fraction: p.fraction,
          message: this.masker.mask(`probe ${p.attempt}: ${p.detail ?? ''} (${formatDuration(p.elapsedMs)} of ${formatDuration(p.deadlineMs)})`),
        }),
    });
    const tries = base + outcome.attempts;
    const r = this.results.get(this.key(step))!;
    r.attempts = tries;
    this.emitChecks(step, lastChecks);
    if (outcome.status === 'met') {
      const problem = lastResult ? this.capture(step, lastResult) : undefined;
      this.setState(step, problem ? 'failed' : 'passed', { attempt: tries, detail: problem });
      return !problem;
    }
    if (outcome.status === 'cancelled') {
      this.setState(step, 'cancelled', { attempt: tries, detail: 'cancelled by the operator' });
      return false;
    }
    this.setState(step, outcome.status === 'deadline' ? 'timed-out' : 'failed', {
      attempt: tries,
      detail: outcome.status === 'deadline' ? `condition not met within ${formatDuration(deadlineMs)}; last: ${outcome.detail ?? ''}` : outcome.detail,
    });
    return false;
  }

  /**
   * Decides a step's `when` conditions. A question is answered by `--answer`, or asked once
   * per owner (a section's question is not asked again for each of its steps); cancelling the
   * question cancels the run. `--confirm` never answers a question.
   */
  private async conditionsHold(step: PlanStep): Promise<boolean> {
    for (const c of step.when ?? []) {
      let holds: boolean;
      let by: 'operator' | 'input' | 'capture' | 'flag' | 'policy';
      let label: string;
      if ('question' in c) {
        label = c.question;
        const earlier = this.answered.get(c.owner);
        if (earlier !== undefined) {
          if (!earlier) return false;
          continue;
        }
        const given = this.o.answers?.get(c.owner) ?? (c.alias !== undefined ? this.o.answers?.get(c.alias) : undefined);
        if (given !== undefined) [holds, by] = [given, 'flag'];
        else if (this.host.prompts) {
          const a = await this.host.prompts.question({ stepId: step.id, text: this.masker.mask(expandForDisplay(c.question, this.varsOf(step))) });
          if (a === undefined) {
            this.cancel.abort();
            return false;
          }
          [holds, by] = [a, 'operator'];
        } else [holds, by] = [false, 'policy'];
        this.answered.set(c.owner, holds);
      } else {
        label = describeWhen(c);
        holds = evaluateCondition(c, this.varsOf(step).get(c.input)?.value);
        by = c.capture ? 'capture' : 'input';
      }
      this.emit({ type: 'condition', stepId: step.id, condition: this.masker.mask(label), holds, by });
      if (!holds) return false;
    }
    return true;
  }

  private async runManual(step: PlanStep): Promise<'done' | 'skip' | 'abort'> {
    this.setState(step, 'running', { attempt: 1 });
    const text = this.masker.mask(expandForDisplay(step.manual ?? step.title, this.varsOf(step)));
    let answer: 'done' | 'skip' | 'abort' | undefined;
    const inAdvance = preconfirmedStep(this.o.preconfirmed, step) && step.group !== 'rollback';
    if (inAdvance) answer = 'done';
    else if (this.host.prompts) {
      answer = await this.host.prompts.manual({ stepId: step.id, title: step.title, text, checklist: step.checklist?.map((c) => this.masker.mask(expandForDisplay(c, this.varsOf(step)))) });
      if (answer === undefined) {
        // Ctrl+C (or a closed terminal) at the prompt cancels the run.
        this.cancel.abort();
        this.emit({ type: 'manual', stepId: step.id, answer: 'abort', by: 'operator' });
        this.setState(step, 'cancelled', { attempt: 1, detail: 'cancelled by the operator' });
        return 'abort';
      }
    }
    this.emit({ type: 'manual', stepId: step.id, answer: answer ?? 'abort', by: inAdvance ? 'flag' : answer === undefined ? 'policy' : 'operator' });
    if (answer === 'done') this.setState(step, 'passed', { attempt: 1, detail: inAdvance ? 'confirmed in advance by --confirm (not watched by the runner)' : 'done by the operator' });
    else if (answer === 'skip') this.setState(step, 'skipped', { attempt: 1, detail: 'skipped by the operator' });
    else this.setState(step, 'refused', { attempt: 1, detail: answer === undefined ? `manual step needs an operator; pass --confirm ${step.id} once it is done` : 'aborted by the operator' });
    return answer ?? 'abort';
  }

  /** Runs a step by what it does (its kind), whatever group it sits in; true when it passed. */
  private async runByKind(step: PlanStep, base = 0): Promise<boolean> {
    switch (step.kind) {
      case 'manual':
        return (await this.runManual(step)) === 'done';
      case 'wait':
        return this.runWait(step, base);
      default:
        return this.runCommand(step, base);
    }
  }

  /** The rollbacks a failure of `failed` (or a refusal or cancel, without one) would offer, and those their `unsafe_after` withholds. */
  private rollbackIds(failed: PlanStep | undefined): RollbackWindow {
    const passed = [...this.results.values()].filter((r) => r.state === 'passed' && r.step.group === 'step').map((r) => r.step);
    const started = new Set([...this.results.values()].filter((r) => r.startedAt !== undefined && r.step.group !== 'rollback').map((r) => r.step.id));
    return rollbackWindow(offeredRollbacks(failed, passed), this.plan.rollbacks, started);
  }

  /**
   * After a failed step, the failure prompt (or `--on-failure` when nobody can be asked)
   * decides; every decision is a `failure-choice` event. A retry re-runs the step, its
   * attempts counted on; 'continue' goes on with the next step.
   */
  private async afterFailure(step: PlanStep): Promise<'continue' | 'cancelled' | 'failed' | 'aborted'> {
    let retried = 0;
    for (;;) {
      const r = this.results.get(this.key(step))!;
      const detail = r.detail ?? 'step failed';
      const window = this.rollbackIds(step);
      const rollbacks = window.offered;
      const options = failureOptions(step, rollbacks.length > 0);
      let choice: FailureChoice | undefined;
      let by: 'operator' | 'policy' = 'operator';
      if (this.host.prompts?.failure) {
        choice = await this.host.prompts.failure({ stepId: step.id, title: step.title, detail, attempt: r.attempts, options, rollbacks, withheld: window.withheld });
        if (choice === undefined) {
          this.cancel.abort();
          return 'cancelled';
        }
        // A host answering outside the options (skip for a step not marked skippable) aborts instead.
        if (!options.includes(choice)) choice = 'abort';
      } else if (this.host.prompts) choice = 'rollback';
      else [choice, by] = [policyChoice(this.policy, retried), 'policy'];
      this.emit({ type: 'failure-choice', stepId: step.id, choice, by, attempt: r.attempts });
      if (choice === 'retry') {
        retried++;
        const ok = await this.runByKind(step, r.attempts);
        if (this.cancelled) return 'cancelled';
        if (ok) return 'continue';
        continue;
      }
      if (choice === 'skip') {
        this.setState(step, 'skipped', { detail: `${detail}; skipped by the operator (skippable)` });
        return 'continue';
      }
      if (choice === 'abort') return 'aborted';
      // rollback (asked one by one on a terminal), or stop: the policy skips each, recorded.
      await this.offerRollbacks(step, step.id, detail);
      return 'failed';
    }
  }

  /**
   * Asks for (or applies the policy on) each rollback; every choice and outcome is an event.
   * `failed` is the step that failed or was cancelled mid-way (its own rollback comes first);
   * a refused step never ran, so only earlier steps' rollbacks are offered.
   */
  private async offerRollbacks(failed: PlanStep | undefined, at: string, reason: string): Promise<void> {
    const { offered: ids, withheld } = this.rollbackIds(failed);
    const byId = new Map(this.plan.rollbacks.map((r) => [r.id, r]));
    // Withheld rollbacks are never offered or run, whatever --on-failure says; the record says why.
    for (const w of withheld) {
      this.emit({ type: 'rollback-withheld', stepId: w.id, after: w.after, reason: `unsafe after ${w.after}, which has started` });
      const rb = byId.get(w.id);
      if (rb) this.setState(rb, 'skipped', { detail: `withheld: unsafe after ${w.after}, which has started (unsafe_after)` });
    }
    if (!ids.length) return;
    this.rollingBack = true;
    this.emit({ type: 'rollback-offer', stepId: at, rollbacks: ids, reason: this.masker.mask(reason) });
    for (const id of ids) {
      const rb = byId.get(id);
      if (!rb) continue;
      // A rollback's `when` holds like a step's: the AWS rollback does not run for the vault backend.
      if (!(await this.conditionsHold(rb))) {
        this.setState(rb, 'skipped', { detail: 'condition not met' });
        continue;
      }
      let choice: RollbackChoice;
      let by: 'operator' | 'policy';
      if (this.host.prompts && !this.o.rollbackSignal?.aborted) {
        choice = (await this.host.prompts.rollback({ stepId: at, rollbacks: [id], reason: this.masker.mask(reason) })) ?? 'abort';
        by = 'operator';
      } else {
        choice = this.policy.then === 'rollback' ? 'run' : 'skip';
        by = 'policy';
      }
      this.emit({ type: 'rollback-choice', stepId: id, choice, by });
      if (choice === 'abort') break;
      if (choice === 'skip') {
        this.setState(rb, 'skipped', { detail: `rollback skipped (${by})` });
        continue;
      }
      if (rb.confirm && rb.kind !== 'manual') {
        const ok = await this.confirm(rb);
        if (!ok) continue;
      }
      await this.runByKind(rb);
    }
    this.rollingBack = false;
  }

  private async confirm(step: PlanStep): Promise<boolean> {
    const vars = this.varsOf(step);
    const why = step.confirm?.message ? `${this.masker.mask(expandForDisplay(step.confirm.message, vars))} (${step.confirm.why})` : (step.confirm?.why ?? 'dangerous step');
    const req = { stepId: step.id, title: step.title, target: confirmTarget(step, vars), why };
    const ask = this.host.prompts ? (r: typeof req) => this.host.prompts!.confirmTarget(r) : undefined;
    const outcome = await confirmStep(req, preconfirmedStep(this.o.preconfirmed, step) ? new Set([step.id]) : new Set(), ask);
    this.emit({ type: 'confirmation', stepId: step.id, ok: outcome.ok, how: outcome.how, message: outcome.ok ? undefined : outcome.message });
    if (!outcome.ok && outcome.how === 'cancelled' && !this.rollingBack) this.cancel.abort();
    if (!outcome.ok) this.setState(step, outcome.how === 'cancelled' ? 'cancelled' : 'refused', { detail: outcome.message });
    return outcome.ok;
  }

  /** Preconditions must all pass before anything changes. */
  async preconditions(): Promise<boolean> {
    for (const p of this.plan.preconditions) {
      if (this.skipResumed(p)) continue;
      if (!(await this.conditionsHold(p))) {
        this.setState(p, 'skipped', { detail: 'condition not met' });
        continue;
      }
      if (p.confirm && p.kind !== 'manual' && !(await this.confirm(p))) return false;
      const ok = await this.runByKind(p);
      if (!ok) {
        const r = this.results.get(this.key(p));
        this.emit({ type: 'gate', gate: 'preconditions', ok: false, message: `precondition ${p.id} failed: ${r?.detail ?? ''}` });
        return false;
      }
    }
    if (this.plan.preconditions.length) this.emit({ type: 'gate', gate: 'preconditions', ok: true, message: `${this.plan.preconditions.length} precondition(s) passed` });
    return true;
  }

  /**
   * Whether the step's optional sections (troubleshooting, incident, variant) were chosen:
   * by `--section`, or by the operator when asked once per section; never by default.
   */
  private async sectionsChosen(step: PlanStep): Promise<boolean> {
    if (sectionChosen(step, this.chosen)) return true;
    for (const s of step.optionalSections ?? []) {
      if (this.chosen.has(s.key)) continue;
      const owner = `choose:${s.key}`;
      let chosen = this.answered.get(owner);
      if (chosen === undefined && this.host.prompts) {
        const a = await this.host.prompts.question({ stepId: s.key, text: `Run the ${s.kind} section "${this.masker.mask(s.title)}"?` });
        if (a === undefined) {
          this.cancel.abort();
          return false;
        }
        chosen = a;
        this.answered.set(owner, a);
        this.emit({ type: 'condition', stepId: s.key, condition: `section "${this.masker.mask(s.title)}" chosen`, holds: a, by: 'operator' });
      }
      if (!chosen) return false;
    }
    return true;
  }

  /** Optional sections that run: chosen with `--section`, or routed into by a failure (`on_failure`). */
  private readonly chosen = new Set<string>();
  /** Steps already run by a route: not run again when the plan order reaches them. */
  private readonly routeRan = new Set<PlanStep>();
  private section: string | undefined;
  /** The loop item (for_each) the last step belonged to: a new item starts a new section header. */
  private item: number | undefined;

  private async cancelledRun(step: PlanStep | undefined, at: string): Promise<RunStatus> {
    await this.offerRollbacks(step, at, 'the run was cancelled');
    return 'cancelled';
  }

  /**
   * A failure routed into a section (`on_failure`): its steps run now, in plan order, as if
   * chosen. Each section is routed into once per run, so routes cannot loop.
   */
  private async route(step: PlanStep): Promise<'continue' | RunStatus> {
    const key = step.routeTo;
    if (key === undefined || this.chosen.has(key)) return 'continue';
    this.chosen.add(key);
    const target = this.plan.sections.find((s) => s.key === key);
    this.emit({ type: 'route', stepId: step.id, section: key, title: this.masker.mask(target?.title ?? key) });
    for (const s of this.plan.steps) {
      if (!(s.optionalSections ?? []).some((o) => o.key === key)) continue;
      this.routeRan.add(s);
      const r = await this.runOne(s);
      if (r !== 'next') return r;
    }
    return 'continue';
  }

  /** One step in its turn: section choice, needs, conditions, confirmation, then its kind; 'next' or the run's end. */
  private async runOne(step: PlanStep): Promise<'next' | RunStatus> {
    if (this.cancelled) return this.cancelledRun(undefined, step.id);
    if (step.section !== this.section || step.loop?.index !== this.item) {
      this.section = step.section;
      this.item = step.loop?.index;
      if (this.section) this.emit({ type: 'section', title: this.section, ...(step.loop ? { item: loopItemOf(step.loop) } : {}) });
    }
    if (this.skipResumed(step)) return 'next';
    if (!(await this.sectionsChosen(step))) {
      if (this.cancelled) return this.cancelledRun(undefined, step.id);
      const missing = (step.optionalSections ?? []).find((s) => !this.chosen.has(s.key) && this.answered.get(`choose:${s.key}`) !== true)!;
      this.setState(step, 'skipped', { detail: `the ${missing.kind} section "${missing.title}" was not chosen (runsafe run --section ${JSON.stringify(missing.key)})` });
      return 'next';
    }
    const unmet = step.needs.filter((n) => this.results.get(n)?.state !== 'passed');
    if (unmet.length) {
      this.setState(step, 'skipped', { detail: `needs ${unmet.join(', ')}, which did not pass` });
      return 'next';
    }
    if (!(await this.conditionsHold(step))) {
      if (this.cancelled) return this.cancelledRun(undefined, step.id);
      this.setState(step, 'skipped', { detail: 'condition not met' });
      return 'next';
    }
    if (step.confirm && step.kind !== 'manual' && !(await this.confirm(step))) {
      if (this.cancelled) return this.cancelledRun(undefined, step.id);
      await this.offerRollbacks(undefined, step.id, `confirmation of ${step.id} was refused`);
      return 'refused';
    }
    if (step.unconfirmed !== undefined) this.emit({ type: 'message', level: 'warn', text: this.masker.mask(`${step.id} runs without confirmation (confirm.required: false): ${step.unconfirmed}`) });
    let ok: boolean;
    if (step.kind === 'manual') {
      const answer = await this.runManual(step);
      if (this.cancelled) return this.cancelledRun(undefined, step.id);
      if (answer === 'abort') {
        await this.offerRollbacks(undefined, step.id, `the manual step ${step.id} was ${this.host.prompts ? 'aborted' : 'not confirmed'}`);
        return this.host.prompts ? 'aborted' : 'refused';
      }
      ok = true;
    } else ok = await this.runByKind(step);
    if (this.parkedUntil !== undefined) return 'parked';
    if (this.cancelled) return this.cancelledRun(step, step.id);
    if (!ok && step.continueOnFailure) {
      this.emit({ type: 'message', level: 'warn', text: `${step.id} failed; continuing (continue_on_failure)` });
      return 'next';
    }
    if (!ok) {
      // A route runs its section first; the failure prompt (or --on-failure) then decides about this step.
      const routed = await this.route(step);
      if (routed !== 'continue') return routed;
      const next = await this.afterFailure(step);
      if (next === 'cancelled') return this.cancelledRun(step, step.id);
      if (next !== 'continue') return next;
    }
    return 'next';
  }

  /** Runs the steps in plan order; stops at the first failure, refusal or cancel and offers rollbacks. */
  async steps(): Promise<RunStatus> {
    for (const step of this.plan.steps) this.results.set(step.id, { step, state: 'pending', attempts: 0 });
    for (const k of this.o.sections ?? []) this.chosen.add(k);
    for (const step of this.plan.steps) {
      if (this.routeRan.has(step)) continue;
      const r = await this.runOne(step);
      if (r !== 'next') return r;
    }
    return 'passed';
  }

  /** A resume: a step that passed in an earlier segment is recorded as passed and not run again. */
  private skipResumed(step: PlanStep): boolean {
    const detail = this.o.resumed?.get(`${step.group}:${step.id}`);
    if (detail === undefined) return false;
    this.setState(step, 'passed', { attempt: 0, detail });
    return true;
  }

  summary(): SummaryRow[] {
    const rows: SummaryRow[] = [];
    for (const r of this.results.values()) {
      rows.push({
        id: r.step.id,
        title: r.step.title,
        kind: r.step.kind,
        state: r.state,
        attempts: r.attempts,
        durationMs: r.startedAt !== undefined && r.endedAt !== undefined ? r.endedAt - r.startedAt : 0,
        detail: r.detail,
      });
    }
    return rows;
  }
}

/** Preconditions, then steps; returns the outcome (the caller emits run-finished after its own bookkeeping). */
export async function executePlan(plan: Plan, o: EngineOptions): Promise<RunOutcome> {
  const now = o.now ?? Date.now;
  const start = now();
  const engine = new Engine(plan, o);
  let status: RunStatus;
  if (!(await engine.preconditions())) status = engine.cancelled ? 'cancelled' : 'refused';
  else status = await engine.steps();
  return { status, summary: engine.summary(), durationMs: now() - start };
}

export { evaluateCondition };
