// `runsafe lint` over many files on every core: worker threads beside the main thread, results in input order.
//
// Why: CI lints whole repositories; one thread used one core. Lanes = min(files, available parallelism);
// the main thread is lane 0 (it lints too, so two cores cost one worker: one more V8 heap and wasm
// instance, not two) and each other lane is a worker thread. Lanes take the next file from a shared
// counter (Atomics.add), so a slow file never holds up the rest, and each result carries its index:
// the report is assembled in input order, so the output is the serial one byte for byte (lint-file.ts
// is the same code in every lane). Small runs lint serially: a worker costs a V8 heap, loading the lint
// bundle and the shell grammar, which only many files repay.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker, parentPort, workerData } from 'node:worker_threads';
import { initShellOnlyFromDisk } from '../../../../server/src/shell-wasm';
import { LineIndex } from '../../../../server/src/language/index';
import { readWorkspacePolicy } from '../../node/workspace-policy';
import { lintFile, type FileOutcome, type LintFileOptions } from './lint-file';

/** Below this many files a lint stays on the main thread (a worker's start costs about a dozen files' lint). */
export const MIN_FILES_FOR_WORKERS = 32;

/**
 * A worker's young generation: V8's default (up to 3 × 16 MiB semi-spaces) is sized for throughput of
 * long-lived servers; a lint's garbage is small and short-lived, and 1,000 runbooks must stay in 150 MiB.
 */
const YOUNG_MB = 8;

export interface PoolJob {
  /** Files as shown to the user, and as read. */
  display: string[];
  files: string[];
  quiet: boolean;
  fix: boolean;
  fingerprints: boolean;
  /** The workspace's .runsafe.yaml, read again in each worker (a policy holds compiled patterns). */
  configPath: string | null;
}

interface WorkerInput extends PoolJob {
  counter: SharedArrayBuffer;
  runsafeLintWorker: true;
}

type Message = { index: number; outcome: FileOutcome } | { index: number; error: string } | { done: true };

export const optionsOf = (job: PoolJob): LintFileOptions => ({ quiet: job.quiet, fix: job.fix, fingerprints: job.fingerprints, lint: job.configPath ? { workspacePolicy: readWorkspacePolicy(job.configPath) } : {} });

/** How many lanes a run of `files` files gets (1: serial, no worker); `jobs` is --jobs, when given. */
export function laneCount(files: number, jobs?: number, cores: number = availableParallelism()): number {
  if (jobs !== undefined) return Math.max(1, Math.min(files, jobs));
  return files < MIN_FILES_FOR_WORKERS ? 1 : Math.max(1, Math.min(files, cores));
}

/** Takes files off the shared counter until none is left, handing each outcome to `emit`. */
async function drain(job: PoolJob, options: LintFileOptions, counter: Int32Array, emit: (m: Message) => void, between?: () => Promise<void>): Promise<void> {
  for (let i = Atomics.add(counter, 0, 1); i < job.files.length; i = Atomics.add(counter, 0, 1)) {
    try {
      emit({ index: i, outcome: await lintFile(job.display[i]!, job.files[i]!, options) });
    } catch (err) {
      emit({ index: i, error: err instanceof Error ? err.message : String(err) });
    }
    await between?.();
  }
}

/** Every file on this thread, in order (the serial lint). */
export async function lintSerially(job: PoolJob, options: LintFileOptions): Promise<FileOutcome[]> {
  const out: FileOutcome[] = [];
  for (let i = 0; i < job.files.length; i++) out.push(await lintFile(job.display[i]!, job.files[i]!, options));
  return out;
}

/**
 * Lints every file of the job on `lanes` lanes; `cliDir` holds client/out/cli.js, whose bundle loader a
 * worker uses to load this same lint bundle with its code cache. Outcomes come back in input order.
 */
export async function lintInPool(job: PoolJob, options: LintFileOptions, lanes: number, cliDir: string): Promise<FileOutcome[]> {
  const counter = new SharedArrayBuffer(4);
  const outcomes: (FileOutcome | undefined)[] = new Array(job.files.length);
  // A file whose lint threw: the serial lint would stop at the first one, so the lowest index is said.
  const errors = new Map<number, string>();
  const take = (m: Message) => {
    if ('error' in m) errors.set(m.index, m.error);
    else if ('outcome' in m) outcomes[m.index] = m.outcome;
  };
  const input: WorkerInput = { ...job, counter, runsafeLintWorker: true };
  // The CLI's V8 flags first: this thread's heap was created with a growth factor V8 reset (v8-flags.ts).
  const bootstrap = `const cli = require(${JSON.stringify(join(cliDir, 'cli.js'))}); cli.applyCliV8Flags(); cli.loadBundled('lint').lintWorkerMain();`;
  const workers = Array.from({ length: lanes - 1 }, () => {
    const worker = new Worker(bootstrap, { eval: true, workerData: input, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB } });
    return new Promise<void>((resolve) => {
      worker.on('message', (m: Message) => {
        // A LineIndex crosses threads as a plain object: rebuild it from the text.
        if ('outcome' in m && 'file' in m.outcome) m.outcome.file.lines = new LineIndex(m.outcome.file.text);
        take(m);
      });
      // A worker that could not start or died: the files it took are linted below, on this thread.
      worker.on('error', () => undefined);
      worker.on('exit', () => resolve());
    });
  });
  // This thread's lane yields after each file, so the workers' results are taken as they come rather
  // than queued (serialised) until its lane is done.
  await drain(job, options, new Int32Array(counter), take, () => new Promise<void>((resolve) => setImmediate(resolve)));
  await Promise.all(workers);
  if (errors.size) throw new Error(errors.get(Math.min(...errors.keys())));
  for (let i = 0; i < outcomes.length; i++) outcomes[i] ??= await lintFile(job.display[i]!, job.files[i]!, options);
  return outcomes as FileOutcome[];
}

/** A worker's body (the bootstrap above calls it in the worker thread). */
export async function lintWorkerMain(): Promise<void> {
  const input = workerData as WorkerInput;
  if (!parentPort || !input?.runsafeLintWorker) return;
  const port = parentPort;
  await initShellOnlyFromDisk();
  await drain(input, optionsOf(input), new Int32Array(input.counter), (m) => port.postMessage(m));
  port.postMessage({ done: true } satisfies Message);
}

