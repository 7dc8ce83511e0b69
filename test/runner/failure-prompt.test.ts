// The failure prompt and --on-failure, through the bundled CLI (client/out/cli.js): retry (attempts counted on), skip, abort, rollback; every choice in the transcript.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onTerminal as onTerminalHelper, runBundled, stepLog, transcriptOf, transcriptRecords, workspace } from './helpers';

const hasScript = spawnSync('script', ['--version']).status === 0;

const onTerminal = (args: string[], cwd: string, answers: [RegExp, string | (() => string)][]) => onTerminalHelper(args, cwd, answers, 'bundle');

const [runPlain, log, records] = [runBundled, stepLog, transcriptRecords];

const markerRunbook = `runsafe: 1
id: marker
title: Fails until a marker exists
steps:
  - id: prepare
    title: Prepare
    run: echo prepare >> log.txt
    rollback: undo-prepare
  - id: needs-marker
    title: Needs the marker
    run: |
      echo attempt >> log.txt
      test -f marker.txt || { echo "no marker yet" >&2; exit 3; }
  - id: after
    title: After
    run: echo after >> log.txt
rollback:
  - id: undo-prepare
    title: Undo prepare
    run: echo undone >> log.txt
`;

test('failure prompt: retry re-runs the failed step once the marker exists; skip is not offered to a step not marked skippable', { skip: !hasScript && 'util-linux script is not installed' }, async () => {
  const { dir, path } = workspace('retry-prompt', markerRunbook);
  const prompt = /\[r\]etry \/ roll\[b\]ack \/ \[a\]bort: $/;
  const { out, code } = await onTerminal(['run', path], dir, [
    // "s" is not an option here: the prompt asks again.
    [prompt, 's\r'],
    [
      prompt,
      () => {
        writeFileSync(join(dir, 'marker.txt'), 'now\n');
        return 'r\r';
      },
    ],
  ]);
  assert.equal(code, 0, out);
  assert.match(out, /rollbacks offered: undo-prepare/);
  assert.match(out, /needs-marker \(attempt 1 failed\): retry \(operator\)/);
  assert.match(out, /✓ needs-marker passed after 2 attempts/);
  assert.match(out, /Result: passed/);
  assert.deepEqual(log(dir), ['prepare', 'attempt', 'attempt', 'after']);
  const recs = records(transcriptOf(out, dir));
  assert.deepEqual(
    recs.filter((r) => r.type === 'failure_choice').map((r) => [r.stepId, r.choice, r.by, r.attempt]),
    [['needs-marker', 'retry', 'operator', 1]],
  );
  assert.deepEqual(recs.filter((r) => r.type === 'step_start' && r.stepId === 'needs-marker').map((r) => r.attempt), [1, 2]);
  const end = recs.find((r) => r.type === 'run_end')?.['summary'] as { status: string; steps: { id: string; attempts: number; detail?: string }[] };
  assert.equal(end.status, 'passed');
  assert.deepEqual(end.steps.find((s) => s.id === 'needs-marker'), { id: 'needs-marker', attempts: 2, kind: 'run', state: 'passed', duration_ms: end.steps.find((s) => s.id === 'needs-marker')!['duration_ms' as never] });
});

test('--on-failure retry=N re-runs a failed step up to N times, then stops (rollbacks skipped); every decision recorded', () => {
  // Passes on its third run.
  const yaml = markerRunbook.replace(
    /      echo attempt >> log.txt\n      test -f marker.txt \|\| \{ echo "no marker yet" >&2; exit 3; \}\n/,
    '      echo attempt >> log.txt\n      test "$(grep -c attempt log.txt)" -ge 3\n',
  );
  const ok = workspace('retry-policy', yaml);
  const passed = runPlain(['--on-failure', 'retry=2', ok.path], ok.dir);
  assert.equal(passed.code, 0, passed.out);
  assert.deepEqual(log(ok.dir), ['prepare', 'attempt', 'attempt', 'attempt', 'after']);
  const recs = records(transcriptOf(passed.stdout, ok.dir));
  assert.deepEqual(recs.filter((r) => r.type === 'failure_choice').map((r) => `${r.choice}/${r.by}/${r.attempt}`), ['retry/policy/1', 'retry/policy/2']);
  assert.equal(recs.find((r) => r.type === 'run_start')?.['on_failure'], 'retry=2');

  const short = workspace('retry-policy-short', yaml);
  const failed = runPlain(['--on-failure', 'retry=1', short.path], short.dir);
  assert.equal(failed.code, 1, failed.out);
  assert.deepEqual(log(short.dir), ['prepare', 'attempt', 'attempt']);
  assert.match(failed.out, /needs-marker \(attempt 2 failed\): stop \(--on-failure\)/);
  const recs2 = records(transcriptOf(failed.stdout, short.dir));
  assert.deepEqual(recs2.filter((r) => r.type === 'failure_choice').map((r) => `${r.choice}/${r.by}/${r.attempt}`), ['retry/policy/1', 'stop/policy/2']);
  assert.ok(recs2.some((r) => r.type === 'rollback_choice' && r.stepId === 'undo-prepare' && r.choice === 'skip'));

  const rolled = workspace('retry-policy-rollback', yaml);
  const back = runPlain(['--on-failure', 'retry=1,rollback', rolled.path], rolled.dir);
  assert.equal(back.code, 1, back.out);
  assert.deepEqual(log(rolled.dir), ['prepare', 'attempt', 'attempt', 'undone']);

  const bad = runPlain(['--on-failure', 'retry=0', ok.path], ok.dir);
  assert.equal(bad.code, 2);
  assert.match(bad.out, /--on-failure retry=N: N must be 1 to 100, not 0/);
  const worse = runPlain(['--on-failure', 'again', ok.path], ok.dir);
  assert.equal(worse.code, 2);
  assert.match(worse.out, /--on-failure must be stop, rollback, retry=N or retry=N,rollback, not 'again'/);
});

const skipRunbook = `runsafe: 1
id: skip
title: Skip
steps:
  - id: prepare
    title: Prepare
    run: echo prepare >> log.txt
    rollback: undo-prepare
  - id: warm-cache
    title: Warm the cache (optional)
    skippable: true
    run: echo warm >> log.txt; exit 1
  - id: uses-cache
    title: Uses the warm cache
    needs: warm-cache
    run: echo uses-cache >> log.txt
  - id: after
    title: After
    run: echo after >> log.txt
rollback:
  - id: undo-prepare
    title: Undo prepare
    run: echo undone >> log.txt
`;

test('failure prompt: skip (skippable steps only) goes on without the step; abort stops with no rollback; rollback offers them one by one', { skip: !hasScript && 'util-linux script is not installed' }, async () => {
  const prompt = /\[r\]etry \/ roll\[b\]ack \/ \[s\]kip \/ \[a\]bort: $/;
  const skipped = workspace('skip', skipRunbook);
  const s = await onTerminal(['run', skipped.path], skipped.dir, [[prompt, 's\r']]);
  assert.equal(s.code, 0, s.out);
  assert.deepEqual(log(skipped.dir), ['prepare', 'warm', 'after']);
  assert.match(s.out, /↷ warm-cache skipped: [^\n]*skipped by the operator \(skippable\)/);
  assert.match(s.out, /↷ uses-cache skipped: needs warm-cache, which did not pass/);
  const recs = records(transcriptOf(s.out, skipped.dir));
  assert.ok(recs.some((r) => r.type === 'failure_choice' && r.choice === 'skip' && r.by === 'operator'));

  const aborted = workspace('abort', skipRunbook);
  const a = await onTerminal(['run', aborted.path], aborted.dir, [[prompt, 'a\r']]);
  assert.equal(a.code, 1, a.out);
  assert.match(a.out, /Result: aborted/);
  assert.deepEqual(log(aborted.dir), ['prepare', 'warm']);

  const back = workspace('rollback-choice', skipRunbook);
  const b = await onTerminal(['run', back.path], back.dir, [
    [prompt, 'b\r'],
    [/Rollback undo-prepare\? \[r\]un \/ \[s\]kip \/ \[a\]bort: $/, 'r\r'],
  ]);
  assert.equal(b.code, 1, b.out);
  assert.deepEqual(log(back.dir), ['prepare', 'warm', 'undone']);
  assert.match(b.out, /Result: failed/);
});
