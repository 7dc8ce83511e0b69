// The step supervisor: a tiny Node process between the runner and a step's process group that ends the group when the runner dies, times it out by its own clock, and reports.
//
// Why a process of its own: Node has no prctl(PR_SET_PDEATHSIG), and a runner killed with
// SIGKILL runs no handler. The supervisor holds the read end of a control pipe from the
// runner; the kernel closes the runner's end whatever kills it, and the supervisor then ends
// the whole group (SIGTERM, grace, SIGKILL). It also measures the step's timeout from the
// step's own start, so a busy runner event loop can neither stretch nor falsely trip it.
//
// Why the step waits at a gate: the step's process group exists only once it is spawned, and the
// runner must have written that group into the run lock before anything of the step runs.
// Otherwise runner and supervisor killed together in between (SIGKILL, OOM killer) leave a
// running step the lock does not name, and the next run would take the lock over beside it. So
// the group's leader is first `/bin/sh` blocked reading a private pipe; the supervisor reports
// the group, the runner records it and answers `go`, and only then does the gate `exec` the
// step's shell (same pid, same group). If the supervisor dies before that, the gate reads end
// of file and exits without running anything.
import { spawn } from 'node:child_process';
import type { Duplex, Readable } from 'node:stream';

/** Sent by the runner on the control pipe (fd 3), one JSON line. */
export interface SupervisorConfig {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs?: number;
  graceMs: number;
}

/** Reported by the supervisor on the control pipe, one JSON line each. */
export type SupervisorEvent =
  | { event: 'spawned'; pid: number }   // the group exists, the step waits at its gate for 'go'
  | { event: 'error'; message: string; code?: string }
  | { event: 'exit'; code: number | null; signal: string | null; timedOut: boolean; cancelled: boolean; durationMs: number; escaped: { pid: number; command: string }[] };

/**
 * The supervisor program, run as `node -e SUPERVISOR_SOURCE` so it works the same from the
 * sources and from the bundle. Plain JavaScript, Node built-ins only.
 */
export const SUPERVISOR_SOURCE = String.raw`
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const control = new net.Socket({ fd: 3, readable: true, writable: true });
const send = (m) => { try { control.write(JSON.stringify(m) + '\n'); } catch {} };
let child, pgid, config, started, timedOut = false, cancelled = false, ending = null, exited = false;
const alive = () => {
  if (pgid === undefined) return false;
  try { process.kill(-pgid, 0); } catch (e) { if (e.code !== 'EPERM') return false; }
  let names;
  try { names = fs.readdirSync('/proc'); } catch { return true; }
  for (const n of names) {
    if (!/^\d+$/.test(n)) continue;
    let stat;
    try { stat = fs.readFileSync('/proc/' + n + '/stat', 'utf8'); } catch { continue; }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(f[2]) === pgid && f[0] !== 'Z' && f[0] !== 'X') return true;
  }
  return false;
};
// Processes that left the group (setsid, double fork) but still hold the step's stdout or
// stderr: the same open file as our fd 1 and 2. Named by executable only: arguments may hold secrets.
function escapees() {
  const mine = new Set();
  for (const fd of [1, 2]) { try { mine.add(fs.readlinkSync('/proc/self/fd/' + fd)); } catch {} }
  if (!mine.size) return [];
  const out = [];
  let names;
  try { names = fs.readdirSync('/proc'); } catch { return []; }
  for (const n of names) {
    if (!/^\d+$/.test(n) || Number(n) === process.pid) continue;
    let fds;
    try { fds = fs.readdirSync('/proc/' + n + '/fd'); } catch { continue; }
    if (!fds.some((fd) => { try { return mine.has(fs.readlinkSync('/proc/' + n + '/fd/' + fd)); } catch { return false; } })) continue;
    let command = '?';
    try { command = fs.readFileSync('/proc/' + n + '/comm', 'utf8').trim() || command; } catch {}
    out.push({ pid: Number(n), command });
  }
  return out;
}
const signal = (s) => { try { process.kill(-pgid, s); } catch {} };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function endGroup() {
  if (ending) return ending;
  ending = (async () => {
    if (pgid === undefined) return;
    signal('SIGTERM');
    const t = Date.now() + config.graceMs;
    while (alive() && Date.now() < t) await sleep(20);
    if (alive()) signal('SIGKILL');
    const k = Date.now() + 5000;
    while (alive() && Date.now() < k) await sleep(10);
  })();
  return ending;
}
// Leaves by letting the event loop run dry: nothing holds it once the control pipe is closed.
function leave() {
  try { control.destroy(); } catch {}
  if (child) child.unref();
  for (const s of ['SIGHUP', 'SIGINT', 'SIGTERM']) process.removeAllListeners(s);
}
// The runner is gone (any signal, SIGKILL included): nothing of the step may outlive it.
async function orphaned() {
  await endGroup();
  leave();
}
for (const s of ['SIGHUP', 'SIGINT', 'SIGTERM']) process.on(s, orphaned);
let buffer = '';
control.on('data', (d) => {
  buffer += d.toString();
  let i;
  while ((i = buffer.indexOf('\n')) >= 0) {
    const line = buffer.slice(0, i);
    buffer = buffer.slice(i + 1);
    let m;
    try { m = JSON.parse(line); } catch { continue; }
    if (!config) start(m);
    else if (m.cmd === 'go') go();
    else if (m.cmd === 'cancel') { cancelled = true; endGroup(); }
  }
});
control.on('end', orphaned);
control.on('close', orphaned);
control.on('error', orphaned);
// The gate: blocked on fd 3 until the supervisor writes a line; end of file (the supervisor died)
// exits without running the step. 125 is outside what a shell returns for the step's own status.
const GATE = 'IFS= read -r _ <&3 || exit 125; exec 3<&-; exec "$@"';
// The gate would turn a missing shell into exit 127 with a message of its own; look it up first,
// in the step's PATH, so a missing shell stays the same clear error.
function findExecutable(file, path) {
  const candidates = file.includes('/') ? [file] : String(path || '').split(':').filter(Boolean).map((d) => d + '/' + file);
  return candidates.some((f) => { try { fs.accessSync(f, fs.constants.X_OK); return fs.statSync(f).isFile(); } catch { return false; } });
}
let timer;
function start(c) {
  config = c;
  if (!findExecutable(c.file, c.env.PATH)) {
    send({ event: 'error', message: 'spawn ' + c.file + ' ENOENT', code: 'ENOENT' });
    return control.end(leave);
  }
  try {
    child = spawn('/bin/sh', ['-c', GATE, 'runsafe-gate', c.file, ...c.args], { cwd: c.cwd, env: c.env, detached: true, stdio: ['inherit', 'inherit', 'inherit', 'pipe'] });
  } catch (e) {
    send({ event: 'error', message: e.message, code: e.code });
    return control.end(leave);
  }
  child.on('error', (e) => {
    send({ event: 'error', message: e.message, code: e.code });
    control.end(leave);
  });
  if (child.pid === undefined) return;
  pgid = child.pid;
  child.stdio[3].on('error', () => {});
  child.on('exit', async (code, sig) => {
    const durationMs = started === undefined ? 0 : Number((process.hrtime.bigint() - started) / 1000000n);
    if (timer) clearTimeout(timer);
    // What the shell left behind in its group ends with it.
    await endGroup();
    exited = true;
    const escaped = escapees();
    for (const e of escaped) { try { process.kill(e.pid, 'SIGKILL'); } catch {} }
    send({ event: 'exit', code, signal: sig, timedOut, cancelled, durationMs, escaped });
    control.end(leave);
  });
  send({ event: 'spawned', pid: pgid });
}
// The runner has recorded the group: open the gate; the step's time starts now.
function go() {
  if (!child || started !== undefined || cancelled || ending) return;
  started = process.hrtime.bigint();
  child.stdio[3].end('\n');
  if (typeof config.timeoutMs === 'number') timer = setTimeout(() => { timedOut = true; endGroup(); }, config.timeoutMs);
}
`;

export type SupervisorEnd =
  | { kind: 'exit'; code: number | null; signal: string | null; timedOut: boolean; cancelled: boolean; durationMs: number; escaped: { pid: number; command: string }[] }
  | { kind: 'error'; message: string }
  | { kind: 'lost' };

export interface SupervisedProcess {
  stdout: Readable;
  stderr: Readable;
  /** The supervisor's pid (not the step's). */
  pid: number | undefined;
  /** Asks the supervisor to end the group (SIGTERM, grace, SIGKILL). */
  cancel(): void;
  /** Kills the supervisor outright: its group is then ended by the caller. */
  kill(): void;
  done: Promise<SupervisorEnd>;
}

/**
 * Starts a supervisor for one command; `input` goes to the command's stdin (closed otherwise).
 * `onSpawn` gets the step's process group before anything of the step runs: the step starts
 * when it returns. Should it throw (the group could not be recorded), the step never starts.
 */
export function startSupervisor(config: SupervisorConfig, input?: string, onSpawn?: (pgid: number) => void): SupervisedProcess {
  // The supervisor leads a session of its own: a terminal's Ctrl+C or hang-up reaches the
  // runner, which decides; the supervisor follows the runner's control pipe only.
  const child = spawn(process.execPath, ['-e', SUPERVISOR_SOURCE], {
    env: { ELECTRON_RUN_AS_NODE: '1' },
    detached: true,
    stdio: [input !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe', 'pipe'],
  });
  const control = child.stdio[3] as Duplex;
  let end: SupervisorEnd | undefined;
  const done = new Promise<SupervisorEnd>((resolve) => {
    let buffer = '';
    control.on('data', (d: Buffer) => {
      buffer += d.toString();
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        let m: SupervisorEvent;
        try {
          m = JSON.parse(line) as SupervisorEvent;
        } catch {
          continue;
        }
        if (m.event === 'spawned') {
          try {
            onSpawn?.(m.pid);
          } catch (err) {
            end ??= { kind: 'error', message: `cannot record the step's process group ${m.pid}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; the step was not started` };
            control.write(`${JSON.stringify({ cmd: 'cancel' })}\n`);
            continue;
          }
          control.write(`${JSON.stringify({ cmd: 'go' })}\n`);
        } else if (m.event === 'error') end ??= { kind: 'error', message: m.code === 'ENOENT' ? `cannot start ${config.file}: not found` : m.code ? `cannot start ${config.file} in ${config.cwd}: ${m.code}` : m.message };
        else if (m.event === 'exit') end ??= { kind: 'exit', code: m.code, signal: m.signal, timedOut: m.timedOut, cancelled: m.cancelled, durationMs: m.durationMs, escaped: m.escaped ?? [] };
      }
    });
    control.on('error', () => undefined);
    child.once('error', (err) => {
      end ??= { kind: 'error', message: `cannot start the step supervisor: ${(err as NodeJS.ErrnoException).code ?? err.message}` };
      resolve(end);
    });
    child.once('exit', () => resolve(end ?? { kind: 'lost' }));
  });
  control.write(`${JSON.stringify(config)}\n`);
  if (input !== undefined && child.stdin) {
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  }
  return {
    stdout: child.stdout!,
    stderr: child.stderr!,
    pid: child.pid,
    cancel() {
      control.write(`${JSON.stringify({ cmd: 'cancel' })}\n`);
    },
    kill() {
      child.kill('SIGKILL');
    },
    done,
  };
}
