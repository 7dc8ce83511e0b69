// Append-only transcript file writer: one canonical, hash-chained (and signed) record per line, fsync'd.
//
// API for the runner (see docs/signing.md):
//
//   const t = openTranscript('runs/2026-11-21T22-40-00Z.transcript.jsonl', {
//     signer,                                  // optional Signer (readSigner() in ./key-file); unsigned records are still hash-chained
//     runbook: { id: 'trace-key-rotation', sha256: '<hex of the runbook file bytes>', path: 'runbooks/x.runbook.yaml' },
//     operator: 'alice@example.com',
//     inputs: { APP_ENV: 'staging', NEW_SEED: { redacted: true } },   // never pass secret values
//   });
//   t.append({ type: 'step_start', step: 'set-key', command: 'heroku config:set …' });
//   t.append({ type: 'step_end', step: 'set-key', exit: 0, stdout_sha256: '…', excerpt: '***' });
//   t.close({ status: 'succeeded' });          // writes run_end (with the summary) and the signed head
//
// Every append is written with one write() and fsync'd before it returns, so a run killed at any
// point leaves a prefix that verifies as "unterminated". The file is created exclusively (an
// existing transcript is never overwritten) with mode 0600, and the directory entry is fsync'd.
import { closeSync, fsyncSync, openSync, writeSync, constants } from 'node:fs';
import { dirname } from 'node:path';
import { createTranscriptChain, TRANSCRIPT_FORMAT, type TranscriptEvent } from '../signing/transcript';
import type { Signer } from '../signing/keys';
import type { Json } from '../signing/jcs';
import { nativeCrypto } from './native-crypto';

export interface OpenTranscriptOptions {
  signer?: Signer;
  runbook: { id: string; sha256: string; path?: string; title?: string };
  operator: string;
  /** Input values as recorded: secrets must already be replaced (e.g. by { redacted: true }). */
  inputs?: Record<string, Json>;
  /** Extra run_start fields (host, dry_run, approvals …). */
  extra?: Record<string, Json>;
  /** Clock, for tests; defaults to the system clock. */
  now?: () => Date;
}

export interface TranscriptWriter {
  readonly path: string;
  /** Appends one event ({ type, …fields }) and fsyncs it. Throws after close(). */
  append(event: TranscriptEvent): void;
  /** Writes run_end carrying `summary`, then the signed head, fsyncs and closes. Idempotent. */
  close(summary?: Record<string, Json>): void;
  /** Closes without a head (what a crash leaves): for aborts where close() cannot be trusted. */
  abandon(): void;
}

export function openTranscript(path: string, options: OpenTranscriptOptions): TranscriptWriter {
  if (!options?.runbook?.id || !/^[0-9a-f]{64}$/.test(options.runbook.sha256 ?? '')) {
    throw new Error('openTranscript: runbook.id and runbook.sha256 (64 lowercase hex) are required');
  }
  const now = options.now ?? (() => new Date());
  const chain = createTranscriptChain({ signer: options.signer, crypto: nativeCrypto });
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_APPEND, 0o600);
  let open = true;
  syncDirectory(dirname(path));

  function write(line: string): void {
    const buf = Buffer.from(`${line}\n`, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  }

  function append(event: TranscriptEvent): void {
    if (!open) throw new Error(`transcript ${path} is closed`);
    write(chain.next(event, now().toISOString()));
  }

  try {
    append({
      type: 'run_start',
      format: TRANSCRIPT_FORMAT,
      runbook: { ...options.runbook },
      operator: options.operator,
      inputs: options.inputs ?? {},
      ...(options.extra ?? {}),
    });
  } catch (err) {
    closeSync(fd);
    open = false;
    throw err;
  }

  return {
    path,
    append,
    close(summary = {}) {
      if (!open) return;
      append({ type: 'run_end', summary });
      write(chain.head(now().toISOString()));
      open = false;
      closeSync(fd);
    },
    abandon() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}

/** fsync a directory so a newly created file's entry survives a crash (no-op where unsupported). */
function syncDirectory(dir: string): void {
  try {
    const d = openSync(dir, constants.O_RDONLY);
    try {
      fsyncSync(d);
    } finally {
      closeSync(d);
    }
  } catch {
    // Some platforms (Windows) cannot open directories; the file's own fsync still holds.
  }
}
