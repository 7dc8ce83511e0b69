// Real processes: live streaming, shell semantics, and timeout/cancel ending the whole process group.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess, liveGroupMembers } from '../../client/src/runner/process';

const dir = mkdtempSync(join(tmpdir(), 'runsafe-proc-'));

/** A pid is gone when it does not exist or is only a zombie waiting to be reaped. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

test('streams output live, before the process ends', async () => {
  const flag = join(dir, 'go');
  const seen: string[] = [];
  const r = await runProcess({
    command: 'echo ready; while [ ! -f "$FLAG" ]; do sleep 0.02; done; echo done',
    cwd: dir,
    env: { FLAG: flag },
    onStdout: (t) => {
      seen.push(t);
      // The process is still waiting for this file: output arrived while it ran.
      if (t.includes('ready')) writeFileSync(flag, '');
    },
  });
  assert.equal(r.exitCode, 0);
  assert.equal(r.stdout, 'ready\ndone\n');
  assert.ok(seen.length >= 2);
});

test('bash runs with -e and pipefail, and inputs arrive only as environment variables', async () => {
  const r = await runProcess({ command: 'false | true; echo unreachable', cwd: dir, env: {} });
  assert.notEqual(r.exitCode, 0);
  assert.ok(!r.stdout.includes('unreachable'));
  const r2 = await runProcess({ command: 'printf "%s" "$APP_ENV"', cwd: dir, env: { APP_ENV: 'staging; touch pwned' } });
  assert.equal(r2.stdout, 'staging; touch pwned');
  assert.ok(!existsSync(join(dir, 'pwned')));
});

test('a timeout ends the whole group, including background children and TERM-ignoring ones', async () => {
  const pids = join(dir, 'pids-timeout');
  const r = await runProcess({
    command: `sleep 300 & echo $! >> "${pids}"; (trap '' TERM; sleep 300) & echo $! >> "${pids}"; echo started; sleep 300`,
    cwd: dir,
    env: {},
    timeoutMs: 300,
    graceMs: 200,
  });
  assert.equal(r.timedOut, true);
  assert.ok(r.pid);
  assert.deepEqual(liveGroupMembers(r.pid!), [], 'no process of the group is left');
  for (const pid of readFileSync(pids, 'utf8').trim().split('\n').map(Number)) assert.equal(running(pid), false, `pid ${pid} still running`);
});

test('cancel (Ctrl+C) ends the whole group', async () => {
  const pids = join(dir, 'pids-cancel');
  const ac = new AbortController();
  const r = await runProcess({
    command: `sleep 300 & echo $! >> "${pids}"; echo started; wait`,
    cwd: dir,
    env: {},
    signal: ac.signal,
    onStdout: (t) => t.includes('started') && ac.abort(),
  });
  assert.equal(r.cancelled, true);
  assert.deepEqual(liveGroupMembers(r.pid!), []);
  for (const pid of readFileSync(pids, 'utf8').trim().split('\n').map(Number)) assert.equal(running(pid), false);
});

test('background processes left behind by a finished step are ended with it', async () => {
  const r = await runProcess({ command: 'sleep 300 >/dev/null 2>&1 & echo $!', cwd: dir, env: {} });
  assert.equal(r.exitCode, 0);
  assert.equal(running(Number(r.stdout.trim())), false);
  assert.deepEqual(liveGroupMembers(r.pid!), []);
});

// The run lock names a step's process group before anything of the step runs: otherwise runner
// and supervisor killed together in that moment would leave a running step no lock names.
const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const parentOf = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);

test('nothing of the command runs until onSpawn has returned with its group', async () => {
  const marker = join(dir, 'gate-ran');
  let ranEarly: boolean | undefined;
  let group: number | undefined;
  const r = await runProcess({
    command: `touch "${marker}"; ps -o pgid= -p $$`,
    cwd: dir,
    env: {},
    onSpawn: (pid) => {
      group = pid;
      // As slow as a lock write on a loaded machine can be, and then some.
      pause(400);
      ranEarly = existsSync(marker);
    },
  });
  assert.equal(r.exitCode, 0, r.stderr);
  assert.equal(ranEarly, false, 'the command ran before its group was recorded');
  assert.ok(existsSync(marker), 'the command ran once released');
  assert.equal(Number(r.stdout.trim()), group, 'the group reported is the command\'s own');
});

/** Runs `touch marker` with `onSpawn`; says whether it ran and which group it had. */
async function touchWith(name: string, onSpawn: (pid: number) => void) {
  const marker = join(dir, name);
  let group: number | undefined;
  const result = await runProcess({ command: `touch "${marker}"`, cwd: dir, env: {}, onSpawn: (pid) => onSpawn((group = pid)) });
  return { result, ran: existsSync(marker), group: group! };
}

test('when onSpawn throws, the command never runs and its group is gone', async () => {
  const { result, ran, group } = await touchWith('gate-refused', () => {
    throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
  });
  assert.match(result.spawnError ?? '', /cannot record the step's process group \d+: ENOSPC; the step was not started/);
  assert.equal(ran, false);
  assert.deepEqual(liveGroupMembers(group), []);
});

test('a supervisor killed before the command is released takes the command with it, unstarted', async () => {
  let aliveAfter: number[] = [];
  const { result, ran } = await touchWith('gate-orphan', (pid) => {
    process.kill(parentOf(pid), 'SIGKILL');
    // The gate sees its pipe close and leaves; bounded wait, then look.
    for (let i = 0; i < 100 && liveGroupMembers(pid).length; i++) pause(20);
    aliveAfter = liveGroupMembers(pid);
  });
  assert.deepEqual(aliveAfter, [], 'the gate left by itself once its supervisor died');
  assert.equal(ran, false, 'the command never ran');
  assert.match(result.spawnError ?? '', /supervisor ended unexpectedly/);
});

test('an unknown shell is a clear error; a missing working directory is a spawn error', async () => {
  await assert.rejects(runProcess({ command: 'true', shell: 'fish-nope', cwd: dir, env: {} }), /unknown shell 'fish-nope'/);
  const r = await runProcess({ command: 'true', cwd: join(dir, 'missing'), env: {} });
  assert.ok(r.spawnError, 'spawn error reported');
});
