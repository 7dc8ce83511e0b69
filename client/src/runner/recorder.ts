// Records run events into the signed, hash-chained transcript (client/src/node/transcript-writer), masking every string once more.
import type { Json } from '../signing/jcs';
import type { TranscriptEvent } from '../signing/transcript';
import type { TranscriptWriter } from '../node/transcript-writer';
import type { RunEvent, RunnerHost } from './events';
import type { Masker } from './masker';

/** Output is written in records of up to this many characters, so a chatty step is not one fsync per chunk. */
const OUTPUT_RECORD_CHARS = 8192;

/**
 * Fields that hold the runbook's own identifiers (step ids, loop keys, section ids), never a value:
 * a secret's fragment that happens to match part of one (a connection URL ending in the database
 * name "canonical" and a step "restart-canonical-ingest") must not rename the step, since a resume
 * finds the passed steps by these ids and would run a renamed one again.
 */
const IDENTIFIER_FIELDS = new Set(['stepId', 'section', 'after']);

function maskDeep(value: unknown, masker: Masker, key?: string): Json | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && key !== undefined && IDENTIFIER_FIELDS.has(key)) return value;
  if (typeof value === 'string') return masker.mask(value);
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, masker) ?? null);
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const m = maskDeep(v, masker, k);
    if (m !== undefined) out[k] = m;
  }
  return out;
}

/** The transcript record for an event: step starts and ends get the names attestation summaries read. */
export function toRecord(e: RunEvent, masker: Masker): TranscriptEvent {
  const { type, ...fields } = e;
  let recordType = type.replace(/-/g, '_');
  if (e.type === 'step-state') recordType = e.state === 'running' ? 'step_start' : e.state === 'pending' ? 'step_state' : 'step_end';
  // "seq", "prev", "time", "kid" and "sig" belong to the chain; no event uses them.
  return { type: recordType, ...(maskDeep(fields, masker) as Record<string, Json>) };
}

export interface Recorder extends RunnerHost {
  /** Writes any buffered output. */
  flush(): void;
}

/**
 * Wraps a host so every event is also appended to the transcript. Output chunks of one step
 * and stream are joined (up to OUTPUT_RECORD_CHARS) before being written; any other event
 * flushes them first, so the order of records is the order of events.
 */
export function recordingHost(host: RunnerHost, writer: TranscriptWriter, masker: Masker): Recorder {
  let pending: { stepId: string; stream: 'stdout' | 'stderr'; text: string } | undefined;
  const flush = () => {
    if (!pending) return;
    writer.append(toRecord({ type: 'output', ...pending }, masker));
    pending = undefined;
  };
  return {
    prompts: host.prompts,
    flush,
    emit(e: RunEvent) {
      host.emit(e);
      if (e.type === 'run-started' || e.type === 'run-finished') return;
      if (e.type === 'output') {
        if (pending && (pending.stepId !== e.stepId || pending.stream !== e.stream)) flush();
        pending = pending ? { ...pending, text: pending.text + e.text } : { stepId: e.stepId, stream: e.stream, text: e.text };
        if (pending.text.length >= OUTPUT_RECORD_CHARS) flush();
        return;
      }
      flush();
      writer.append(toRecord(e, masker));
    },
  };
}
