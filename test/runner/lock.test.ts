// The per-runbook workspace lock: contention is refused, a dead run's lock is recovered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import { join, dirname } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { acquireLock, lockPath, LockHeldError } from '../../client/src/runner/lock';

const ws = mkdtempSync(join(tmpdir(), 'runsafe-lock-'));

test('a second run of the same runbook is refused while the first holds the lock, from another process too', async () => {
  const path = lockPath(ws, 'demo', join(ws, 'demo.runbook.yaml'));
  const lock = acquireLock(path, 'demo');
  assert.throws(() => acquireLock(path, 'demo'), (err: unknown) => err instanceof LockHeldError && err.message.includes(`pid ${process.pid}`));
  // A separate process (another terminal) is refused as well, while this one lives.
  const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', `const l=require(${JSON.stringify(require.resolve('../../client/src/runner/lock'))});try{l.acquireLock(${JSON.stringify(path)},'demo');console.log('acquired')}catch(e){console.log(e.name)}`], { encoding: 'utf8' });
  assert.equal(child.stdout.trim(), 'LockHeldError', child.stderr);
  // Another runbook in the same workspace is independent.
  const other = acquireLock(lockPath(ws, 'other', join(ws, 'other.runbook.yaml')), 'other');
  other.release();
  lock.release();
  assert.equal(existsSync(path), false);
  acquireLock(path, 'demo').release();
});

test('a stale lock left by a dead process is recovered and reported', async () => {
  const path = lockPath(ws, 'stale', join(ws, 'stale.runbook.yaml'));
  // A real process that takes the lock and is then SIGKILLed, leaving its lock file behind.
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', `require(${JSON.stringify(require.resolve('../../client/src/runner/lock'))}).acquireLock(${JSON.stringify(path)},'stale');console.log('locked');setInterval(()=>{},1000)`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve()));
  const deadPid = child.pid!;
  assert.throws(() => acquireLock(path, 'stale'), LockHeldError);
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  const lock = acquireLock(path, 'stale');
  assert.equal(lock.recovered?.pid, deadPid);
  assert.equal(JSON.parse(readFileSync(path, 'utf8')).pid, process.pid);
  lock.release();
});

test('a lock held from another host is never taken over, and an unreadable lock counts as held', () => {
  const path = lockPath(ws, 'remote', join(ws, 'remote.runbook.yaml'));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify({ pid: 999999, host: `${hostname()}-elsewhere`, runbook: 'remote', started: 'then', nonce: 'x' }));
  assert.throws(() => acquireLock(path, 'remote'), /another host/);
  writeFileSync(path, '{"pid": 12');
  assert.throws(() => acquireLock(path, 'remote'), LockHeldError);
});
