// runsafe run --resume through the bundled CLI in real processes: segments chained and verified together, passed steps not run again, parked waits, encrypted secret state, a SIGKILLed runner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Masker } from '../../client/src/runner/masker';
import { root, runsafeIn } from '../cli/bundled-cli';
import { workspace } from './helpers';

const cliJs = join(root, 'client/out/cli.js');

const transcripts = (dir: string) =>
  readdirSync(join(dir, '.runsafe', 'transcripts'))
    .filter((f) => f.endsWith('.transcript.jsonl'))
    .sort()
    .map((f) => join('.runsafe', 'transcripts', f));
const count = (dir: string, name: string) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean).length : 0);
const records = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

const flaky = `runsafe: 1
id: flaky
title: Fails until a marker exists
inputs:
  APP_ENV: { default: staging }
steps:
  - id: first
    title: First change
    run: echo "$APP_ENV" >> count-first.txt
  - id: second
    title: Needs the marker
    run: echo x >> count-second.txt; test -f marker
  - id: third
    title: After
    run: echo x >> count-third.txt
`;

test('a failed run resumes without re-running passed steps; its segments verify together and fail dropped, reordered or foreign', () => {
  const { dir, path } = workspace('flaky', flaky);
  const a = runsafeIn(dir, ['run', '--non-interactive', '-i', 'APP_ENV=prod', path]);
  assert.equal(a.code, 1, a.out);
  const [seg1] = transcripts(dir);
  assert.ok(seg1);
  // Still failing: the resume runs second again, which fails again; that segment is resumed in turn.
  writeFileSync(join(dir, 'marker'), '');
  const dry = runsafeIn(dir, ['run', '--dry-run', '--resume', seg1, path]);
  assert.equal(dry.code, 0, dry.out);
  assert.match(dry.stdout, /skips first \(passed in segment 1; not run again\)/);
  assert.match(dry.stdout, /runs {2}second, third/);
  assert.equal(count(dir, 'count-second.txt'), 1, 'a dry run runs nothing');

  const b = runsafeIn(dir, ['run', '--non-interactive', '--resume', seg1, path]);
  assert.equal(b.code, 0, b.out);
  assert.equal(count(dir, 'count-first.txt'), 1, 'first passed in segment 1 and did not run again');
  assert.equal(readFileSync(join(dir, 'count-first.txt'), 'utf8'), 'prod\n');
  assert.equal(count(dir, 'count-second.txt'), 2);
  assert.equal(count(dir, 'count-third.txt'), 1);
  const [, seg2] = transcripts(dir);
  assert.ok(seg2);
  const start2 = records(dir, seg2)[0]!;
  const start1 = records(dir, seg1)[0]!;
  assert.equal(start2['run_id'], start1['run_id']);
  assert.deepEqual((start2['resumes'] as Record<string, unknown>)['segment'], 1);
  // The recorded input is kept: the resume ran with APP_ENV=prod although none was given.
  assert.ok(records(dir, seg2).some((r) => r['type'] === 'input' && r['name'] === 'APP_ENV' && r['value'] === 'prod'));

  const both = runsafeIn(dir, ['verify', '--allow-unsigned', seg1, seg2]);
  assert.equal(both.code, 0, both.out);
  assert.match(both.stdout, /2 segments, .* each resuming the one before/);
  const alone = runsafeIn(dir, ['verify', '--allow-unsigned', seg2]);
  assert.equal(alone.code, 1, alone.out);
  assert.match(alone.stdout, /segment_missing/);
  const reordered = runsafeIn(dir, ['verify', '--allow-unsigned', seg2, seg1]);
  assert.equal(reordered.code, 1, reordered.out);
  assert.match(reordered.stdout, /segment_missing|segment_out_of_order/);

  // A segment from another run of the same runbook does not follow this one.
  const other = workspace('flaky', flaky);
  assert.equal(runsafeIn(other.dir, ['run', '--non-interactive', other.path]).code, 1);
  writeFileSync(join(other.dir, 'marker'), '');
  const [o1] = transcripts(other.dir);
  assert.equal(runsafeIn(other.dir, ['run', '--non-interactive', '--resume', o1!, other.path]).code, 0);
  const [, o2] = transcripts(other.dir);
  const foreign = runsafeIn(dir, ['verify', '--allow-unsigned', seg1, join(other.dir, o2!)]);
  assert.equal(foreign.code, 1, foreign.out);
  assert.match(foreign.stdout, /segment_other_run/);

  // The summary reports the segments as one run, ended as the last segment says.
  const summary = runsafeIn(dir, ['transcript', 'summary', seg1, seg2]);
  assert.match(summary.stdout, /one run in 2 segments/);
  assert.match(summary.stdout, /\*\*Outcome:\*\* passed/);

  // A finished run cannot be resumed; an already resumed segment cannot be resumed again.
  const again = runsafeIn(dir, ['run', '--non-interactive', '--resume', seg2, path]);
  assert.equal(again.code, 1);
  assert.match(again.stdout, /a finished run cannot be resumed/);
  const twice = runsafeIn(dir, ['run', '--non-interactive', '--resume', seg1, path]);
  assert.equal(twice.code, 1);
  assert.match(twice.stdout, /was already resumed by .*_s2\.transcript\.jsonl/);
});

test('a changed runbook is not resumed: the refusal names the steps that differ', () => {
  const { dir, path } = workspace('changed', flaky);
  assert.equal(runsafeIn(dir, ['run', '--non-interactive', path]).code, 1);
  const [seg1] = transcripts(dir);
  writeFileSync(path, flaky.replace('echo x >> count-third.txt', 'echo y >> count-third.txt'));
  const r = runsafeIn(dir, ['run', '--non-interactive', '--resume', seg1!, path]);
  assert.equal(r.code, 1, r.out);
  assert.match(r.stdout, /the runbook changed since the run started .*: step:third changed/);
  assert.equal(count(dir, 'count-third.txt'), 0);
});

const parked = `runsafe: 1
id: grace
title: Rotation with a grace period
steps:
  - id: rotate
    title: Rotate
    run: echo x >> count-rotate.txt
  - id: grace
    title: Grace period
    wait: { for: 24h }
  - id: retire
    title: Retire the old version
    run: echo x >> count-retire.txt
`;

test('a 24 h wait parks the run; --resume is refused before its time, allowed after, and --now --reason is recorded', () => {
  const t0 = Date.parse('2026-06-01T10:00:00Z');
  const at = (h: number) => ({ RUNSAFE_TEST_NOW: new Date(t0 + h * 3_600_000).toISOString() });
  const { dir, path } = workspace('grace', parked);
  const a = runsafeIn(dir, ['run', '--non-interactive', '--park-waits', path], at(0));
  assert.equal(a.code, 3, a.out);
  assert.match(a.stdout, /Parked: resume after 2026-06-02T10:00:0\d/);
  const [seg1] = transcripts(dir);
  assert.ok(records(dir, seg1!).some((r) => r['type'] === 'parked' && r['stepId'] === 'grace'));

  const early = runsafeIn(dir, ['run', '--non-interactive', '--resume', seg1!, path], at(1));
  assert.equal(early.code, 1, early.out);
  assert.match(early.stdout, /parked at grace: 2[23]h[^;]* remain \(resume after 2026-06-02T10:00:0[^)]*\); .*--now --reason/);
  assert.equal(count(dir, 'count-retire.txt'), 0);
  const later = runsafeIn(dir, ['run', '--non-interactive', '--resume', seg1!, path], at(25));
  assert.equal(later.code, 0, later.out);
  assert.equal(count(dir, 'count-rotate.txt'), 1);
  assert.equal(count(dir, 'count-retire.txt'), 1);

  const b = workspace('grace', parked);
  assert.equal(runsafeIn(b.dir, ['run', '--non-interactive', '--park-waits', b.path], at(0)).code, 3);
  const [p1] = transcripts(b.dir);
  assert.equal(runsafeIn(b.dir, ['run', '--non-interactive', '--resume', p1!, '--now', b.path], at(2)).code, 2, '--now needs --reason');
  const now = runsafeIn(b.dir, ['run', '--non-interactive', '--resume', p1!, '--now', '--reason', 'old version already unused (checked the access logs)', b.path], at(2));
  assert.equal(now.code, 0, now.out);
  const [, p2] = transcripts(b.dir);
  const start = records(b.dir, p2!)[0]!;
  assert.equal((start['now'] as Record<string, unknown>)['reason'], 'old version already unused (checked the access logs)');
  assert.ok(records(b.dir, p2!).some((r) => r['type'] === 'step_end' && r['stepId'] === 'grace' && /cut short by --now/.test(String(r['detail']))));
});

const rotation = `runsafe: 1
id: rotate-secret
title: Rotate a secret
inputs:
  SOURCE_TOKEN: { secret: true, description: the current token }
steps:
  - id: mint
    title: Mint the new token
    run: echo x >> count-mint.txt; printf '%s' "$SOURCE_TOKEN" | tr a-f A-F
    capture: { into: NEW_TOKEN, secret: true }
  - id: deploy
    title: Deploy the new token
    secrets: [NEW_TOKEN]
    run: test -f marker && printf '%s' "$NEW_TOKEN" | sha256sum | cut -c1-64 > proof.txt
`;

/** Every file under `dir`, read as text: a secret in any encoding the masker knows changes it when masked. */
function leaks(dir: string, secret: string): string[] {
  const m = new Masker();
  m.add({ name: 'NEW_TOKEN', value: secret });
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const text = readFileSync(p, 'latin1');
        if (m.mask(text) !== text) out.push(p);
      }
    }
  };
  walk(dir);
  return out;
}

test('a secret capture survives a resume only through the encrypted state, and is on disk in no encoding', () => {
  const source = `tok-${randomBytes(12).toString('hex')}`;
  // Derived in the step (hex letters upper-cased): no piece of it is in the runbook.
  const secret = source.replace(/[a-f]/g, (c) => c.toUpperCase());
  const { dir, path } = workspace('rotate', rotation);
  const keyFile = join(dir, 'state.key');
  writeFileSync(keyFile, `${randomBytes(32).toString('hex')}\n`);
  chmodSync(keyFile, 0o600);
  const env = { SOURCE_TOKEN: source };
  const a = runsafeIn(dir, ['run', '--non-interactive', '--state-key-file', keyFile, path], env);
  assert.equal(a.code, 1, a.out);
  const [seg1] = transcripts(dir);
  assert.ok(existsSync(join(dir, `${seg1!}.state`)), 'the secret capture is kept encrypted beside the segment');
  writeFileSync(join(dir, 'marker'), '');

  // Without the key nobody can be asked: refused, with what to pass.
  const nokey = runsafeIn(dir, ['run', '--non-interactive', '--resume', seg1!, path], env);
  assert.equal(nokey.code, 1, nokey.out);
  assert.match(nokey.stdout, /NEW_TOKEN, captured secretly by mint earlier in this run, is needed .*--state-key-file or --state-key-env/);
  // A wrong key does not open it.
  const wrong = join(dir, 'wrong.key');
  writeFileSync(wrong, randomBytes(32).toString('hex'));
  chmodSync(wrong, 0o600);
  assert.match(runsafeIn(dir, ['run', '--non-interactive', '--state-key-file', wrong, '--resume', seg1!, path], env).stdout, /the state key does not open/);

  const b = runsafeIn(dir, ['run', '--non-interactive', '--state-key-file', keyFile, '--resume', seg1!, path], env);
  assert.equal(b.code, 0, b.out);
  assert.equal(count(dir, 'count-mint.txt'), 1, 'mint did not run again');
  assert.equal(readFileSync(join(dir, 'proof.txt'), 'utf8').trim(), createHash('sha256').update(secret).digest('hex'));
  assert.deepEqual(leaks(dir, secret), []);
});

test('a run whose runner was SIGKILLed mid-step is resumable', async () => {
  const { dir, path } = workspace('killed', `runsafe: 1
id: killed
title: Killed mid-step
steps:
  - id: before
    title: Before
    run: echo x >> count-before.txt
  - id: long
    title: Long step
    run: if [ -f marker ]; then echo done; else echo $$ > long.pid; sleep 60; fi
  - id: after
    title: After
    run: echo x >> count-after.txt
`);
  const child = spawn(process.execPath, [cliJs, 'run', '--non-interactive', path], { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: 'ignore' });
  for (let i = 0; i < 600 && !existsSync(join(dir, 'long.pid')); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(existsSync(join(dir, 'long.pid')), 'the long step started');
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGKILL');
  await exited;
  // The supervisor ends the step's group once the runner is gone.
  const pid = Number(readFileSync(join(dir, 'long.pid'), 'utf8'));
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 600 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
  writeFileSync(join(dir, 'marker'), '');
  const [seg1] = transcripts(dir);
  assert.equal(records(dir, seg1!).some((r) => r['type'] === 'run_end'), false, 'the killed segment is unterminated');
  const r = runsafeIn(dir, ['run', '--non-interactive', '--resume', seg1!, path]);
  assert.equal(r.code, 0, r.out);
  assert.match(r.stdout, /that run was killed/);
  assert.equal(count(dir, 'count-before.txt'), 1);
  assert.equal(count(dir, 'count-after.txt'), 1);
  const [, seg2] = transcripts(dir);
  assert.equal(runsafeIn(dir, ['verify', '--allow-unsigned', seg1!, seg2!]).code, 0);
});

test('a signed run resumes against --trust: its segments are signed and verify together; a segment by a key the store does not trust, or an edited one, is not resumed', () => {
  const { dir, path } = workspace('signed', flaky);
  const made = (name: string) => {
    const r = runsafeIn(dir, ['keygen', '--out', `${name}.key`, '--format', 'json']);
    assert.equal(r.code, 0, r.out);
    return (JSON.parse(r.stdout) as { public_key: string }).public_key;
  };
  const ops = made('ops');
  made('stranger');
  made('root');
  assert.equal(runsafeIn(dir, ['trust', 'init', 'trust.yaml', '--root-key', 'root.key']).code, 0);
  assert.equal(runsafeIn(dir, ['trust', 'add', 'trust.yaml', '--public-key', ops, '--name', 'ops', '--role', 'operator', '--root-key', 'root.key']).code, 0);

  // Segment 1 by a key the store does not hold: the resume refuses before running anything.
  const foreign = runsafeIn(dir, ['run', '--non-interactive', '-i', 'APP_ENV=prod', '--key', 'stranger.key', path]);
  assert.equal(foreign.code, 1, foreign.out);
  const [strangerSeg] = transcripts(dir);
  writeFileSync(join(dir, 'marker'), '');
  const refused = runsafeIn(dir, ['run', '--non-interactive', '--key', 'ops.key', '--trust', 'trust.yaml', '--resume', strangerSeg!, path]);
  assert.notEqual(refused.code, 0, refused.out);
  assert.match(refused.out, /resume: the transcript does not verify, so nothing in it is trusted: SIGNATURE_BREACH unknown_key/);
  assert.match(refused.out, /Result: refused/);
  assert.equal(count(dir, 'count-third.txt'), 0, 'a refused resume ran a step');
  assert.equal(transcripts(dir).length, 1, 'a refused resume wrote a segment');

  // The operator's own failed run, then its resume: both segments signed, verified whole against the store.
  rmSync(join(dir, 'marker'));
  const a = runsafeIn(dir, ['run', '--non-interactive', '-i', 'APP_ENV=prod', '--key', 'ops.key', '--trust', 'trust.yaml', path]);
  assert.equal(a.code, 1, a.out);
  const seg1 = transcripts(dir).find((f) => f !== strangerSeg)!;
  writeFileSync(join(dir, 'marker'), '');
  // An edited copy of that segment (the recorded input changed) is not resumed either.
  const edited = seg1.replace('.transcript.jsonl', '-edited.transcript.jsonl');
  writeFileSync(join(dir, edited), readFileSync(join(dir, seg1), 'utf8').replace('"prod"', '"dev"'));
  assert.notEqual(readFileSync(join(dir, edited), 'utf8'), readFileSync(join(dir, seg1), 'utf8'));
  const tampered = runsafeIn(dir, ['run', '--non-interactive', '--key', 'ops.key', '--trust', 'trust.yaml', '--resume', edited, path]);
  assert.notEqual(tampered.code, 0, tampered.out);
  assert.match(tampered.out, /resume: the transcript does not verify, so nothing in it is trusted: SIGNATURE_BREACH invalid_signature/);
  assert.equal(count(dir, 'count-third.txt'), 0, 'a resume of an edited segment ran a step');
  rmSync(join(dir, edited));
  const b = runsafeIn(dir, ['run', '--non-interactive', '--key', 'ops.key', '--trust', 'trust.yaml', '--resume', seg1, path]);
  assert.equal(b.code, 0, b.out);
  assert.equal(count(dir, 'count-first.txt'), 2, 'first ran once per run, not again on resume');
  const seg2 = transcripts(dir).find((f) => f !== strangerSeg && f !== seg1)!;
  assert.ok(seg2);
  const whole = runsafeIn(dir, ['verify', seg1, seg2, '--trust', 'trust.yaml']);
  assert.equal(whole.code, 0, whole.out);
  assert.equal(runsafeIn(dir, ['verify', seg2, '--trust', 'trust.yaml']).code === 0, false, 'a later segment alone verifies');
});

test('a secret whose fragment matches part of a step id does not rename the step in the transcript: the resume still skips it', () => {
  // The secret ends in "canonical" (FRAGMENT_LENGTH or more characters of its end are masked on their own), as a connection URL ending in its database name does.
  const { dir, path } = workspace(
    'fragment',
    `runsafe: 1
id: fragment
title: A step id that holds a secret's fragment
inputs:
  DB_URL: { secret: true }
steps:
  - id: restart-canonical-ingest
    title: A change that must not run twice
    run: echo x >> count-restart.txt
  - id: check
    title: Needs the marker
    run: test -f marker
`,
  );
  const env = { DB_URL: 'postgres://ops@db.invalid:5432/canonical' };
  const a = runsafeIn(dir, ['run', '--non-interactive', path], env);
  assert.equal(a.code, 1, a.out);
  const [seg1] = transcripts(dir);
  assert.ok(seg1);
  assert.ok(records(dir, seg1).some((r) => r.type === 'step_end' && r.stepId === 'restart-canonical-ingest' && r.state === 'passed'), 'the step id was masked in the transcript');
  writeFileSync(join(dir, 'marker'), '');
  const b = runsafeIn(dir, ['run', '--non-interactive', '--resume', seg1, path], env);
  assert.equal(b.code, 0, b.out);
  assert.equal(count(dir, 'count-restart.txt'), 1, 'the passed step ran again on resume');
  for (const t of transcripts(dir)) assert.ok(!readFileSync(join(dir, t), 'utf8').includes(env.DB_URL), 'the secret is in the transcript');
});
