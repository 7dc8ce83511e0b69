// Shared by the signing CLI tests: build the bundle once per file, run `runsafe` from it in a child process.
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';

export const root = resolve(__dirname, '../..');
const cli = join(root, 'client/out/cli.js');

export function buildOnce(): void {
  if (spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' }).status !== 0) throw new Error('build failed');
}

/** `runsafe <args>` in `cwd`, with colours off; `out` is stdout and stderr together for messages. */
export function runsafeIn(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, out: r.stdout + r.stderr };
}

/** Like runsafeIn, and the command must succeed. */
export function okIn(cwd: string, args: string[]) {
  const r = runsafeIn(cwd, args);
  assert.equal(r.code, 0, `runsafe ${args.join(' ')}\n${r.out}`);
  return r;
}
