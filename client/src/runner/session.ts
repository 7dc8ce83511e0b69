// One guarded run of a runbook file: gates (lint, approval, inputs, secrets, lock), execution, transcript, verification.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { lintDangers, lintRunbook, type LintOptions } from '../../../server/src/lint';
import { effectivePolicy } from '../../../server/src/rules/policy';
import { initShellFromDisk } from '../../../server/src/shell-wasm';
import { describeFileError, unreadable } from '../node/file-errors';
import { findWorkspaceConfig, readWorkspacePolicy } from '../node/workspace-policy';
import { LineIndex, type Problem } from '../../../server/src/language/index';
import type { Json } from '../signing/jcs';
import type { Signer } from '../signing/keys';
import { formatPublicKey } from '../signing/keys';
import { TRANSCRIPT_MAPPING } from '../signing/chain-mapping';
import { createKeyLookup, type KeyLookup } from '../signing/trust-index';
import type { VerificationReport } from '../signing/verifier';
import { openTranscript, type TranscriptWriter } from '../node/transcript-writer';
import { verifyFile } from '../node/verify-file';
import type { GateName, RunEvent, RunnerHost, RunStatus } from './events';
import { executePlan } from './engine';
import { parseInputFlags, resolveInputs, validateInput, type InputDecl } from './inputs';
import { inputsUsed } from './step-inputs';
import { loopOnlyInputs } from './loop-plan';
import { missingAnswers } from './machine/up-front';
import { DEFAULT_FAILURE_POLICY, formatOnFailure, type FailurePolicy } from './machine/failure';
import { acquireLock, lockPath, LockHeldError, type RunLock } from './lock';
import { Masker, MIN_SECRET_LENGTH, UnmaskableSecretError } from './masker';
import { buildPlan } from './plan';
import type { Plan } from './plan-types';
import { recordingHost } from './recorder';
import { claimSegment, openState, prepareResume, releaseClaim, stepHashes, type Resume } from './resume';
import { SecretRunState } from './run-state';
import { parkable, resumeAfter } from './machine/park';
import { verifySegments } from '../node/verify-run';
import { formatDuration } from '../../../server/src/language/duration';

export interface ApprovalCheck {
  ok: boolean;
  message: string;
}

export interface SessionOptions {
  runbookPath: string;
  /** The workspace root: where `.runsafe/` (locks, transcripts) lives. */
  workspace: string;
  host: RunnerHost;
  /** `--input NAME=VALUE` flags (never secrets). */
  inputFlags?: string[];
  /** The operator's environment: secrets come from here when not prompted. */
  env: Record<string, string | undefined>;
  /** `--confirm <step-id>` flags: typed confirmations, and manual steps done in advance. */
  confirm?: string[];
  /** `--answer <step-or-section>=yes|no` flags: answers to `when` questions. */
  answer?: string[];
  /** `--section <id-or-title>` flags: optional sections (troubleshooting, incident, variant) to run. */
  section?: string[];
  /** Cancels rollbacks offered after the run was cancelled (the CLI: a second Ctrl+C). */
  rollbackSignal?: AbortSignal;
  /** After a failure when nobody can be asked (`--on-failure`, machine/failure.ts): retries, then stop or rollback. */
  onFailure?: 'stop' | 'rollback' | FailurePolicy;
  dryRun?: boolean;
  /** Run only these steps (with the preconditions and their rollbacks), as the editor's "Run step" does. */
  only?: string[];
  /** Where the transcript goes; default `.runsafe/transcripts/<id>-<time>.transcript.jsonl`. */
  transcriptPath?: string;
  signer?: Signer;
  /** Keys to verify the transcript with at the end; default: the signer's own key. */
  trust?: KeyLookup;
  operator?: string;
  signal?: AbortSignal;
  /** Checks the runbook's approvals when its policy requires them; absent means none can be checked. */
  verifyApproval?: (path: string, bytes: Uint8Array, required: number) => Promise<ApprovalCheck>;
  now?: () => Date;
  graceMs?: number;
  /** `--resume <transcript>`: continue the run that transcript (its last segment) records. */
  resume?: string;
  /** `--now --reason <text>`: resume a parked run before its wait is over (recorded). */
  resumeNow?: string;
  /** The operator's key for the encrypted secret state (`--state-key-file` / `--state-key-env`). */
  stateKey?: Buffer;
  /** Without a terminal: park at long waits (`--park-waits`) instead of waiting them out. */
  parkWaits?: boolean;
}

export interface SessionResult {
  status: RunStatus;
  plan?: Plan;
  transcriptPath?: string;
  verification?: VerificationReport;
  /** A resume: what it continues (for the dry run's "what a resume skips"). */
  resume?: Resume;
  /** Every segment of the run, first to last (one unless resumed). */
  segments?: string[];
  /** A parked run: when it may be resumed. */
  parkedUntil?: string;
}

function locate(problems: Problem[], text: string, path: string, max = 5): string {
  const index = new LineIndex(text);
  const lines = problems.slice(0, max).map((p) => {
    const pos = index.positionAt(p.span.start);
    return `${path}:${pos.line + 1}:${pos.character + 1} ${p.code}: ${p.message}`;
  });
  if (problems.length > max) lines.push(`… and ${problems.length - max} more (run: runsafe lint ${path})`);
  return lines.join('\n  ');
}

function defaultOperator(env: Record<string, string | undefined>): string {
  if (env['RUNSAFE_OPERATOR']) return env['RUNSAFE_OPERATOR'];
  let user = env['USER'] ?? env['LOGNAME'];
  try {
    user ??= userInfo().username;
  } catch {
    user ??= 'unknown';
  }
  return `${user}@${hostname()}`;
}

/**
 * `--answer` flags to answers by owner (`step-id` or `section:<key>`), `--section` flags to
 * section keys; every name must exist in the plan.
 */
export function parseChoices(plan: Plan, answer: string[], section: string[]): { answers: Map<string, boolean>; sections: Set<string>; errors: string[] } {
  const errors: string[] = [];
  const answers = new Map<string, boolean>();
  const stepIds = new Set([...plan.preconditions, ...plan.steps, ...plan.rollbacks].flatMap((s) => (s.baseId !== undefined ? [s.id, s.baseId] : [s.id])));
  const keys = new Map(plan.sections.map((s) => [s.key, s] as const));
  const byTitle = new Map(plan.sections.map((s) => [s.title, s] as const));
  for (const flag of answer) {
    const m = /^(.+)=(yes|no|y|n|true|false)$/i.exec(flag);
    if (!m) {
      errors.push(`--answer expects STEP=yes or STEP=no, got ${JSON.stringify(flag)}`);
      continue;
    }
    const name = m[1]!;
    const yes = /^(yes|y|true)$/i.test(m[2]!);
    const sec = keys.get(name) ?? byTitle.get(name);
    if (stepIds.has(name)) answers.set(name, yes);
    else if (sec) answers.set(`section:${sec.key}`, yes);
    else errors.push(`--answer ${name}: no step or section of that name`);
  }
  const sections = new Set<string>();
  for (const name of section) {
    const sec = keys.get(name) ?? byTitle.get(name);
    if (!sec) errors.push(`--section ${name}: no section of that id or title (sections: ${plan.sections.map((s) => s.key).join(', ') || 'none'})`);
    else sections.add(sec.key);
  }
  return { answers, sections, errors };
}

/** Why a typed answer is not acceptable (the prompt asks again), or undefined. */
function promptProblem(d: InputDecl, value: string): string | undefined {
  if (value === '' && (d.default !== undefined || d.required === false)) return undefined;
  if (value === '') return `${d.name} needs a value`;
  if (d.secret && !d.allowShort && value.length < MIN_SECRET_LENGTH) return `${d.name}: a secret must be at least ${MIN_SECRET_LENGTH} characters to be masked reliably`;
  return validateInput(d, value);
}

/** What the stale lock's run left: its transcript ends without run_end when the run died. */
function previousRunEnd(transcript: string | undefined): string {
  if (!transcript) return 'that run died';
  let text: string;
  try {
    text = readFileSync(transcript, 'utf8');
  } catch {
    return `that run died; its transcript ${transcript} is gone`;
  }
  return /"type":"run_end"/.test(text) ? `that run ended (${transcript}) but did not release its lock` : `that run died before it finished: its transcript ${transcript} ends without run_end (${text.split('\n').filter(Boolean).length} records)`;
}

/** What the approval gate says when the policy requires no approval: whether the runbook is approved anyway. */
async function approvalNotice(path: string, bytes: Uint8Array, shown: string, verify: SessionOptions['verifyApproval']): Promise<string> {
  if (!existsSync(`${path}.sig`)) return `not approved (no ${shown}.sig; the policy requires none)`;
  if (!verify) return `not checked (${shown}.sig present; pass --trust <trust-file> to check it; the policy requires none)`;
  const check = await verify(path, bytes, 1);
  return check.ok ? check.message : `not approved (${check.message}; the policy requires none)`;
}

/** Reads, lints and plans a runbook; the plan carries the gates' verdicts for a dry run. */
export function planFile(runbookPath: string, options: LintOptions = {}): { plan: Plan; text: string; bytes: Uint8Array; errors: Problem[]; approvalsRequired: number; envPassthrough: string[] } {
  const bytes = readFileSync(runbookPath);
  const lint = lintRunbook(bytes, options);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const plan = buildPlan(lint.parsed.runbook, { path: runbookPath, sha256, problems: lint.problems, text: lint.parsed.text, dangers: lintDangers(lint.parsed, options) });
  // The gates use the effective policy: the workspace's floor, tightened (never loosened) by the runbook.
  const policy = effectivePolicy(options.workspacePolicy, lint.parsed.runbook.policy);
  return { plan, text: lint.parsed.text, bytes, errors: lint.problems.filter((p) => p.severity === 'error'), approvalsRequired: policy.approvalsRequired, envPassthrough: policy.envPassthrough };
}

/**
 * Runs the gates in order (each reported as a `gate` event), then the plan. A refused gate
 * ends the session before anything runs; once the lock is held, every outcome is recorded in
 * the transcript, which is closed with its signed head and verified before returning.
 */
export async function runSession(o: SessionOptions): Promise<SessionResult> {
  const now = o.now ?? (() => new Date());
  const started = now().getTime();
  const host = o.host;
  const onFailure: FailurePolicy = typeof o.onFailure === 'object' ? o.onFailure : { ...DEFAULT_FAILURE_POLICY, then: o.onFailure ?? 'stop' };
  const path = resolve(o.workspace, o.runbookPath);
  const shown = relative(o.workspace, path) || path;
  const gate = (g: GateName, ok: boolean, message: string) => host.emit({ type: 'gate', gate: g, ok, message });
  const finish = (status: RunStatus, extra: Partial<SessionResult> = {}): SessionResult => {
    host.emit({ type: 'run-finished', status, summary: [], durationMs: now().getTime() - started });
    return { status, ...extra };
  };

  let planned: ReturnType<typeof planFile>;
  try {
    // The lint gate runs the same rules as `runsafe lint` and the editor: shell grammar loaded,
    // the workspace's .runsafe.yaml policy applied.
    await initShellFromDisk().catch(() => undefined);
    const config = findWorkspaceConfig(o.workspace);
    planned = planFile(path, config ? { workspacePolicy: readWorkspacePolicy(config) } : {});
  } catch (err) {
    host.emit({ type: 'message', level: 'error', text: unreadable(shown, err) });
    return finish('refused');
  }
  const { plan, text, bytes, errors } = planned;
  plan.runbook.path = shown;
  let runId = `${plan.runbook.id}-${now().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`;
  host.emit({ type: 'run-started', runbook: plan.runbook.id, title: plan.runbook.title, path: shown, runId, dryRun: o.dryRun === true });

  // Gate: lint errors (schema and safety rules) refuse the run.
  if (errors.length) {
    gate('lint', false, `${errors.length} error(s); fix them first:\n  ${locate(errors, text, shown)}`);
    return finish('refused', { plan });
  }
  gate('lint', true, 'no errors');
  if (o.only?.length) {
    const named = (s: Plan['steps'][number]) => o.only!.includes(s.id) || (s.baseId !== undefined && o.only!.includes(s.baseId));
    const unknown = o.only.filter((id) => !plan.steps.some((s) => s.id === id || s.baseId === id));
    if (unknown.length) {
      gate('lint', false, `no step ${unknown.map((id) => `'${id}'`).join(', ')} in ${shown}`);
      return finish('refused', { plan });
    }
    // Needs stay as declared: a step whose prerequisites are not in this run is skipped, not run blind.
    plan.steps = plan.steps.filter(named);
  }
  if (plan.problems.length) {
    gate('lint', false, `the plan cannot run:\n  ${plan.problems.join('\n  ')}`);
    return finish('refused', { plan });
  }
  // Gate: a resume continues only a verified, unfinished run of these exact runbook bytes.
  let resume: Resume | undefined;
  if (o.resume) {
    const keys = o.trust ?? createKeyLookup(o.signer ? [{ key_id: o.signer.keyId, identity: 'this run', roles: ['operator'], version: 1, public_key: formatPublicKey(o.signer.publicKey) }] : []);
    const r = await prepareResume({ transcript: resolve(o.workspace, o.resume), plan, lockFile: lockPath(o.workspace, plan.runbook.id, path), keys, trusted: o.trust !== undefined, nowMs: now().getTime(), cutShort: o.resumeNow });
    if (typeof r === 'string') {
      gate('resume', false, r);
      return finish('refused', { plan });
    }
    resume = r;
    runId = r.runId;
    gate('resume', true, `run ${r.runId}, segment ${r.segment}: ${r.resumed.size} step(s) passed before and are not run again${r.cutShort ? `; parked wait cut short by --now (${formatDuration(r.cutShort.remainingMs)} early): ${r.cutShort.reason}` : ''}${r.notes.length ? `; ${r.notes.join('; ')}` : ''}`);
  }
  // A dry run stops after the gates that need no operator (the caller shows the plan), but checks
  // the --input values as a real run does and says what it would refuse.
  if (o.dryRun) {
    const flags = parseInputFlags(o.inputFlags ?? []);
    const captured = new Set([...plan.preconditions, ...plan.steps].flatMap((s) => (s.capture ? [s.capture.into] : [])));
    const dry = await resolveInputs({ decls: plan.inputs, flags: flags.values, env: o.env, captured, allowMissing: true });
    const refused = [...flags.errors, ...dry.errors];
    if (refused.length) {
      gate('inputs', false, `a real run would refuse: ${refused.join('\n  ')}`);
      return finish('refused', { plan });
    }
    const loopBound = loopOnlyInputs(plan.steps, (subset) => inputsUsed(plan, subset));
    const asks = dry.missing.filter((n) => !loopBound.has(n));
    gate('inputs', true, `${dry.values.size} input(s) valid${asks.length ? `; a real run asks for ${asks.join(', ')} (without a terminal it refuses)` : ''}${loopBound.size ? `; bound by loops: ${[...loopBound].join(', ')}` : ''}`);
    return { status: 'passed', plan, resume };
  }

  // Gate: approvals, as the effective policy (workspace floor, runbook may raise) requires them.
  // Shown always: an unapproved runbook that the policy lets run still says it is not approved.
  const required = planned.approvalsRequired;
  if (required > 0) {
    const check = o.verifyApproval ? await o.verifyApproval(path, bytes, required) : { ok: false, message: `the policy requires ${required} approval(s) in ${shown}.sig; pass --trust <trust-file> to check them` };
    gate('approval', check.ok, check.message);
    if (!check.ok) return finish('refused', { plan });
  } else gate('approval', true, await approvalNotice(path, bytes, shown, o.verifyApproval));

  // Gate: inputs (secrets never from argv) and secrets (long enough to mask).
  const flags = parseInputFlags(o.inputFlags ?? []);
  // A resume keeps the run's recorded inputs and the choices its first segment was given.
  if (resume) flags.errors.push(...carryInputs(resume, plan, flags.values));
  const confirmed = [...new Set([...(resume?.history.confirmed ?? []), ...(o.confirm ?? [])])];
  const choices = parseChoices(plan, [...Object.entries(resume?.history.answered ?? {}).map(([k, v]) => `${k.replace(/^section:/, '')}=${v ? 'yes' : 'no'}`), ...(o.answer ?? [])], [...(resume?.history.sections ?? []), ...(o.section ?? [])]);
  if (choices.errors.length) {
    gate('inputs', false, choices.errors.join('\n  '));
    return finish('refused', { plan });
  }
  const captured = new Set([...plan.preconditions, ...plan.steps].flatMap((s) => (s.capture ? [s.capture.into] : [])));
  // A prompt validates each answer as it is typed and asks again; Ctrl+C at any prompt cancels the run.
  let promptCancelled = false;
  const ask = host.prompts
    ? async (d: InputDecl): Promise<string | undefined> => {
        for (;;) {
          if (promptCancelled || o.signal?.aborted) return undefined;
          const v = await host.prompts!.input({ name: d.name, description: d.description, enum: d.enum?.map(String), default: d.default === undefined ? undefined : String(d.default), secret: d.secret === true });
          if (v === undefined) {
            promptCancelled = true;
            return undefined;
          }
          const problem = promptProblem(d, v);
          if (!problem) return v;
          host.emit({ type: 'message', level: 'error', text: `${problem}; try again (Ctrl+C cancels the run)` });
        }
      }
    : undefined;
  // Run step (`only`): only the inputs those steps and the preconditions use are asked; the rest keep a default or stay unset.
  // Inputs every reader of which is in a loop that binds them are not asked either.
  const used = o.only?.length ? inputsUsed(plan, plan.steps) : undefined;
  const loopOnly = loopOnlyInputs(plan.steps, (subset) => inputsUsed(plan, subset));
  const unasked = new Set(plan.inputs.filter((d) => (used && !used.has(d.name)) || loopOnly.has(d.name)).map((d) => d.name));
  const flagsOf = (inUnasked: boolean) => new Map([...flags.values].filter(([k]) => unasked.has(k) === inUnasked));
  const resolved = await resolveInputs({ decls: plan.inputs.filter((d) => !unasked.has(d.name)), flags: flagsOf(false), env: o.env, captured, ask });
  if (unasked.size) {
    const rest = await resolveInputs({ decls: plan.inputs.filter((d) => unasked.has(d.name)), flags: flagsOf(true), env: o.env, captured, allowMissing: true });
    for (const [k, v] of rest.values) resolved.values.set(k, v);
    resolved.errors.push(...rest.errors);
  }
  if (promptCancelled || o.signal?.aborted) {
    gate('inputs', false, 'cancelled at the prompt; nothing ran');
    return finish('cancelled', { plan });
  }
  const inputErrors = [...flags.errors, ...resolved.errors];
  if (inputErrors.length) {
    gate('inputs', false, inputErrors.join('\n  '));
    return finish('refused', { plan });
  }
  if (resume) {
    // Captures of steps that do not run again: non-secret ones from the transcript, secret ones from the encrypted state or asked again.
    const state = openState(resume, o.stateKey);
    for (const [name, value] of resume.values) if (!resolved.values.has(name) && !plan.inputs.some((d) => d.name === name)) resolved.values.set(name, { value, secret: false, source: 'capture' });
    for (const [name, value] of state.values) resolved.values.set(name, { value, secret: true, source: 'capture' });
    for (const name of state.missing) {
      const step = resume.secretCaptures.find((c) => c.name === name)!.stepId;
      const v = ask ? await ask({ name, secret: true, description: `the secret ${step} captured earlier in this run (${state.why})` }) : undefined;
      if (v === undefined) {
        if (promptCancelled || o.signal?.aborted) return finish('cancelled', { plan });
        gate('resume', false, `${name}, captured secretly by ${step} earlier in this run, is needed and not at hand: ${state.why}${ask ? '' : ', or resume on a terminal to type it again'}`);
        return finish('refused', { plan });
      }
      resolved.values.set(name, { value: v, secret: true, source: 'prompt' });
    }
  }
  gate('inputs', true, `${resolved.values.size} input(s) resolved${resolved.deferred.length ? `; captured later: ${resolved.deferred.join(', ')}` : ''}`);
  // Nobody to ask: every confirmation, manual step and answer the run may need is checked now,
  // before the first step changes anything.
  if (!host.prompts) {
    const toRun = resume ? { ...plan, preconditions: plan.preconditions.filter((s) => !resume.resumed.has(`precondition:${s.id}`)), steps: plan.steps.filter((s) => !resume.resumed.has(`step:${s.id}`)) } : plan;
    const missing = missingAnswers(toRun, {
      known: new Map([...resolved.values].map(([k, v]) => [k, v.value])),
      later: captured,
      confirmed: new Set(confirmed),
      answered: choices.answers,
      sections: choices.sections,
      rollbacksRun: onFailure.then === 'rollback',
    });
    if (missing.length) {
      gate('inputs', false, `this run cannot ask anyone, and would need to:\n  ${missing.join('\n  ')}\nnothing ran`);
      return finish('refused', { plan });
    }
  }
  const masker = new Masker();
  try {
    for (const [name, v] of resolved.values) {
      if (v.secret) masker.add({ name, value: v.value, allowShort: plan.inputs.find((d) => d.name === name)?.allowShort === true || v.source === 'capture' });
    }
  } catch (err) {
    gate('secrets', false, err instanceof UnmaskableSecretError ? err.message : String(err));
    return finish('refused', { plan });
  }

  // Gate: one run of this runbook at a time in this workspace.
  let lock: RunLock;
  try {
    lock = acquireLock(lockPath(o.workspace, plan.runbook.id, path), plan.runbook.id, now);
  } catch (err) {
    gate('lock', false, err instanceof LockHeldError ? err.message : `cannot take the run lock: ${describeFileError(err) ?? (err as Error).message}`);
    return finish('refused', { plan });
  }
  gate('lock', true, lock.recovered ? `recovered a stale lock of pid ${lock.recovered.pid}: ${previousRunEnd(lock.recovered.transcript)}` : 'no other run of this runbook');

  const operator = o.operator ?? defaultOperator(o.env);
  const transcriptPath = resolve(o.workspace, o.transcriptPath ?? (resume ? join(dirname(resume.files.at(-1)!), `${runId}_s${resume.segment}.transcript.jsonl`) : join('.runsafe', 'transcripts', `${runId}.transcript.jsonl`)));
  if (resume && !claimSegment(resume, transcriptPath)) {
    lock.release();
    gate('resume', false, `${resume.link.file} was resumed by another run just now: resume the newest segment of the run`);
    return finish('refused', { plan });
  }
  let writer: TranscriptWriter;
  try {
    mkdirSync(dirname(transcriptPath), { recursive: true });
    const inputs: Record<string, Json> = {};
    for (const [name, v] of resolved.values) inputs[name] = v.secret ? { redacted: true, source: v.source } : masker.mask(v.value);
    writer = openTranscript(transcriptPath, {
      signer: o.signer,
      runbook: { id: plan.runbook.id, sha256: plan.runbook.sha256, path: shown, title: plan.runbook.title },
      operator,
      inputs,
      extra: {
        run_id: runId,
        ...(resume ? { segment: resume.segment, resumes: { ...resume.link }, ...(resume.cutShort ? { now: { reason: resume.cutShort.reason, remaining_ms: resume.cutShort.remainingMs } } : {}) } : {}),
        host: hostname(),
        confirmed,
        answered: Object.fromEntries(choices.answers),
        sections: [...choices.sections],
        on_failure: formatOnFailure(onFailure),
        step_hashes: stepHashes(plan),
      },
      now,
    });
    lock.update({ transcript: transcriptPath });
  } catch (err) {
    if (resume) releaseClaim(resume);
    lock.release();
    host.emit({ type: 'message', level: 'error', text: `cannot create the transcript: ${describeFileError(err) ?? `${transcriptPath}: ${(err as Error).message}`}` });
    return finish('refused', { plan });
  }

  const recorder = recordingHost(host, writer, masker);
  let outcome: Awaited<ReturnType<typeof executePlan>> | undefined;
  let parkedUntil: string | undefined;
  const state = new SecretRunState(o.stateKey, runId, transcriptPath, (name) =>
    recorder.emit({ type: 'message', level: 'warn', text: `${name} is kept in memory only (no --state-key-file or --state-key-env): a resume of this run will ask for it again` }),
  );
  try {
    for (const [name, v] of resolved.values) if (v.source !== 'capture') recorder.emit({ type: 'input', name, source: v.source, secret: v.secret, ...(v.secret ? {} : { value: masker.mask(v.value) }) });
    if (resume) {
      recorder.emit({ type: 'resumed', runId, segment: resume.segment, skipped: [...resume.resumed.keys()], ...(resume.cutShort ? { now: { reason: masker.mask(resume.cutShort.reason), remainingMs: resume.cutShort.remainingMs } } : {}) });
      state.carry(new Map([...resolved.values].filter(([k, v]) => v.secret && resume.secretCaptures.some((c) => c.name === k)).map(([k, v]) => [k, v.value])));
    }
    outcome = await executePlan(plan, {
      host: recorder,
      onStepProcess: (pgid) => lock.update({ group: pgid }),
      cwd: dirname(path),
      inputs: resolved.values,
      preconfirmed: new Set(confirmed),
      resumed: resume ? new Map([...resume.resumed].map(([k, d]) => [k, masker.mask(d)])) : undefined,
      onSecretCapture: (name, value) => state.add(name, value),
      park: async (step, forMs) => {
        if (!parkable(step)) return undefined;
        const until = resumeAfter(now().getTime(), forMs);
        const yes = host.prompts ? await host.prompts.question({ stepId: step.id, text: `Park the run here and resume after ${until} (runsafe run --resume)? No waits ${formatDuration(forMs)} now` }) : o.parkWaits === true;
        if (yes) parkedUntil = until;
        return yes ? until : undefined;
      },
      answers: choices.answers,
      sections: choices.sections,
      rollbackSignal: o.rollbackSignal,
      onFailure,
      signal: o.signal,
      masker,
      operatorEnv: o.env,
      envPassthrough: planned.envPassthrough,
      now: () => now().getTime(),
      graceMs: o.graceMs,
    });
  } catch (err) {
    recorder.emit({ type: 'message', level: 'error', text: masker.mask(`internal error: ${(err as Error).message}`) });
  } finally {
    recorder.flush();
  }
  const status: RunStatus = outcome?.status ?? 'failed';
  const summary = outcome?.summary ?? [];
  writer.close({ status, steps: summary.map((r) => ({ id: r.id, kind: r.kind, state: r.state, attempts: r.attempts, duration_ms: r.durationMs, ...(r.detail ? { detail: masker.mask(r.detail) } : {}) })) });
  lock.release();

  const keys = o.trust ?? createKeyLookup(o.signer ? [{ key_id: o.signer.keyId, identity: operator, roles: ['operator'], version: 1, public_key: formatPublicKey(o.signer.publicKey) }] : []);
  let verification: VerificationReport | undefined;
  const segments = [...(resume?.files ?? []), transcriptPath];
  try {
    // A resumed run is verified whole: every segment and the links between them.
    verification = resume ? (await verifySegments(segments, { keys })).report : await verifyFile(transcriptPath, { mapping: TRANSCRIPT_MAPPING, keys });
  } catch (err) {
    host.emit({ type: 'message', level: 'error', text: `transcript verification failed to run: ${(err as Error).message}` });
  }
  const event: RunEvent = { type: 'run-finished', status, summary, durationMs: now().getTime() - started };
  host.emit(event);
  return { status, plan, transcriptPath, verification, segments, parkedUntil: status === 'parked' ? parkedUntil : undefined };
}

/** A resume's recorded input values, as --input flags; a flag that contradicts the record is refused. */
function carryInputs(resume: Resume, plan: Plan, flags: Map<string, string>): string[] {
  const errors: string[] = [];
  for (const d of plan.inputs) {
    const recorded = resume.history.inputs.get(d.name);
    if (recorded === undefined) continue;
    const given = flags.get(d.name);
    if (given !== undefined && given !== recorded) errors.push(`--input ${d.name}: the run was started with ${JSON.stringify(recorded)}; a resume keeps its inputs (start a new run to change them)`);
    else flags.set(d.name, recorded);
  }
  return errors;
}
