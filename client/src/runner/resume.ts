// `runsafe run --resume <transcript>`: verifies the run so far, replays it (machine/replay.ts) and says what the new segment skips, re-asks or refuses.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { KeyLookup } from '../signing/trust-index';
import type { SegmentLink } from '../signing/segments';
import { segmentNumber } from '../signing/segments';
import { describeFileError } from '../node/file-errors';
import { readRecords, segmentFiles, verifySegments } from '../node/verify-run';
import { readSecretState, statePath } from '../node/secret-state-file';
import type { Plan, PlanStep } from './plan-types';
import { changedSteps, replay, stepKey, type Replayed } from './machine/replay';
import { parkedVerdict } from './machine/park';
import { liveOwner } from './lock';

export interface ResumeRequest {
  /** The last segment of the run (absolute path). */
  transcript: string;
  plan: Plan;
  /** The run lock of this runbook: an unterminated segment whose lock owner lives is a run in progress. */
  lockFile: string;
  keys: KeyLookup;
  /** Whether `keys` is a trust store the operator gave (--trust): then every signature must hold. */
  trusted: boolean;
  nowMs: number;
  /** `--now --reason`: go on from a parked wait before its time. */
  cutShort?: string;
}

export interface Resume {
  runId: string;
  /** The new segment's number and its link to the last one (written into its run_start). */
  segment: number;
  link: SegmentLink;
  /** Every earlier segment, first to last. */
  files: string[];
  history: Replayed;
  /** Steps and preconditions not run again, by `group:id`, with the detail recorded for them. */
  resumed: Map<string, string>;
  /** Non-secret values to reuse: recorded inputs, and captures of steps that do not run again. */
  values: Map<string, string>;
  /** Secret captures of steps that do not run again: their values come from the encrypted state, or are asked again. */
  secretCaptures: { name: string; stepId: string }[];
  /** The newest state file of the run, if any segment wrote one. */
  stateFile: string | undefined;
  cutShort?: { reason: string; remainingMs: number };
  notes: string[];
}

/** Each step's fingerprint, by `group:id`: recorded when a run starts, compared when it resumes. */
export function stepHashes(plan: Plan): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of [...plan.preconditions, ...plan.steps, ...plan.rollbacks]) out[stepKey(s)] = createHash('sha256').update(JSON.stringify(s)).digest('hex').slice(0, 16);
  return out;
}

/** Why the verification of the earlier segments does not allow a resume, or undefined. */
function unverified(report: Awaited<ReturnType<typeof verifySegments>>['report'], trusted: boolean): string | undefined {
  const kinds = Object.keys(report.counts);
  // A killed segment's torn last line is not tampering; without --trust, keys cannot be judged (only the hash chain).
  const tolerated = (k: string) => k === 'MALFORMED_RECORD:torn_tail' || (!trusted && k === 'SIGNATURE_BREACH:unknown_key');
  if (kinds.every(tolerated) && !report.firstHashChainBreach) {
    if (trusted && report.signed === 0) return 'it is not signed, so --trust cannot check it';
    return undefined;
  }
  const f = report.findings.find((x) => !tolerated(`${x.kind}:${x.reason}`));
  return f ? `${f.kind} ${f.reason}: ${f.detail}` : `verdict ${report.verdict}`;
}

/** Reads, verifies and replays the run a resume continues; a string is the refusal, in words. */
export async function prepareResume(r: ResumeRequest): Promise<Resume | string> {
  let files: string[];
  try {
    files = await segmentFiles(r.transcript);
  } catch (err) {
    return `cannot read the run to resume: ${describeFileError(err) ?? (err as Error).message}`;
  }
  const last = files.at(-1)!;
  const verification = await verifySegments(files, { keys: r.keys });
  const problem = unverified(verification.report, r.trusted);
  if (problem) return `the transcript does not verify, so nothing in it is trusted: ${problem}`;
  const records = await readRecords(files);
  const history = replay(records, r.plan);
  if (!history.runId) return `${last} has no run id: it cannot be resumed`;
  const notes: string[] = [];
  if (!r.trusted && verification.report.signed) notes.push('signatures not checked against a trust store (pass --trust)');

  if (history.runbook.id !== r.plan.runbook.id) return `${last} is a run of ${history.runbook.id}, not of ${r.plan.runbook.id}`;
  if (history.runbook.sha256 !== r.plan.runbook.sha256) {
    const what = history.stepHashes ? changedSteps(history.stepHashes, stepHashes(r.plan)) : undefined;
    const parts = what ? [...what.changed.map((k) => `${k} changed`), ...what.added.map((k) => `${k} added`), ...what.removed.map((k) => `${k} removed`)] : [];
    return `the runbook changed since the run started (SHA-256 ${history.runbook.sha256.slice(0, 16)}… then, ${r.plan.runbook.sha256.slice(0, 16)}… now): ${parts.length ? parts.join(', ') : 'no step differs, the rest of the file does'}; a resume runs the exact runbook the run started with (restore it, or start a new run)`;
  }
  if (history.endedAs === 'passed') return `the run ${history.runId} passed (${basename(last)}): a finished run cannot be resumed`;
  if (history.endedAs === 'killed') {
    const owner = liveOwner(r.lockFile);
    if (owner?.transcript === last) return `the run ${history.runId} is still in progress (pid ${owner.pid} since ${owner.started}; ${basename(last)} is not closed yet)`;
    notes.push(`the last segment ${basename(last)} ended without run_end: that run was killed`);
  }
  const marker = `${last}.resumed`;
  if (existsSync(marker)) {
    let by = '';
    try {
      by = readFileSync(marker, 'utf8').trim();
    } catch {
      // The marker alone refuses.
    }
    return `${basename(last)} was already resumed${by ? ` by ${by}` : ''}: resume the newest segment of the run`;
  }

  const resumed = new Map<string, string>();
  for (const [key, p] of history.passed) resumed.set(key, `passed in segment ${p.segment}; not run again`);
  let cutShort: Resume['cutShort'];
  if (history.parked) {
    const v = parkedVerdict(history.parked.resumeAfter, r.nowMs);
    if (!v.due && r.cutShort === undefined) return `the run is parked at ${history.parked.stepId}: ${v.text}; resume then, or go on now with --now --reason <why>`;
    if (!v.due) {
      cutShort = { reason: r.cutShort!, remainingMs: v.remainingMs };
      resumed.set(`step:${history.parked.stepId}`, `wait cut short by --now with ${v.text.split(' (')[0]}: ${r.cutShort!}`);
    } else resumed.set(`step:${history.parked.stepId}`, `waited while parked (resume after ${history.parked.resumeAfter})`);
  } else if (r.cutShort !== undefined) return '--now goes on from a parked wait early, and this run is not parked';

  // Keys of this plan only; a precondition that passed is not checked again (the world changed since, by design).
  const planned = new Map<string, PlanStep>([...r.plan.preconditions, ...r.plan.steps].map((s) => [stepKey(s), s]));
  for (const k of [...resumed.keys()]) if (!planned.has(k)) resumed.delete(k);
  const skippedIds = new Set([...resumed.keys()].map((k) => planned.get(k)!.id));
  const values = new Map(history.inputs);
  const secretCaptures: Resume['secretCaptures'] = [];
  for (const [name, c] of history.captures) {
    if (!skippedIds.has(c.stepId)) continue;
    if (c.secret) secretCaptures.push({ name, stepId: c.stepId });
    else if (c.value !== undefined) values.set(name, c.value);
  }
  const stateFile = [...files].reverse().map(statePath).find((p) => existsSync(p));
  return {
    runId: history.runId,
    segment: segmentNumber(records.filter((x) => x['type'] === 'run_start').at(-1)) + 1,
    link: { run_id: history.runId, segment: segmentNumber(records.filter((x) => x['type'] === 'run_start').at(-1)), file: basename(last), head: verification.report.lastHash ?? '' },
    files,
    history,
    resumed,
    values,
    secretCaptures,
    stateFile,
    cutShort,
    notes,
  };
}

/** The secret captures a resume needs, from the encrypted state (with the key), or undefined for each one it could not open and why. */
export function openState(resume: Resume, key: Buffer | undefined): { values: Map<string, string>; missing: string[]; why: string } {
  const values = new Map<string, string>();
  const wanted = resume.secretCaptures;
  if (!wanted.length) return { values, missing: [], why: '' };
  let why: string;
  if (!resume.stateFile) why = 'the run kept no encrypted state (it ran without --state-key-file or --state-key-env)';
  else if (!key) why = `their values are kept encrypted in ${resume.stateFile}: pass the run's key with --state-key-file or --state-key-env`;
  else {
    try {
      const got = readSecretState(resume.stateFile, key, resume.runId);
      for (const w of wanted) if (got[w.name] !== undefined) values.set(w.name, got[w.name]!);
      why = `${resume.stateFile} does not hold them`;
    } catch (err) {
      why = describeFileError(err) ?? (err as Error).message;
    }
  }
  const missing = wanted.filter((w) => !values.has(w.name)).map((w) => w.name);
  return { values, missing, why };
}

/** What a resume skips and runs, for the dry run. */
export function describeResume(resume: Resume, plan: Plan): string {
  const lines = [`Resume of run ${resume.runId} (segment ${resume.segment}, after ${resume.link.file}; it ended ${resume.history.endedAs}):`];
  const skipped = [...plan.preconditions, ...plan.steps].filter((s) => resume.resumed.has(stepKey(s)));
  const runs = plan.steps.filter((s) => !resume.resumed.has(stepKey(s)));
  lines.push(`  skips ${skipped.length ? skipped.map((s) => `${s.id} (${resume.resumed.get(stepKey(s))})`).join(', ') : 'nothing'}`);
  lines.push(`  runs  ${runs.length ? runs.map((s) => s.id).join(', ') : 'nothing'}`);
  if (resume.history.parked) lines.push(`  parked at ${resume.history.parked.stepId} until ${resume.history.parked.resumeAfter}`);
  if (resume.secretCaptures.length) lines.push(`  secret captures restored from the encrypted state (or asked again): ${resume.secretCaptures.map((c) => c.name).join(', ')}`);
  for (const n of resume.notes) lines.push(`  note: ${n}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Claims the last segment for this resume: `<segment>.resumed` is created exclusively and names
 * the new segment, so the same segment is never resumed twice (the lock keeps two resumes from
 * running at once; this keeps a later one from forking the run). False when another resume won.
 */
export function claimSegment(resume: Resume, newSegment: string): boolean {
  try {
    writeFileSync(`${resume.files.at(-1)!}.resumed`, `${basename(newSegment)}\n`, { flag: 'wx', mode: 0o644 });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Gives back a claim whose segment was never written (the transcript could not be created). */
export function releaseClaim(resume: Resume): void {
  try {
    unlinkSync(`${resume.files.at(-1)!}.resumed`);
  } catch {
    // Already gone.
  }
}
