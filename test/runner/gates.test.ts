// Issue 12 cases 1, 2 and 5 through `runsafe run`: the workspace policy is a floor, confirmation comes from effects, steps get a clean environment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, transcriptOf, workspace } from './helpers';

const loosening = `runsafe: 1
id: loosen
title: Switches off its own gates
inputs:
  DB_PASSWORD: { secret: true, description: Database password }
policy:
  severity: { secret-echo: off, destructive-unconfirmed: off, history-rewrite: off }
steps:
  - id: leak
    title: Print the secret reversed
    run: echo "$DB_PASSWORD" | rev
  - id: wipe
    title: Wipe and force-push
    run: rm -rf ./scratch && git push --force origin main
`;

test('case 1: a runbook cannot switch off secret-echo, destructive-unconfirmed or history-rewrite below the workspace floor', async () => {
  for (const ws of [undefined, 'severity:\n  secret-echo: error\n  destructive-unconfirmed: error\n  history-rewrite: error\n']) {
    const { dir, path } = workspace('loosen', loosening);
    if (ws) writeFileSync(join(dir, '.runsafe.yaml'), ws);
    mkdirSync(join(dir, 'scratch'));
    const r = await cli(['run', '--non-interactive', path], dir, { DB_PASSWORD: 'hunter2-very-secret' });
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stdout, /✗ lint: \d+ error\(s\)/);
    assert.match(r.stdout, /secret-echo/);
    assert.match(r.stdout, /destructive-unconfirmed/);
    assert.ok(!r.stdout.includes('terces-yrev-2retnuh'), 'the reversed secret was printed');
    assert.equal(existsSync(join(dir, 'scratch')), true, 'the destructive step ran');
    const lint = await cli(['lint', path], dir);
    assert.match(lint.stdout, /policy-loosened/);
  }
});

const suppressed = `runsafe: 1
id: suppressed
title: Suppresses the finding
steps:
  - id: wipe
    title: Wipe scratch
    # runsafe-ignore destructive-unconfirmed: scratch space only
    run: rm -rf ./scratch
`;

test('case 1: a runsafe-ignore comment accepts the finding but never removes the confirmation; a locked rule cannot be suppressed', async () => {
  const { dir, path } = workspace('suppressed', suppressed);
  mkdirSync(join(dir, 'scratch'));
  const refused = await cli(['run', '--non-interactive', path], dir);
  assert.equal(refused.status, 1, refused.stdout);
  assert.match(refused.stdout, /✓ lint: no errors/);
  assert.match(refused.stdout, /step wipe needs confirmation \(flagged by destructive-unconfirmed\)[;:] pass --confirm wipe/);
  assert.equal(existsSync(join(dir, 'scratch')), true);
  const confirmed = await cli(['run', '--non-interactive', '--confirm', 'wipe', path], dir);
  assert.equal(confirmed.status, 0, confirmed.stdout);
  assert.equal(existsSync(join(dir, 'scratch')), false);

  // A workspace that locks the rule: the comment suppresses nothing and the lint gate refuses.
  writeFileSync(join(dir, '.runsafe.yaml'), 'policy:\n  locked: [destructive-unconfirmed]\n');
  mkdirSync(join(dir, 'scratch'));
  const locked = await cli(['run', '--non-interactive', '--confirm', 'wipe', path], dir);
  assert.equal(locked.status, 1, locked.stdout);
  assert.match(locked.stdout, /✗ lint: 1 error\(s\)[^]*destructive-unconfirmed/);
  assert.equal(existsSync(join(dir, 'scratch')), true);
  const lint = await cli(['lint', path], dir);
  assert.match(lint.stdout, /the workspace locks this rule/);
});

test('case 1: `confirm: { required: false, reason }` runs a destructive step unasked, and the plan and transcript say why; without a reason it is refused', async () => {
  const text = `runsafe: 1
id: waived
title: Waived confirmation
steps:
  - id: wipe
    title: Wipe scratch
    confirm: { required: false, reason: "scratch space recreated by every build" }
    run: rm -rf ./scratch
`;
  const { dir, path } = workspace('waived', text);
  mkdirSync(join(dir, 'scratch'));
  const plan = await cli(['run', '--dry-run', path], dir);
  assert.match(plan.stdout, /runs WITHOUT confirmation \(confirm\.required: false\): scratch space recreated by every build/);
  assert.match(plan.stdout, /No step needs confirmation/);
  const r = await cli(['run', '--non-interactive', path], dir);
  assert.equal(r.status, 0, r.stdout);
  assert.equal(existsSync(join(dir, 'scratch')), false);
  const transcript = readFileSync(transcriptOf(r.stdout, dir), 'utf8');
  assert.match(transcript, /wipe runs without confirmation \(confirm\.required: false\): scratch space recreated by every build/);

  writeFileSync(path, text.replace(', reason: "scratch space recreated by every build"', ''));
  mkdirSync(join(dir, 'scratch'));
  const bare = await cli(['run', '--non-interactive', path], dir);
  assert.equal(bare.status, 1, bare.stdout);
  assert.match(bare.stdout, /✗ lint/);
  assert.equal(existsSync(join(dir, 'scratch')), true);
});

test('case 2: the workspace approval requirement holds for a runbook without policy or with approvals.required 0; unapproved runs say so', async () => {
  const body = (policy: string) => `runsafe: 1\nid: appr\ntitle: Approval\n${policy}steps:\n  - id: touch\n    title: Touch\n    run: echo ran > ran.txt\n`;
  for (const policy of ['', 'policy:\n  approvals: { required: 0 }\n']) {
    const { dir, path } = workspace('appr', body(policy));
    writeFileSync(join(dir, '.runsafe.yaml'), 'policy:\n  approvals: { required: 1 }\n');
    const r = await cli(['run', '--non-interactive', path], dir);
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stdout, /✗ approval: the policy requires 1 approval\(s\)/);
    assert.equal(existsSync(join(dir, 'ran.txt')), false);
  }
  const { dir, path } = workspace('appr', body(''));
  const free = await cli(['run', '--non-interactive', path], dir);
  assert.equal(free.status, 0, free.stdout);
  assert.match(free.stdout, /✓ approval: not approved \(no appr\.runbook\.yaml\.sig; the policy requires none\)/);
});

test('case 5: a step sees none of the operator variables (GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY, BASH_ENV) unless passed through; secrets reach only the steps that use them', async () => {
  const { dir, path } = workspace('cleanenv', `runsafe: 1
id: cleanenv
title: Clean environment
inputs:
  DB_PASSWORD: { secret: true, description: Database password }
steps:
  - id: use
    title: Uses the password
    run: test -n "$DB_PASSWORD" && echo uses-it
  - id: dump
    title: An unrelated program
    run: printenv > env.txt
  - id: declared
    title: A script that reads the secret itself
    secrets: [DB_PASSWORD]
    run: printenv | cut -d= -f1 > declared.txt
`);
  const bashEnv = join(dir, 'bash-env.sh');
  writeFileSync(bashEnv, `touch ${join(dir, 'sourced')}\n`);
  const planted = { GITHUB_TOKEN: 'ghp_plantedplantedplanted', AWS_SECRET_ACCESS_KEY: 'aws-planted-secret-key', BASH_ENV: bashEnv, ENV: bashEnv, MY_REGION: 'eu-west-3', DB_PASSWORD: 'hunter2-very-secret' };
  const r = await cli(['run', '--non-interactive', path], dir, planted);
  assert.equal(r.status, 0, r.stdout);
  assert.match(r.stdout, /uses-it/);
  const env = readFileSync(join(dir, 'env.txt'), 'utf8');
  for (const name of ['GITHUB_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'BASH_ENV', 'MY_REGION', 'DB_PASSWORD']) assert.ok(!new RegExp(`^${name}=`, 'm').test(env), `${name} reached the step`);
  assert.match(env, /^PATH=/m);
  assert.match(env, /^HOME=/m);
  assert.equal(existsSync(join(dir, 'sourced')), false, 'BASH_ENV was sourced');
  assert.match(readFileSync(join(dir, 'declared.txt'), 'utf8'), /^DB_PASSWORD$/m);

  // The workspace may pass named variables through; shell start-up variables never pass.
  writeFileSync(join(dir, '.runsafe.yaml'), 'policy:\n  env_passthrough: [MY_REGION, BASH_ENV]\n');
  const passed = await cli(['run', '--non-interactive', path], dir, planted);
  assert.equal(passed.status, 0, passed.stdout);
  const env2 = readFileSync(join(dir, 'env.txt'), 'utf8');
  assert.match(env2, /^MY_REGION=eu-west-3$/m);
  assert.ok(!/^BASH_ENV=/m.test(env2) && !/^GITHUB_TOKEN=/m.test(env2));
  assert.equal(existsSync(join(dir, 'sourced')), false);
});
