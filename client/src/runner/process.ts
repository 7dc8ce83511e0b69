// Runs one shell command in its own process group, under a supervisor, with live output; timeout, cancel and the runner's death end the whole group.
import { readdirSync, readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { startSupervisor, type SupervisorConfig } from './supervisor';

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
  /**
   * Called once the process group exists, with its id, before anything of the command runs (it
   * waits at the supervisor's gate until this returns). Throwing keeps the command from starting.
   */
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
  /** Processes that left the step's group but held its output open: killed, and named here. */
  escaped?: EscapedProcess[];
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

/** A process that escaped the step's group (`setsid`, double fork) and kept the step's output open. */
export interface EscapedProcess {
  pid: number;
  command: string;
}

/** `; escaped the group and held its output: sleep (pid 123), killed` for a result's detail, or ''. */
export function escapedNote(result: ProcessResult): string {
  if (!result.escaped?.length) return '';
  return `; ${result.escaped.map((e) => `${e.command} (pid ${e.pid})`).join(', ')} left the step's process group and held its output open: killed`;
}

/** How long the output pipes are read after the shell's group has ended. */
const DRAIN_MS = 500;

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
 * Runs the command through its shell under the supervisor (supervisor.ts), which puts it in a
 * process group of its own and ends that group on timeout, cancel, when the shell exits
 * leaving background processes behind, and when the runner itself dies for any reason. The
 * timeout is measured by the supervisor from the step's spawn. Once the shell has exited, the
 * output pipes are read only briefly: a process that escaped the group (`setsid … &`) and still
 * holds them is killed and named in `escaped` instead of holding the step open.
 */
export async function runProcess(options: RunProcessOptions): Promise<ProcessResult> {
  const shell = shellFor(options.shell);
  const maxBuffer = options.maxBuffer ?? DEFAULT_MAX_BUFFER;
  const graceMs = options.graceMs ?? 2000;
  const result: ProcessResult = { exitCode: undefined, signal: undefined, timedOut: false, cancelled: false, stdout: '', stderr: '', pid: undefined };
  if (options.signal?.aborted) return { ...result, cancelled: true };

  // Without a PATH the shell and the tools it starts could not be found; give the system default.
  const env = { PATH: '/usr/local/bin:/usr/bin:/bin', ...options.env };
  const config: SupervisorConfig = { file: shell.file, args: [...shell.args, options.command], cwd: options.cwd, env, graceMs };
  if (options.timeoutMs !== undefined) config.timeoutMs = options.timeoutMs;
  const sup = startSupervisor(config, options.input, (pid) => {
    result.pid = pid;
    options.onSpawn?.(pid);
  });
  const collect = (stream: Readable, key: 'stdout' | 'stderr', sink?: (t: string) => void) => {
    const decoder = new StringDecoder('utf8');
    const take = (text: string) => {
      if (!text) return;
      if (result[key].length < maxBuffer) result[key] += text.slice(0, maxBuffer - result[key].length);
      sink?.(text);
    };
    stream.on('data', (chunk: Buffer) => take(decoder.write(chunk)));
    return new Promise<void>((resolve) => {
      stream.once('end', () => (take(decoder.end()), resolve()));
      stream.once('close', () => resolve());
    });
  };
  const drained = Promise.all([collect(sup.stdout, 'stdout', options.onStdout), collect(sup.stderr, 'stderr', options.onStderr)]);

  const onAbort = () => {
    result.cancelled = true;
    sup.cancel();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  // A backstop in the runner's own clock, should the supervisor itself be stuck or killed.
  const backstop = options.timeoutMs !== undefined ? setTimeout(() => sup.kill(), options.timeoutMs + graceMs + 10_000) : undefined;
  try {
    const end = await sup.done;
    if (end.kind === 'error') result.spawnError = end.message;
    else if (end.kind === 'exit') {
      result.exitCode = end.code ?? undefined;
      result.signal = end.signal ?? undefined;
      result.timedOut = end.timedOut;
      if (end.cancelled) result.cancelled = true;
      if (end.escaped.length) result.escaped = end.escaped;
    } else if (!result.cancelled) result.spawnError = 'the step supervisor ended unexpectedly; its process group was ended';
    // The shell is gone; its pipes close at once unless an escaped process holds them.
    const late = await Promise.race([drained.then(() => false), delay(Math.min(graceMs, DRAIN_MS)).then(() => true)]);
    if (late) {
      sup.stdout.destroy();
      sup.stderr.destroy();
    }
  } finally {
    if (backstop) clearTimeout(backstop);
    options.signal?.removeEventListener('abort', onAbort);
    if (result.pid !== undefined && groupAlive(result.pid)) await endGroup(result.pid, graceMs);
  }
  return result;
}
