// Shared by the signing CLI tests: run `runsafe` from the bundle scripts/test.mjs built, in a child process.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';

export const root = resolve(__dirname, '../..');
const cli = join(root, 'client/out/cli.js');

/**
 * The bundle must already be built (scripts/test.mjs builds once before any test file runs). A test file
 * never rebuilds it: files run concurrently, and a rebuild under another file's running CLI is what made
 * `runsafe trust list` print nothing now and then (its bundle read while being rewritten).
 */
export function requireBuilt(): void {
  if (!existsSync(cli)) throw new Error('client/out/cli.js is missing: run npm run build (scripts/test.mjs builds before the tests)');
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
