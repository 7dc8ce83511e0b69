// Issue 12 case 6: a step's process group dies with the runner (HUP, TERM, KILL); the lock holds while a member lives; the next run says the last one died.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { liveGroupMembers } from '../../client/src/runner/process';
import { cli, cliAsync, workspace } from './helpers';

const runbook = `runsafe: 1
id: longrun
title: A long step
steps:
  - id: hang
    title: Sleeps with a background child
    run: |
      if [ -e quick ]; then exit 0; fi
      cat .runsafe/locks/*.lock > lock-at-start
      sleep 300 &
      echo "$PPID" > supervisor.pid
      ps -o pgid= -p $$ | tr -d ' ' > group.pid
      sleep 300
`;

/** Polls (bounded) until `f` holds; the bound only stops a broken run from hanging the suite. */
async function until(f: () => boolean, what: string, limitMs = 60_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!f()) {
    if (Date.now() > end) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function startAndWaitForStep(dir: string, path: string) {
  const runner = cliAsync(['run', '--non-interactive', path], dir);
  let out = '';
  runner.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => runner.once('exit', () => r()));
  await until(() => existsSync(join(dir, 'group.pid')) && readFileSync(join(dir, 'group.pid'), 'utf8').trim() !== '', 'the step to start');
  const group = Number(readFileSync(join(dir, 'group.pid'), 'utf8'));
  assert.ok(group > 1);
  assert.ok(liveGroupMembers(group).length >= 2, 'the step and its background child run');
  return { runner, group, exited, output: () => out };
}

for (const signal of ['SIGHUP', 'SIGTERM', 'SIGKILL'] as const) {
  test(`case 6: ${signal} to the runner ends every member of the step's process group; the next run starts cleanly`, async () => {
    const { dir, path } = workspace('longrun', runbook);
    const { runner, group, exited } = await startAndWaitForStep(dir, path);
    runner.kill(signal);
    await exited;
    await until(() => liveGroupMembers(group).length === 0, `group ${group} to end`);
    assert.deepEqual(liveGroupMembers(group), []);
    writeFileSync(join(dir, 'quick'), '');
    const next = await cli(['run', '--non-interactive', path], dir);
    assert.equal(next.status, 0, next.stdout);
    // SIGTERM is handled (the run is cancelled and recorded); HUP and KILL leave a stale lock and an unfinished transcript.
    if (signal === 'SIGTERM') assert.match(next.stdout, /✓ lock: no other run of this runbook/);
    else assert.match(next.stdout, /✓ lock: recovered a stale lock of pid \d+: that run died before it finished: its transcript .* ends without run_end/);
  });
}

test('case 6: while a dead run\'s step group still lives, the next run refuses; once it is gone, the lock is recovered and the gate says the run died', async () => {
  const { dir, path } = workspace('longrun', runbook);
  const { runner, group, exited } = await startAndWaitForStep(dir, path);
  // The lock named the step's group before the step's first line ran (the supervisor's gate): a kill
  // at any moment from here on leaves a group the next run knows about.
  assert.equal((JSON.parse(readFileSync(join(dir, 'lock-at-start'), 'utf8')) as { group?: number }).group, group);
  // Supervisor and runner killed together: nothing is left to end the group.
  process.kill(Number(readFileSync(join(dir, 'supervisor.pid'), 'utf8')), 'SIGKILL');
  runner.kill('SIGKILL');
  await exited;
  assert.ok(liveGroupMembers(group).length > 0);
  const refused = await cli(['run', '--non-interactive', path], dir);
  assert.equal(refused.status, 1, refused.stdout);
  assert.match(refused.stdout, new RegExp(`✗ lock: the run of longrun that held the lock \\(pid \\d+\\) died, but its step's process group ${group} still runs`));
  process.kill(-group, 'SIGKILL');
  await until(() => liveGroupMembers(group).length === 0, `group ${group} to end`);
  writeFileSync(join(dir, 'quick'), '');
  const recovered = await cli(['run', '--non-interactive', path], dir);
  assert.match(recovered.stdout, /✓ lock: recovered a stale lock of pid \d+: that run died before it finished: its transcript .* ends without run_end/);
  assert.equal(recovered.status, 0, recovered.stdout);
});
