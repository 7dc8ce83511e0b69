// `runsafe run` end to end, in child processes: gates, injection, masking in the transcript, rollback, lock, killed runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireLock, lockPath } from '../../client/src/runner/lock';
import { encodedForms } from '../../client/src/runner/masker';
import { cli, cliAsync, cliProcess, root, transcriptOf, verifyTranscript, workspace } from './helpers';

test('input values are never executed: `staging; touch …` and `$(touch …)` stay data', async () => {
  const { dir, path } = workspace('inject', `runsafe: 1
id: inject
title: Injection attempts
inputs:
  APP_ENV: { description: Target }
  NOTE: { description: Free text }
steps:
  - id: show
    title: Show the inputs
    run: |
      echo "env=$APP_ENV"
      echo "note=$NOTE"
    expect: { exit: 0 }
`);
  const p1 = join(dir, 'pwned1');
  const p2 = join(dir, 'pwned2');
  const r = await cli(['run', path, '-i', `APP_ENV=staging; touch ${p1}`, '-i', `NOTE=$(touch ${p2})\`touch ${p2}\``], dir);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.ok(r.stdout.includes(`env=staging; touch ${p1}`));
  assert.equal(existsSync(p1), false);
  assert.equal(existsSync(p2), false);
  assert.equal((await verifyTranscript(transcriptOf(r.stdout, dir))).verdict, 'unsigned');
});

test('secrets and their encodings never reach the terminal or the transcript; secrets are refused on argv', async () => {
  const { dir, path } = workspace('secrets', `runsafe: 1
id: secrets
title: Secret handling
inputs:
  DB_PASSWORD: { secret: true, description: The database password }
steps:
  - id: leak-input
    title: Try hard to print the secret
    run: |
      echo "plain: $DB_PASSWORD"
      printf '%s' "$DB_PASSWORD" | base64
      printf 'KEY=%s\\n' "$DB_PASSWORD" | base64 -w0; echo
      python3 -c 'import os,urllib.parse,json;v=os.environ["DB_PASSWORD"];print(urllib.parse.quote(v,safe=""));print(json.dumps({"p":v}))'
      printf '%s' "$DB_PASSWORD" | od -An -tx1 | tr -d ' \\n'; echo
      printf '%s' "$DB_PASSWORD" | xxd -p
      printf '%s' "$DB_PASSWORD" | base64 -w 20
      echo "stderr: $DB_PASSWORD" >&2
  - id: generate
    title: Generate a token
    run: head -c 24 /dev/urandom | base64 | tr '+/' '-_'
    capture: NEW_TOKEN
  - id: leak-capture
    title: Print the captured token
    run: |
      echo "token: $NEW_TOKEN"
      printf '%s' "$NEW_TOKEN" | base64
`);
  // The runbook leaks on purpose, so the masker is what is tested: the workspace policy turns
  // off the rule that would (rightly) refuse it at the lint gate.
  writeFileSync(join(dir, '.runsafe.yaml'), 'severity:\n  secret-echo: off\n');
  const password = 'p@ss w0rd/"quoted"+ünï\\cödé';
  const r = await cli(['run', path], dir, { DB_PASSWORD: password });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const transcriptPath = transcriptOf(r.stdout, dir);
  const transcript = readFileSync(transcriptPath, 'utf8');
  assert.ok(transcript.includes('***'), 'masked output is recorded');
  // Wrapped encodings (xxd -p, base64 -w) are checked with their line breaks removed.
  const screen = r.stdout.replace(/\n {2}│ /g, '');
  const recorded = transcript.replace(/\\n/g, '');
  for (const form of encodedForms(password)) {
    assert.ok(!screen.includes(form), `terminal shows ${form}`);
    assert.ok(!recorded.includes(form), `transcript holds ${form}`);
  }
  // The captured token is known only to the run: find it nowhere either, in any encoding.
  const token = /"type":"capture"/.test(transcript);
  assert.ok(token, 'capture recorded (without its value)');
  for (const line of transcript.split('\n').filter((l) => l.includes('"type":"output"'))) assert.ok(!/token: [A-Za-z0-9_-]{20,}/.test(line), line);
  assert.equal((await verifyTranscript(transcriptPath)).verdict, 'unsigned');
  // On the command line a secret is refused before anything runs, and the value is not echoed.
  const argv = cliProcess(['run', path, '-i', 'DB_PASSWORD=hunter2hunter2'], dir);
  assert.equal(argv.status, 1);
  assert.match(argv.stdout, /DB_PASSWORD is a secret and is never accepted on the command line/);
  assert.ok(!argv.stdout.includes('hunter2hunter2') && !argv.stderr.includes('hunter2hunter2'));
  // A short secret cannot be masked and is refused.
  const short = await cli(['run', path], dir, { DB_PASSWORD: 'abc' });
  assert.equal(short.status, 1);
  assert.match(short.stdout, /secrets: secret DB_PASSWORD is 3 characters long/);
});

const dangerous = `runsafe: 1
id: danger
title: Dangerous steps
target: APP_ENV
inputs:
  APP_ENV: { enum: [staging, prod], default: staging }
steps:
  - id: prepare
    title: Prepare
    run: echo prepared >> "$LOG"
    rollback: undo-prepare
    env: { LOG: ./log.txt }
  - id: drop
    title: Drop the cache
    run: echo dropped >> ./log.txt; exit 4
    confirm: { message: This drops the cache }
    rollback: undo-drop
rollback:
  - id: undo-drop
    title: Restore the cache
    run: echo undo-drop >> ./log.txt
  - id: undo-prepare
    title: Undo prepare
    run: echo undo-prepare >> ./log.txt
`;

test('a dangerous step fails closed without a terminal; --confirm runs it; failure runs rollbacks by policy, all recorded', async () => {
  const { dir, path } = workspace('danger', dangerous);
  const refused = await cli(['run', path], dir);
  assert.equal(refused.status, 1);
  // Refused before the first step: nothing it would have done before the confirmation ran.
  assert.match(refused.stdout, /step drop needs confirmation \(declared confirm\): pass --confirm drop\nnothing ran/);
  assert.equal(existsSync(join(dir, 'log.txt')), false);
  const failed = await cli(['run', path, '--confirm', 'drop', '--on-failure', 'rollback'], dir);
  assert.equal(failed.status, 1);
  assert.deepEqual(readFileSync(join(dir, 'log.txt'), 'utf8').split('\n').filter(Boolean), ['prepared', 'dropped', 'undo-drop', 'undo-prepare']);
  const transcript = readFileSync(transcriptOf(failed.stdout, dir), 'utf8');
  const choices = transcript.split('\n').filter((l) => l.includes('"type":"rollback_choice"')).map((l) => JSON.parse(l));
  assert.deepEqual(choices.map((c) => [c.stepId, c.choice, c.by]), [['undo-drop', 'run', 'policy'], ['undo-prepare', 'run', 'policy']]);
  assert.match(transcript, /"type":"confirmation".*"how":"flag"|"how":"flag".*"type":"confirmation"/);
  const end = transcript.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((r) => r.type === 'run_end');
  assert.equal(end.summary.status, 'failed');
  assert.equal((await verifyTranscript(transcriptOf(failed.stdout, dir))).verdict, 'unsigned');
  // The plan shows the danger, the checks and the rollbacks.
  const plan = await cli(['run', '--dry-run', path], dir);
  assert.equal(plan.status, 0);
  assert.match(plan.stdout, /DANGER +confirm before running \(declared confirm\): type the value of APP_ENV/);
  assert.match(plan.stdout, /rollback +undo-drop/);
  assert.match(plan.stdout, /Needs confirmation: drop/);
});

test('lint errors and a held lock refuse the run before anything executes', async () => {
  const bad = workspace('bad', `runsafe: 1\nid: bad\ntitle: Bad\nsteps:\n  - id: x\n    run: touch ./ran\n    retry: { attempts: many }\n`);
  const r = await cli(['run', bad.path], bad.dir);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /✗ lint: 1 error\(s\); fix them first:\n {2}bad\.runbook\.yaml:7:/);
  assert.equal(existsSync(join(bad.dir, 'ran')), false);

  const { dir, path } = workspace('locked', `runsafe: 1\nid: locked\ntitle: Locked\nsteps:\n  - id: x\n    run: touch ./ran\n`);
  const lock = acquireLock(lockPath(dir, 'locked', path), 'locked');
  try {
    const held = await cli(['run', path], dir);
    assert.equal(held.status, 1);
    assert.match(held.stdout, new RegExp(`✗ lock: another run of locked is in progress \\(pid ${process.pid}`));
    assert.equal(existsSync(join(dir, 'ran')), false);
  } finally {
    lock.release();
  }
  assert.equal((await cli(['run', path], dir)).status, 0);
  assert.equal(existsSync(join(dir, 'ran')), true);
});

test('a run killed with SIGKILL leaves a transcript prefix that verifies as unterminated', async () => {
  const { dir, path } = workspace('killed', `runsafe: 1\nid: killed\ntitle: Killed\nsteps:\n  - id: first\n    run: echo one\n  - id: long\n    run: echo "$$" > ./step.pid; echo started; sleep 60\n`);
  const child = cliAsync(['run', path, '--transcript', 'killed.jsonl'], dir);
  await new Promise<void>((resolveStarted, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('started')) resolveStarted();
    });
    child.on('exit', () => reject(new Error(`exited early:\n${out}`)));
  });
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  // The supervisor ends the step's group when the runner dies; the test makes sure nothing lingers either way.
  const group = Number(readFileSync(join(dir, 'step.pid'), 'utf8'));
  try {
    process.kill(-group, 'SIGKILL');
  } catch {
    /* already gone */
  }
  // A lock is recovered only once no member of the step's group lives (a refusal before that is right:
  // seen on a loaded machine, where the killed members had not been reaped yet). Wait for that, bounded.
  for (let waited = 0; waited < 10_000; waited += 50) {
    try {
      process.kill(-group, 0);
    } catch {
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const report = await verifyTranscript(join(dir, 'killed.jsonl'));
  assert.equal(report.verdict, 'unterminated');
  assert.equal(report.failing, 0);
  assert.ok(report.records >= 4, `records: ${report.records}`);
  assert.ok(readdirSync(join(dir, '.runsafe', 'locks')).length === 1, 'the dead run left its lock; the next run recovers it');
  // The same runbook (now quick) runs again: the dead run's lock is recovered, not obeyed forever.
  writeFileSync(path, `runsafe: 1\nid: killed\ntitle: Killed\nsteps:\n  - id: first\n    run: echo one\n`);
  const next = await cli(['run', path], dir);
  assert.equal(next.status, 0, next.stdout);
  assert.match(next.stdout, /✓ lock: recovered a stale lock of pid \d+: that run died before it finished/);
});

test('every shipped runbook plans cleanly (dry run): ids, needs and rollbacks resolve', async () => {
  const dir = join(root, 'runbooks');
  const files = readdirSync(dir).filter((f) => f.endsWith('.runbook.yaml'));
  assert.ok(files.length >= 1);
  for (const f of files) {
    const r = await cli(['run', '--dry-run', join(dir, f)], dir);
    assert.equal(r.status, 0, `${f}:\n${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /^Steps:$/m);
  }
});

test('approval gate: a policy requiring approval refuses unapproved and modified runbooks, runs approved ones', async () => {
  const { dir, path } = workspace('approved', `runsafe: 1\nid: approved\ntitle: Approved\npolicy:\n  approvals: { required: 1 }\nsteps:\n  - id: x\n    run: echo ran >> ./ran.txt\n`);
  const noTrust = await cli(['run', path], dir);
  assert.equal(noTrust.status, 1);
  assert.match(noTrust.stdout, /✗ approval: the policy requires 1 approval\(s\) in approved\.runbook\.yaml\.sig; pass --trust <trust-file>/);
  // The signing commands take paths as given (relative to the process), so give them absolute ones.
  const key = join(dir, 'approver.key');
  const trust = join(dir, 'trust.yaml');
  const made = JSON.parse((await cli(['keygen', '--out', key, '--format', 'json'], dir)).stdout);
  const rootKey = join(dir, 'root.key');
  assert.equal((await cli(['keygen', '--out', rootKey], dir)).status, 0);
  assert.equal((await cli(['trust', 'init', trust, '--root-key', rootKey], dir)).status, 0);
  assert.equal((await cli(['trust', 'add', trust, `--public-key=${made.public_key}`, '--name', 'alice', '--role', 'approver', '--root-key', rootKey], dir)).status, 0);
  const unapproved = await cli(['run', path, '--trust', 'trust.yaml'], dir);
  assert.equal(unapproved.status, 1);
  assert.match(unapproved.stdout, /✗ approval: unapproved/);
  assert.equal((await cli(['sign', path, '--key', key, '--trust', trust], dir)).status, 0);
  const approved = await cli(['run', path, '--trust', 'trust.yaml'], dir);
  assert.equal(approved.status, 0, approved.stdout);
  assert.match(approved.stdout, /✓ approval: approved/);
  writeFileSync(path, `${readFileSync(path, 'utf8')}# edited after approval\n`);
  const modified = await cli(['run', path, '--trust', 'trust.yaml'], dir);
  assert.equal(modified.status, 1);
  assert.match(modified.stdout, /✗ approval: modified/);
  assert.deepEqual(readFileSync(join(dir, 'ran.txt'), 'utf8'), 'ran\n');
});

test('the lint gate uses the safety rules and .runsafe.yaml; a rule-flagged step needs confirmation even as a warning', async () => {
  const { dir, path } = workspace('flagged', `runsafe: 1\nid: flagged\ntitle: Flagged\nsteps:\n  - id: wipe\n    title: Wipe scratch\n    run: rm -rf ./scratch\n`);
  mkdirSync(join(dir, 'scratch'));
  const refused = await cli(['run', path], dir);
  assert.equal(refused.status, 1);
  assert.match(refused.stdout, /✗ lint: 1 error\(s\); fix them first:\n {2}flagged\.runbook\.yaml:7:10 destructive-unconfirmed/);
  // Downgraded to a warning by the workspace policy, the finding still demands a typed confirmation.
  writeFileSync(join(dir, '.runsafe.yaml'), 'severity:\n  destructive-unconfirmed: warning\n');
  const unconfirmed = await cli(['run', path], dir);
  assert.equal(unconfirmed.status, 1);
  assert.match(unconfirmed.stdout, /step wipe needs confirmation \(flagged by destructive-unconfirmed\): pass --confirm wipe/);
  assert.equal(existsSync(join(dir, 'scratch')), true);
  const confirmed = await cli(['run', path, '--confirm', 'wipe'], dir);
  assert.equal(confirmed.status, 0, confirmed.stdout);
  assert.equal(existsSync(join(dir, 'scratch')), false);
});
