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

test('case 8: an input named like a secret but not marked secret is refused on -i; input values are shown without raw control characters', async () => {
  const { dir, path } = workspace('named', `runsafe: 1
id: named
title: Named like a secret
inputs:
  API_TOKEN: { description: An API token the author forgot to mark secret }
  NOTE: { description: Free text }
steps:
  - id: show
    title: Show the note
    run: printf '%s\\n' "$NOTE" > note.txt
`);
  const refused = await cli(['run', '--non-interactive', path, '-i', 'API_TOKEN=tok_live_0123456789', '-i', 'NOTE=x'], dir);
  assert.equal(refused.status, 1, refused.stdout);
  assert.match(refused.stdout, /✗ inputs: API_TOKEN is named like a secret but the runbook does not mark it `secret: true`/);
  assert.ok(!refused.stdout.includes('tok_live_0123456789'));

  const { dir: d2, path: p2 } = workspace('ctl', `runsafe: 1\nid: ctl\ntitle: Control characters\ninputs:\n  NOTE: { description: Free text }\nsteps:\n  - id: show\n    title: Use the note\n    run: test -n "$NOTE"\n`);
  const evil = 'ok\u001b[2J\u001b]0;pwned\u0007\nfake ✓ line';
  const r = await cli(['run', '--non-interactive', p2, '-i', `NOTE=${evil}`], d2);
  assert.equal(r.status, 0, r.stdout);
  assert.ok(!r.stdout.includes('\u001b'), 'an escape sequence reached the terminal');
  assert.match(r.stdout, /input NOTE = ok\\x1b\[2J\\x1b\]0;pwned\\x07\\nfake ✓ line from flag/);
});
