// Cadence: when a runbook is due again, from its `cadence` and its last completed run. Pure: the
// caller passes the time now and the last run it found (and trusts) in the transcripts.
import { formatDuration } from './duration';

export interface Cadence {
  everyMs: number;
  /** Offsets from the last run at which a reminder is due (sorted, each before `everyMs`). */
  remindMs: number[];
}

export type CadenceState = 'never-run' | 'ok' | 'due-soon' | 'overdue';

export interface LastRun {
  /** When the run ended (the transcript's claim), epoch milliseconds. */
  at: number;
  operator?: string;
}

export interface CadenceStatus {
  state: CadenceState;
  lastRun?: LastRun;
  /** Epoch milliseconds; absent when never run (due now). */
  dueAt?: number;
  /** The reminder point that has passed, or the next one. */
  remindAt?: number;
}

const day = 86_400_000;

/** Without `remind`, a runbook is due soon in the last tenth of its period (at least a day, at most a week). */
export function defaultRemind(everyMs: number): number[] {
  return [everyMs - Math.min(7 * day, Math.max(day, everyMs / 10))].filter((x) => x > 0);
}

export function cadenceStatus(cadence: Cadence, last: LastRun | undefined, now: number): CadenceStatus {
  if (!last) return { state: 'never-run' };
  const dueAt = last.at + cadence.everyMs;
  const reminders = cadence.remindMs.map((r) => last.at + r);
  const passed = reminders.filter((t) => t <= now);
  const status: CadenceStatus = { state: now >= dueAt ? 'overdue' : passed.length ? 'due-soon' : 'ok', lastRun: last, dueAt };
  const remindAt = passed.at(-1) ?? reminders.find((t) => t > now);
  if (remindAt !== undefined) status.remindAt = remindAt;
  return status;
}

/** "12 days", "3 hours", "40 minutes": the nearest whole number of the largest fitting unit, for sentences. */
export function humanSpan(ms: number): string {
  const abs = Math.abs(ms);
  const [size, unit] = abs >= day - 1_800_000 ? [day, 'day'] : abs >= 3_570_000 ? [3_600_000, 'hour'] : [60_000, 'minute'];
  const n = Math.max(1, Math.round(abs / size));
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** One line for a code lens or a report: "last run 12 days ago by ops · due in 78 days". */
export function describeCadence(s: CadenceStatus, now: number): string {
  if (s.state === 'never-run') return 'never run · due now';
  const last = `last run ${humanSpan(now - s.lastRun!.at)} ago${s.lastRun!.operator ? ` by ${s.lastRun!.operator}` : ''}`;
  const due = s.dueAt! - now;
  if (s.state === 'overdue') return `${last} · OVERDUE by ${humanSpan(due)}`;
  return `${last} · ${s.state === 'due-soon' ? 'due soon: ' : ''}due in ${humanSpan(due)}`;
}

export function describeEvery(c: Cadence): string {
  return `every ${formatDuration(c.everyMs)}${c.remindMs.length ? `, reminders at ${c.remindMs.map((r) => formatDuration(r)).join(', ')}` : ''}`;
}
