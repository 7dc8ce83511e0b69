// Past runs from transcript texts, and each runbook's cadence state (last run, due, overdue): pure, no vscode, no files, no clock.
import { parseRecords } from './transcript-summary';

export interface PastRun {
  /** The transcript's file name. */
  file: string;
  runbookId: string;
  runbookTitle: string;
  runbookPath: string;
  operator: string;
  started?: string;
  ended?: string;
  /** passed, failed, aborted, refused, cancelled, or `unterminated` (no run end record). */
  status: string;
}

type Rec = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** One past run from a transcript's text; undefined when the text is not a transcript. */
export function pastRun(file: string, text: string): PastRun | undefined {
  const { records } = parseRecords(text);
  const start = records.find((r) => r['type'] === 'run_start');
  if (!start) return undefined;
  const end = records.find((r) => r['type'] === 'run_end');
  const runbook = (start['runbook'] ?? {}) as Rec;
  return {
    file,
    runbookId: str(runbook['id']) || file,
    runbookTitle: str(runbook['title']) || str(runbook['id']) || file,
    runbookPath: str(runbook['path']),
    operator: str(start['operator']),
    started: str(start['time']) || undefined,
    ended: end ? str(end['time']) || undefined : undefined,
    // The run's status sits in run_end's summary (recorder.ts); a top-level one is read too.
    status: end ? str(end['status']) || str(((end['summary'] ?? {}) as Rec)['status']) || 'unknown' : 'unterminated',
  };
}

export interface CadenceState {
  runbookId: string;
  cadenceMs: number;
  /** The last run that passed (a failed run does not reset the clock). */
  lastPassed?: PastRun;
  /** When the next run is due: last passed run + cadence; undefined when it never passed. */
  dueAt?: number;
  state: 'never-run' | 'due-later' | 'overdue';
}

/** Due dates from a runbook's `cadence`: the last passed run of that runbook id plus the cadence, compared with `now`. */
export function cadenceState(runbookId: string, cadenceMs: number, runs: readonly PastRun[], now: number): CadenceState {
  const passed = runs
    .filter((r) => r.runbookId === runbookId && r.status === 'passed' && r.ended && !Number.isNaN(Date.parse(r.ended)))
    .sort((a, b) => Date.parse(b.ended!) - Date.parse(a.ended!));
  const lastPassed = passed[0];
  if (!lastPassed) return { runbookId, cadenceMs, state: 'never-run' };
  const dueAt = Date.parse(lastPassed.ended!) + cadenceMs;
  return { runbookId, cadenceMs, lastPassed, dueAt, state: now > dueAt ? 'overdue' : 'due-later' };
}

/** "in 3 days", "2 h ago": how far `at` is from `now`, in the largest whole unit. */
export function relativeTime(at: number, now: number): string {
  const d = at - now;
  const abs = Math.abs(d);
  const units: [number, string][] = [[86_400_000, 'day'], [3_600_000, 'hour'], [60_000, 'minute']];
  const [size, name] = units.find(([s]) => abs >= s) ?? [60_000, 'minute'];
  const n = Math.max(1, Math.floor(abs / size));
  const text = `${n} ${name}${n === 1 ? '' : 's'}`;
  return d >= 0 ? `in ${text}` : `${text} ago`;
}

/** Where a parked run waits: its last `parked` record (step and resume-after time), if any. */
export function parkedAt(text: string): { stepId: string; resumeAfter: string } | undefined {
  const parked = parseRecords(text).records.filter((r) => r['type'] === 'parked').at(-1);
  const stepId = str(parked?.['stepId']);
  const resumeAfter = str(parked?.['resumeAfter']);
  return stepId && resumeAfter ? { stepId, resumeAfter } : undefined;
}
