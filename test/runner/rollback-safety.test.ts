// Rollbacks that cannot do harm, through the bundled CLI: unsafe_after withholds a rollback (also under --on-failure rollback), the operator picks among the rest, irreversible and rollback none in the plan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { bundledCli, onTerminal, runBundled, stepLog, transcriptOf, transcriptRecords, workspace } from './helpers';

const hasScript = spawnSync('script', ['--version']).status === 0;

const [runPlain, log, records] = [runBundled, stepLog, transcriptRecords];

// The encryption key rotation's shape: once re-encryption started, restoring the single old key would strand records.
const rotation = `runsafe: 1
id: rotation
title: Key rotation
inputs:
  FAIL_EARLY: { enum: ["yes", "no"], default: "no" }
steps:
  - id: add-key
    title: Add the new key beside the old one
    run: echo add-key >> log.txt
    rollback: [restore-single-key, remove-scratch]
  - id: early-check
    title: Check before re-encrypting
    run: echo early-check >> log.txt; test "$FAIL_EARLY" = no
  - id: reencrypt
    title: Re-encrypt the records under the new key
    run: echo reencrypt >> log.txt
    rollback: undo-reencrypt
  - id: verify
    title: Verify the records
    run: echo verify >> log.txt; exit 1
rollback:
  - id: restore-single-key
    title: Restore the single old key
    run: echo restore-single-key >> log.txt
    unsafe_after: [reencrypt]
  - id: remove-scratch
    title: Remove the scratch folder
    run: echo remove-scratch >> log.txt
  - id: undo-reencrypt
    title: Stop the re-encryption job
    run: echo undo-reencrypt >> log.txt
`;

test('unsafe_after: a rollback is never run once its step has started, also under --on-failure rollback; before that it runs', () => {
  const late = workspace('unsafe-late', rotation);
  const r = runPlain(['--on-failure', 'rollback', late.path], late.dir);
  assert.equal(r.code, 1, r.out);
  assert.deepEqual(log(late.dir), ['add-key', 'early-check', 'reencrypt', 'verify', 'undo-reencrypt', 'remove-scratch']);
  assert.match(r.out, /⊘ rollback restore-single-key withheld: unsafe after reencrypt, which has started \(unsafe_after\)/);
  const recs = records(transcriptOf(r.stdout, late.dir));
  assert.ok(recs.some((x) => x.type === 'rollback_withheld' && x.stepId === 'restore-single-key' && x.after === 'reencrypt'));
  assert.ok(!recs.some((x) => x.type === 'rollback_choice' && x.stepId === 'restore-single-key'), 'never offered');
  const end = recs.find((x) => x.type === 'run_end')?.['summary'] as { steps: { id: string; state: string; detail?: string }[] };
  assert.match(end.steps.find((s) => s.id === 'restore-single-key')?.detail ?? '', /withheld: unsafe after reencrypt/);

  const early = workspace('unsafe-early', rotation);
  const e = runPlain(['--on-failure', 'rollback', '-i', 'FAIL_EARLY=yes', early.path], early.dir);
  assert.equal(e.code, 1, e.out);
  assert.deepEqual(log(early.dir), ['add-key', 'early-check', 'restore-single-key', 'remove-scratch']);
});

test('failure prompt: a withheld rollback is named and never offered; the operator picks which of the offered ones run', { skip: !hasScript && 'util-linux script is not installed' }, async () => {
  const { dir, path } = workspace('unsafe-prompt', rotation);
  const { out, code } = await onTerminal(
    ['run', path],
    dir,
    [
      [/FAIL_EARLY[^\n]*: $/, '\r'],
      [/\[r\]etry \/ roll\[b\]ack \/ \[a\]bort: $/, 'b\r'],
      [/Rollback undo-reencrypt\? \[r\]un \/ \[s\]kip \/ \[a\]bort: $/, 's\r'],
      [/Rollback remove-scratch\? \[r\]un \/ \[s\]kip \/ \[a\]bort: $/, 'r\r'],
    ],
    'bundle',
  );
  assert.equal(code, 1, out);
  assert.match(out, /rollbacks offered: undo-reencrypt, remove-scratch\n/);
  assert.match(out, /rollback restore-single-key withheld: unsafe after reencrypt, which has started/);
  assert.doesNotMatch(out, /Rollback restore-single-key\?/);
  assert.deepEqual(log(dir), ['add-key', 'early-check', 'reencrypt', 'verify', 'remove-scratch']);
  const recs = records(transcriptOf(out, dir));
  assert.deepEqual(
    recs.filter((x) => x.type === 'rollback_choice').map((x) => `${x.stepId}:${x.choice}:${x.by}`),
    ['undo-reencrypt:skip:operator', 'remove-scratch:run:operator'],
  );
});

test('irreversible and rollback none: shown in the plan, irreversible always confirmed (refused up front without --confirm), missing-rollback satisfied', () => {
  const { dir, path } = workspace('irreversible', `runsafe: 1
id: irreversible
title: Irreversible
steps:
  - id: publish
    title: Publish the key fingerprint
    run: echo publish >> log.txt
    irreversible: true
  - id: restart
    title: Restart the workers
    run: systemctl restart workers
    confirm: true
    rollback: { none: A restart leaves nothing to undo. }
rollback:
  - id: restore
    title: Restore
    run: echo restore
    unsafe_after: [publish]
`);
  const plan = runPlain(['--dry-run', path], dir);
  assert.equal(plan.code, 0, plan.out);
  assert.match(plan.out, /DANGER +IRREVERSIBLE: nothing undoes it \(typed confirmation always\)/);
  assert.match(plan.out, /rollback +none: A restart leaves nothing to undo\./);
  assert.match(plan.out, /unsafe +after publish: withheld \(never offered or run\) once one of them has started/);
  assert.match(plan.out, /Needs confirmation: publish, restart/);
  assert.doesNotMatch(plan.out, /missing-rollback/);
  const refused = runPlain(['--confirm', 'restart', path], dir);
  assert.equal(refused.code, 1);
  assert.match(refused.out, /step publish needs confirmation \(IRREVERSIBLE, no rollback undoes it; declared irreversible\): pass --confirm publish/);
  assert.deepEqual(log(dir), []);
  const lint = spawnSync(process.execPath, [bundledCli, 'lint', path], { cwd: dir, encoding: 'utf8' });
  assert.doesNotMatch(lint.stdout + lint.stderr, /missing-rollback/);
});
