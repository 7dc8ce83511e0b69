// Issue 12 case 8, the smaller holes, through `runsafe run`: lock by real path, default-secret names on -i, control characters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { cli, cliAsync, workspace } from './helpers';

async function until(f: () => boolean, what: string, limitMs = 60_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!f()) {
    if (Date.now() > end) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('case 8: a symlink to a runbook shares its lock (the lock is keyed by real path and id)', async () => {
  const { dir, path } = workspace('linked', `runsafe: 1\nid: linked\ntitle: Linked\nsteps:\n  - id: hang\n    title: Hang\n    run: touch started; sleep 300\n`);
  const link = join(dir, 'alias.runbook.yaml');
  symlinkSync(path, link);
  const first = cliAsync(['run', '--non-interactive', path], dir);
  const exited = new Promise<void>((r) => first.once('exit', () => r()));
  try {
    await until(() => existsSync(join(dir, 'started')), 'the first run to start');
    const second = await cli(['run', '--non-interactive', link], dir);
    assert.equal(second.status, 1, second.stdout);
    assert.match(second.stdout, /✗ lock: another run of linked is in progress/);
  } finally {
    first.kill('SIGTERM');
    await exited;
  }
});
