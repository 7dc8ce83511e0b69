// `runsafe run` on a real terminal (a pseudo-terminal from util-linux `script`): prompts, hidden secrets, typed confirmation, rollback choice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onTerminal as onTerminalHelper, transcriptOf, workspace } from './helpers';

const hasScript = spawnSync('script', ['--version']).status === 0;

/** Runs the CLI on a pseudo-terminal and answers each prompt when it appears (no fixed delays). */
async function onTerminal(args: string[], cwd: string, answers: [RegExp, string][]): Promise<string> {
  return (await onTerminalHelper(args, cwd, answers)).out;
}

test('interactive run: inputs prompted (secret hidden), target typed to confirm, rollback chosen; all recorded', { skip: !hasScript && 'util-linux script is not installed' }, async () => {
  const { dir, path } = workspace('tty', `runsafe: 1
id: tty
title: Interactive
target: APP_ENV
inputs:
  APP_ENV: { enum: [staging, prod], default: staging }
  API_TOKEN: { secret: true, description: An API token }
steps:
  - id: prepare
    title: Prepare
    run: echo "prepared with $API_TOKEN"
    rollback: undo-prepare
  - id: drop
    title: Drop the cache
    run: echo dropped; exit 4
    confirm: { message: This drops the cache }
rollback:
  - id: undo-prepare
    title: Undo prepare
    run: echo undone
`);
  // The step echoes the token on purpose (the masker is under test), so the rule is switched off here.
  writeFileSync(join(dir, '.runsafe.yaml'), 'severity:\n  secret-echo: off\n');
  const token = 'tty-secret-token-0123456789';
  const out = await onTerminal(['run', path], dir, [
    [/APP_ENV \[staging\/prod\] \(default staging\): $/, 'prod\r'],
    [/API_TOKEN \(secret, not shown\): $/, `${token}\r`],
    [/Type prod to proceed \(anything else cancels\): $/, 'prod\r'],
    [/\[r\]etry \/ roll\[b\]ack \/ \[a\]bort: $/, 'b\r'],
    [/\[r\]un \/ \[s\]kip \/ \[a\]bort: $/, 'r\r'],
  ]);
  assert.ok(!out.includes(token), 'the secret is neither echoed nor printed');
  assert.match(out, /prepared with \*\*\*/);
  assert.match(out, /✓ confirmed drop \(typed\)/);
  assert.match(out, /⟲ rollback undo-prepare: run \(operator\)/);
  assert.match(out, /Result: failed/);
  const transcript = readFileSync(transcriptOf(out, dir), 'utf8');
  assert.ok(!transcript.includes(token));
  assert.match(transcript, /"how":"typed"/);
  assert.match(transcript, /"by":"operator","choice":"run"/);
  assert.match(transcript, /"name":"APP_ENV",[^\n]*"source":"prompt"/);
});

test('Ctrl+C on the terminal cancels the run and ends the step’s whole process group', { skip: !hasScript && 'util-linux script is not installed' }, async () => {
  const { dir, path } = workspace('tty-cancel', `runsafe: 1\nid: tty-cancel\ntitle: Cancel\nsteps:\n  - id: long\n    run: sleep 300 & echo "$!" > ./child.pid; echo started; wait\n  - id: never\n    run: touch ./never\n`);
  const out = await onTerminal(['run', path], dir, [[/│ started/, '\x03']]);
  assert.match(out, /■ long cancelled: cancelled by the operator/);
  assert.match(out, /Result: cancelled/);
  const pid = Number(readFileSync(join(dir, 'child.pid'), 'utf8'));
  let state = 'gone';
  try {
    state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[0]!;
  } catch {
    /* gone */
  }
  assert.ok(state === 'gone' || state === 'Z', `background child state ${state}`);
  assert.throws(() => readFileSync(join(dir, 'never')));
});
