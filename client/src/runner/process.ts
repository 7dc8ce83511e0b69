// Runs one shell command in its own process group with live output, a timeout and cancellation that end the whole group.
import { readdirSync, readFileSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** A shell a step may declare, and how its command text is handed over. */
export interface ShellSpec {
  /** Executable name or path. */
  file: string;
  /** Arguments placed before the command text. */
  args: string[];
}

/**
 * Declared shells (the schema's `shell`). bash runs with `set -euo pipefail` and no profile, as
 * the format documents: a runbook step that fails halfway must not report success because
 * its last line passed, and an operator's rc files must not change what a step does.
 */
export const SHELLS: Record<string, ShellSpec> = {
  bash: { file: 'bash', args: ['--noprofile', '--norc', '-euo', 'pipefail', '-c'] },
  sh: { file: 'sh', args: ['-eu', '-c'] },
  zsh: { file: 'zsh', args: ['--no-rcs', '-eu', '-o', 'pipefail', '-c'] },
};

export function shellFor(name: string | undefined): ShellSpec {
  const shell = SHELLS[name ?? 'bash'];
  if (!shell) throw new Error(`unknown shell '${name}'; known shells: ${Object.keys(SHELLS).join(', ')}`);
  return shell;
}

export interface RunProcessOptions {
  command: string;
  shell?: string;
  cwd: string;
  /** The whole environment of the process (nothing is inherited); inputs and secrets travel only this way. */
  env: Record<string, string>;
  /** Whole-group deadline in milliseconds; undefined means none. */
  timeoutMs?: number;
  /** Aborting ends the whole group (the operator pressed Ctrl+C). */
  signal?: AbortSignal;
  /** How long the group gets between SIGTERM and SIGKILL. */
  graceMs?: number;
  onStdout?: (text: string) => void;
  onStderr?: (text: string) => void;
  /** Text written to the process's stdin (SQL for psql); stdin is closed otherwise. */
  input?: string;
  /** Called once the process exists, with its pid (which is also its process group id). */
  onSpawn?: (pid: number) => void;
  /** Keep at most this many characters of each stream for checks and captures. */
  maxBuffer?: number;
}

export interface ProcessResult {
  exitCode: number | undefined;
  signal: string | undefined;
  timedOut: boolean;
  cancelled: boolean;
  stdout: string;
  stderr: string;
  pid: number | undefined;
  /** Set when the process could not be started at all (shell missing, bad cwd). */
  spawnError?: string;
}

const DEFAULT_MAX_BUFFER = 16 * 1024 * 1024;

/** Sends a signal to every process in the group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    // EPERM means a member exists but belongs to someone else: the group still exists.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The pids of the group's members that are still running. Zombies are left out: they run
 * nothing, and where the init process does not reap orphans (some containers and microVMs)
 * they would otherwise look alive forever. Without /proc, any member counts.
 */
export function liveGroupMembers(pgid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return signalGroup(pgid, 0) ? [pgid] : [];
  }
  const members: number[] = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after the command name, which is in parentheses and may itself contain spaces or ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') members.push(Number(name));
  }
  return members;
}

/** True while any process of the group is running. */
export function groupAlive(pgid: number): boolean {
  return signalGroup(pgid, 0) && liveGroupMembers(pgid).length > 0;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** SIGTERM the group, then SIGKILL whatever is left after the grace period, and wait until it is gone. */
export async function endGroup(pgid: number, graceMs: number): Promise<void> {
  if (!signalGroup(pgid, 'SIGTERM')) return;
  const termDeadline = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < termDeadline) await delay(20);
  if (!groupAlive(pgid)) return;
  signalGroup(pgid, 'SIGKILL');
  // A SIGKILLed process lingers until the kernel reaps it; wait for that, but never forever.
  const killDeadline = Date.now() + 5000;
  while (groupAlive(pgid) && Date.now() < killDeadline) await delay(10);
}

/**
 * Runs the command through its shell. The child leads a new process group (detached), so a
 * timeout or cancel can end it together with everything it started, and when the shell
 * exits, any background process it left behind is ended too: a step's processes live only
 * as long as the step.
 */
export async function runProcess(options: RunProcessOptions): Promise<ProcessResult> {
  const { execa } = await import('execa');
  const shell = shellFor(options.shell);
  const maxBuffer = options.maxBuffer ?? DEFAULT_MAX_BUFFER;
  const graceMs = options.graceMs ?? 2000;
  const result: ProcessResult = { exitCode: undefined, signal: undefined, timedOut: false, cancelled: false, stdout: '', stderr: '', pid: undefined };
  if (options.signal?.aborted) return { ...result, cancelled: true };

  const child = execa(shell.file, [...shell.args, options.command], {
    cwd: options.cwd,
    // Without a PATH the shell and the tools it starts could not be found; give the system default.
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', ...options.env },
    // The step env is complete (step-env.ts): nothing of the runner's own environment leaks in.
    extendEnv: false,
    detached: true,
    ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' as const }),
    buffer: false,
    reject: false,
    stripFinalNewline: false,
    // We end the whole group ourselves; execa's own cleanup only knows the direct child.
    cleanup: false,
  });
  const pid = child.pid;
  result.pid = pid;
  if (pid !== undefined) options.onSpawn?.(pid);

  const collect = (stream: NodeJS.ReadableStream | null, key: 'stdout' | 'stderr', sink?: (t: string) => void) => {
    if (!stream) return;
    const decoder = new StringDecoder('utf8');
    const take = (text: string) => {
      if (!text) return;
      if (result[key].length < maxBuffer) result[key] += text.slice(0, maxBuffer - result[key].length);
      sink?.(text);
    };
    stream.on('data', (chunk: Buffer) => take(decoder.write(chunk)));
    stream.on('end', () => take(decoder.end()));
  };
  collect(child.stdout, 'stdout', options.onStdout);
  collect(child.stderr, 'stderr', options.onStderr);

  let ending: Promise<void> | undefined;
  const endAll = () => {
    if (pid !== undefined && !ending) ending = endGroup(pid, graceMs);
    return ending;
  };
  const timer =
    options.timeoutMs !== undefined
      ? setTimeout(() => {
          result.timedOut = true;
          void endAll();
        }, options.timeoutMs)
      : undefined;
  const onAbort = () => {
    result.cancelled = true;
    void endAll();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });

  // When the shell itself exits, end what it left running, or its open pipes would hold the step forever.
  child.once('exit', () => {
    if (pid !== undefined && groupAlive(pid)) void endAll();
  });

  try {
    const done = await child;
    result.exitCode = done.exitCode;
    result.signal = done.signal;
    if (done.failed && done.exitCode === undefined && done.signal === undefined && !result.cancelled && !result.timedOut) {
      result.spawnError = done.shortMessage ?? done.message;
    }
  } finally {
    if (timer) clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    await endAll();
  }
  return result;
}
