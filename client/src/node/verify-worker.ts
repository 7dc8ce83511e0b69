// Runs a chain verification (a table or a file) in a worker thread with a small young generation.
//
// Why: the verifier allocates fast (a parsed object, a message and a hash per record), and on the
// main thread V8 grows its young generation to the 2 × 16 MiB maximum, which alone put a
// 1,000,000-row verification over 100 MiB of resident memory. A worker's heap limits are set per
// isolate (resourceLimits), so the worker verifies with a few MiB of young generation: more, cheaper
// scavenges, the same findings. The job and its report are plain data (the trust store's keys, not
// a lookup); the main thread only waits. Without the worker bundle beside this code (the sources run
// unbundled under tsx), the job runs in this thread: slower on memory, never different.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createKeyLookup, type TrustKey } from '../signing/trust-index';
import type { VerificationReport } from '../signing/verifier';
import { PgSourceError, verifyTable, type PgReport, type PgVerifyOptions } from './pg-chain';
import { verifyChainFile, type VerifyFileOptions } from './chain-file';
import type { TimestampCheck } from '../signing/trust-index';

export type VerifyJob =
  | { kind: 'pg'; options: Omit<PgVerifyOptions, 'keys'>; trustKeys: TrustKey[] }
  | { kind: 'file'; path: string; options: Omit<VerifyFileOptions, 'keys'>; trustKeys: TrustKey[]; attested?: TimestampCheck };

type Outcome = { ok: true; report: VerificationReport | PgReport } | { ok: false; message: string; pgSource: boolean; code?: string; path?: string; syscall?: string };

/** The worker bundle scripts/build.mjs writes beside the CLI bundles. */
export const workerBundle = (): string => join(__dirname, 'verify-worker.js');

/** Young generation (MiB) for the worker: big enough that scavenges stay cheap, small enough to stay flat. */
const YOUNG_MIB = 4;
const OLD_MIB = 256;

async function runHere(job: VerifyJob): Promise<VerificationReport | PgReport> {
  const keys = createKeyLookup(job.trustKeys);
  return job.kind === 'pg' ? verifyTable({ ...job.options, keys }) : verifyChainFile(job.path, { ...job.options, keys }, job.attested);
}

/** Runs the job in a worker when the worker bundle is there; errors come back as the same classes. */
export async function runVerifyJob(job: VerifyJob): Promise<VerificationReport | PgReport> {
  const file = workerBundle();
  if (!existsSync(file)) return runHere(job);
  const outcome = await new Promise<Outcome>((resolve, reject) => {
    const worker = new Worker(file, { workerData: job, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MIB, maxOldGenerationSizeMb: OLD_MIB }, stdout: false, stderr: false });
    let done = false;
    worker.once('message', (m: Outcome) => {
      done = true;
      resolve(m);
    });
    worker.once('error', (err) => reject(err));
    worker.once('exit', (code) => {
      if (!done) reject(new Error(`the verification worker stopped (exit code ${code}) before reporting`));
    });
  });
  if (outcome.ok) return outcome.report;
  if (outcome.pgSource) throw new PgSourceError(outcome.message);
  // A file-system error keeps its code and path, so the CLI words it as it would in this thread.
  throw Object.assign(new Error(outcome.message), { code: outcome.code, path: outcome.path, syscall: outcome.syscall });
}

/** The worker's side: run the job, post one outcome. */
export async function workerMain(): Promise<void> {
  if (isMainThread || !parentPort) return;
  let outcome: Outcome;
  try {
    outcome = { ok: true, report: await runHere(workerData as VerifyJob) };
  } catch (err) {
    const e = err as { code?: unknown; path?: unknown; syscall?: unknown };
    outcome = {
      ok: false,
      message: err instanceof Error ? err.message : String(err),
      pgSource: err instanceof PgSourceError,
      ...(typeof e?.code === 'string' ? { code: e.code } : {}),
      ...(typeof e?.path === 'string' ? { path: e.path } : {}),
      ...(typeof e?.syscall === 'string' ? { syscall: e.syscall } : {}),
    };
  }
  parentPort.postMessage(outcome);
}
