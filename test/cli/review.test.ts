// `runsafe review` and `runsafe lint --baseline` as a reviewer's CI runs them: the bundled CLI on
// real git repositories with a base and a head commit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { parse as parseYaml } from 'yaml';

const root = resolve(__dirname, '../..');
const cli = join(root, 'client/out/cli.js');

function sh(cwd: string, cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** A fresh repository; `commit` writes files (null deletes) and returns the commit id. */
function repo() {
  const dir = mkdtempSync(join(tmpdir(), 'runsafe-review-'));
  sh(dir, 'git', ['init', '-q', '-b', 'main']);
  sh(dir, 'git', ['config', 'user.email', 'reviewer@example.com']);
  sh(dir, 'git', ['config', 'user.name', 'Reviewer']);
  return {
    dir,
    commit(files: Record<string, string | null>, message = 'change'): string {
      for (const [p, text] of Object.entries(files)) {
        if (text === null) sh(dir, 'git', ['rm', '-q', p]);
        else {
          mkdirSync(dirname(join(dir, p)), { recursive: true });
          writeFileSync(join(dir, p), text);
          sh(dir, 'git', ['add', p]);
        }
      }
      sh(dir, 'git', ['commit', '-q', '--allow-empty', '-m', message]);
      return sh(dir, 'git', ['rev-parse', 'HEAD']);
    },
  };
}

function runsafe(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', GITHUB_SERVER_URL: '', GITHUB_REPOSITORY: '', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function reviewJson(cwd: string, range: string, extra: string[] = []) {
  const r = runsafe(cwd, ['review', range, '--format', 'json', ...extra]);
  assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
  return { code: r.code, doc: JSON.parse(r.stdout) };
}

const base = `runsafe: 1
id: rotate
title: Rotate the API key
target: APP_ENV
inputs:
  APP_ENV: { enum: [staging, prod], default: staging }
  API_TOKEN: { secret: true, description: the new token }
steps:
  - section: Rotation
    id: rotation
    steps:
      - id: set-key
        title: Set the new key
        run: |
          heroku config:set "API_TOKEN=$API_TOKEN" -a "app-$APP_ENV" >/dev/null 2>&1
        confirm: true
        rollback: unset-key
      - id: check
        title: Check the key works
        run: curl -fsS "https://app-$APP_ENV.example.com/health"
        expect: { exit: 0, stdout: ok }
      - id: announce
        title: Announce
        manual: Tell the on-call channel the key was rotated.
rollback:
  - id: unset-key
    run: heroku config:unset API_TOKEN -a "app-$APP_ENV" >/dev/null 2>&1
`;

/** The same runbook, reformatted: other indentation, key order, quoting and block styles. */
const reformatted = `runsafe: 1
title: "Rotate the API key"
id: 'rotate'
target: APP_ENV
inputs:
    API_TOKEN:
        description: "the new token"
        secret: true
    APP_ENV:
        default: staging
        enum:
          - staging
          - prod
steps:
    - id: rotation
      section: Rotation
      steps:
        - title: Set the new key
          id: set-key
          rollback: unset-key
          confirm: true
          run: heroku config:set "API_TOKEN=$API_TOKEN" -a "app-$APP_ENV" >/dev/null 2>&1
        - id: check
          expect:
            stdout: ok
            exit: 0
          title: Check the key works
          run: >-
            curl -fsS "https://app-$APP_ENV.example.com/health"
        - id: announce
          title: 'Announce'
          manual: |
            Tell the on-call channel the key was rotated.
rollback:
    - run: 'heroku config:unset API_TOKEN -a "app-$APP_ENV" >/dev/null 2>&1'
      id: unset-key
`;

test('a pure reformatting (indentation, key order, quoting, block styles) changes nothing that runs', () => {
  const r = repo();
  const a = r.commit({ 'rotate.runbook.yaml': base });
  const b = r.commit({ 'rotate.runbook.yaml': reformatted });
  const { code, doc } = reviewJson(r.dir, `${a}..${b}`);
  assert.equal(code, 0);
  const rb = doc.runbooks[0];
  assert.equal(rb.behaviourChanged, false, JSON.stringify(rb, null, 2));
  assert.deepEqual(rb.steps, { added: [], removed: [], moved: [], changed: [] });
  assert.deepEqual([rb.inputs.added, rb.inputs.removed, rb.inputs.changed, rb.policy, rb.risk, rb.findings.new, rb.findings.resolved], [[], [], [], [], [], [], []]);
  const text = runsafe(r.dir, ['review', `${a}..${b}`]);
  assert.match(text.stdout, /rotate\.runbook\.yaml: modified · no change to what runs/);
});

test('each kind of change to what runs is reported: added, removed, reordered, changed fields, sections, inputs, policy', () => {
  const r = repo();
  const a = r.commit({ 'rotate.runbook.yaml': base });
  const head = base
    // changed command text, lost check
    .replace('run: curl -fsS "https://app-$APP_ENV.example.com/health"\n        expect: { exit: 0, stdout: ok }', 'run: curl -fsS "https://app-$APP_ENV.example.com/healthz"')
    // lost confirmation and rollback
    .replace('        confirm: true\n        rollback: unset-key\n', '        when: { input: APP_ENV, equals: prod }\n')
    // announce moves before check (reordered), a new step, a removed-then-renamed step id
    .replace(
      '      - id: check\n        title: Check the key works\n        run: curl -fsS "https://app-$APP_ENV.example.com/healthz"\n      - id: announce\n        title: Announce\n        manual: Tell the on-call channel the key was rotated.\n',
      '      - id: announce\n        title: Announce\n        manual: Tell the on-call channel the key was rotated.\n      - id: check\n        title: Check the key works\n        run: curl -fsS "https://app-$APP_ENV.example.com/healthz"\n      - id: wipe-cache\n        title: Wipe the cache\n        run: rm -rf /var/cache/app\n',
    )
    .replace('  - section: Rotation\n    id: rotation\n', '  - section: Rotation\n    id: rotation\n    kind: procedure\n')
    .replace('  API_TOKEN: { secret: true, description: the new token }\n', '  API_TOKEN: { secret: true, description: the new token }\n  REGION: { default: eu }\n')
    .replace('target: APP_ENV\n', 'target: APP_ENV\npolicy:\n  approvals: { required: 2 }\n');
  const b = r.commit({ 'rotate.runbook.yaml': head });
  const { code, doc } = reviewJson(r.dir, `${a}..${b}`);
  const rb = doc.runbooks[0];
  assert.equal(rb.behaviourChanged, true);
  assert.deepEqual(rb.steps.added.map((s: { key: string }) => s.key), ['steps:wipe-cache']);
  // announce and check swapped places: one move explains it.
  assert.equal(rb.steps.moved.length, 1);
  assert.ok(['steps:announce', 'steps:check'].includes(rb.steps.moved[0].key));
  const changed = Object.fromEntries(rb.steps.changed.map((c: { step: { key: string }; fields: { field: string }[] }) => [c.step.key, c.fields.map((f) => f.field)]));
  assert.deepEqual(changed['steps:set-key'], ['confirm', 'rollback', 'when']);
  assert.deepEqual(changed['steps:check'], ['expect', 'run']);
  const check = rb.steps.changed.find((c: { step: { key: string } }) => c.step.key === 'steps:check');
  assert.deepEqual(check.scripts[0].diff, { removed: ['curl -fsS "https://app-$APP_ENV.example.com/health"'], added: ['curl -fsS "https://app-$APP_ENV.example.com/healthz"'] });
  assert.deepEqual(rb.sections.changed, [{ section: 'rotation', fields: [{ field: 'kind', after: 'procedure' }] }]);
  assert.deepEqual(rb.inputs.added, ['REGION']);
  assert.deepEqual(
    rb.policy.map((p: { key: string; direction: string }) => [p.key, p.direction]),
    [['approvals.required', 'raised']],
  );
  const risks = rb.risk.map((x: { kind: string; step?: { key: string } }) => `${x.kind} ${x.step?.key ?? ''}`.trim());
  assert.deepEqual(risks.sort(), ['lost-check steps:check', 'lost-confirmation steps:set-key', 'lost-rollback steps:set-key', 'new-dangerous-step steps:wipe-cache'].sort());
  assert.ok(rb.findings.new.some((f: { code: string }) => f.code === 'destructive-unconfirmed'), JSON.stringify(rb.findings.new));
  assert.equal(rb.approvals.required, 2);
  assert.equal(code, 1, 'a new error-level finding fails the review');

  // A removed step, a step whose kind changed (run -> sql), a step moved to another section.
  const c = r.commit({
    'rotate.runbook.yaml': head
      .replace('      - id: wipe-cache\n        title: Wipe the cache\n        run: rm -rf /var/cache/app\n', '')
      .replace('        run: curl -fsS "https://app-$APP_ENV.example.com/healthz"\n', '        sql: SELECT 1\n')
      .replace('      - id: announce\n        title: Announce\n        manual: Tell the on-call channel the key was rotated.\n', '')
      .replace('rollback:\n  - id: unset-key', '  - section: Afterwards\n    steps:\n      - id: announce\n        title: Announce\n        manual: Tell the on-call channel the key was rotated.\nrollback:\n  - id: unset-key'),
  });
  const second = reviewJson(r.dir, `${b}..${c}`).doc.runbooks[0];
  assert.deepEqual(second.steps.removed.map((s: { key: string }) => s.key), ['steps:wipe-cache']);
  const kinds = second.steps.changed.find((x: { step: { key: string } }) => x.step.key === 'steps:check');
  assert.deepEqual(kinds.fields.map((f: { field: string }) => f.field), ['run', 'sql']);
  const movedAnnounce = second.steps.changed.find((x: { step: { key: string } }) => x.step.key === 'steps:announce');
  assert.deepEqual(movedAnnounce.movedSection, { from: ['rotation'], to: ['Afterwards'] });
  assert.deepEqual(second.sections.added, ['Afterwards']);
});

test('a secret that reaches a new step and an input that stops being secret are risks', () => {
  const r = repo();
  const a = r.commit({ 'rotate.runbook.yaml': base });
  const b = r.commit({
    'rotate.runbook.yaml': base
      .replace('  API_TOKEN: { secret: true, description: the new token }', '  API_TOKEN: { secret: true, description: the new token }\n  DEPLOY_KEY: { secret: true }\n  NOTE: { secret: true }')
      .replace('run: curl -fsS "https://app-$APP_ENV.example.com/health"', 'run: |\n          curl -fsS -H "Authorization: Bearer $API_TOKEN" "https://app-$APP_ENV.example.com/health"'),
  });
  const c = r.commit({ 'rotate.runbook.yaml': readFileSync(join(r.dir, 'rotate.runbook.yaml'), 'utf8').replace('  NOTE: { secret: true }', '  NOTE: { secret: false }') });
  const first = reviewJson(r.dir, `${a}..${b}`).doc.runbooks[0];
  assert.ok(first.risk.some((x: { kind: string; message: string }) => x.kind === 'secret-reach' && x.message.includes('$API_TOKEN') && x.message.includes('check')), JSON.stringify(first.risk));
  const second = reviewJson(r.dir, `${b}..${c}`).doc.runbooks[0];
  assert.deepEqual(second.risk.map((x: { kind: string }) => x.kind), ['input-no-longer-secret']);
});

test('lowering a policy fails the review: a runbook severity turned off, a workspace floor removed', () => {
  const r = repo();
  const a = r.commit({ 'rotate.runbook.yaml': base, '.runsafe.yaml': 'policy:\n  approvals: { required: 1 }\n  append_only_tables: [payments]\n' });
  const b = r.commit({ 'rotate.runbook.yaml': base.replace('target: APP_ENV\n', 'target: APP_ENV\npolicy:\n  severity: { secret-echo: "off" }\n') });
  const low = reviewJson(r.dir, `${a}..${b}`);
  assert.equal(low.code, 1);
  assert.deepEqual(low.doc.runbooks[0].policy.map((p: { key: string; direction: string }) => [p.key, p.direction]), [['severity.secret-echo', 'lowered']]);
  const c = r.commit({ '.runsafe.yaml': 'policy:\n  approvals: { required: 0 }\n' });
  const ws = reviewJson(r.dir, `${b}..${c}`);
  assert.equal(ws.code, 1);
  assert.deepEqual(ws.doc.runbooks, []);
  assert.deepEqual(ws.doc.workspace[0].changes.map((p: { key: string; direction: string }) => [p.key, p.direction]).sort(), [['append_only_tables', 'lowered'], ['approvals.required', 'lowered']]);
  const md = runsafe(r.dir, ['review', `${b}..${c}`, '--format', 'markdown']);
  assert.match(md.stdout, /\*\*workspace policy lowered: approvals required: 1 -> 0\*\*/);
  // A benign change passes: wording only.
  const d = r.commit({ 'rotate.runbook.yaml': readFileSync(join(r.dir, 'rotate.runbook.yaml'), 'utf8').replace('title: Announce', 'title: Announce it') });
  const ok = runsafe(r.dir, ['review', `${c}..${d}`]);
  assert.equal(ok.code, 0, ok.stdout);
  assert.match(ok.stdout, /no change to what runs \(wording only: step announce\)/);
});

test('approvals: the change invalidates the approvals of the base; the effective policy says how many head needs', () => {
  const r = repo();
  writeFileSync(join(r.dir, 'rotate.runbook.yaml'), base);
  // Key files must be private (the CLI refuses others' read access); a checkout leaves them 644.
  const key = join(r.dir, '..', `${r.dir.split('/').pop()}-approver.key`);
  writeFileSync(key, readFileSync(join(root, 'test/fixtures/keys/demo-approver.key')), { mode: 0o600 });
  const signed = runsafe(r.dir, ['sign', 'rotate.runbook.yaml', '--key', key]);
  assert.equal(signed.code, 0, signed.stderr + signed.stdout);
  const a = r.commit({ 'rotate.runbook.yaml': base, 'rotate.runbook.yaml.sig': readFileSync(join(r.dir, 'rotate.runbook.yaml.sig'), 'utf8'), '.runsafe.yaml': 'policy:\n  approvals: { required: 1 }\n' });
  const b = r.commit({ 'rotate.runbook.yaml': base.replace('rm -rf', 'rm -rf').replace('>/dev/null 2>&1\n        confirm', '>/dev/null 2>&1 # quietly\n        confirm') });
  const { doc } = reviewJson(r.dir, `${a}..${b}`);
  const ap = doc.runbooks[0].approvals;
  assert.equal(ap.invalidated, 1);
  assert.equal(ap.required, 1);
  assert.deepEqual(ap.headApprovedBy, []);
  assert.match(ap.summary, /invalidates 1 approval .*head needs 1 approval under the effective policy and has none/);
});

test('SARIF and GitHub annotations carry only findings new in head, with fingerprints that survive lines inserted above', () => {
  const r = repo();
  const old = base.replace('      - id: announce', '      - id: old-push\n        run: git push --force origin release\n        confirm: true\n      - id: announce');
  const a = r.commit({ 'rotate.runbook.yaml': old });
  const b = r.commit({ 'rotate.runbook.yaml': old.replace('      - id: announce', '      - id: wipe\n        run: rm -rf /srv/data\n      - id: announce') });
  const sarif = JSON.parse(runsafe(r.dir, ['review', `${a}..${b}`, '--format', 'sarif']).stdout);
  const results = sarif.runs[0].results;
  assert.deepEqual(results.map((x: { ruleId: string }) => x.ruleId), ['destructive-unconfirmed']);
  const fp = results[0].partialFingerprints['runsafe/v1'];
  assert.match(fp, /^[0-9a-f]{32}$/);
  const gh = runsafe(r.dir, ['review', `${a}..${b}`, '--format', 'github']);
  assert.equal(gh.stdout.trim().split('\n').length, 1);
  assert.match(gh.stdout, /^::error file=rotate\.runbook\.yaml,line=\d+.*destructive-unconfirmed/);

  // Unrelated lines above the finding: another input and a longer description. Same fingerprint, other line.
  const moved = readFileSync(join(r.dir, 'rotate.runbook.yaml'), 'utf8').replace('inputs:\n', 'description: |\n  Rotates the key.\n  Twice a year.\ninputs:\n  EXTRA: { default: x }\n');
  writeFileSync(join(r.dir, 'rotate.runbook.yaml'), moved);
  const before = JSON.parse(runsafe(r.dir, ['lint', '--format', 'sarif', 'rotate.runbook.yaml']).stdout).runs[0].results;
  const wipe = before.find((x: { ruleId: string }) => x.ruleId === 'destructive-unconfirmed');
  assert.equal(wipe.partialFingerprints['runsafe/v1'], fp);
  assert.notEqual(wipe.locations[0].physicalLocation.region.startLine, results[0].locations[0].physicalLocation.region.startLine);
});

test('lint --baseline hides known findings by fingerprint and still reports a new one', () => {
  const r = repo();
  const old = base.replace('      - id: announce', '      - id: old-push\n        run: git push --force origin release\n      - id: announce');
  writeFileSync(join(r.dir, 'rotate.runbook.yaml'), old);
  const w = runsafe(r.dir, ['lint', '--write-baseline', 'runsafe-baseline.json', '.']);
  assert.equal(w.code, 0, w.stderr);
  const known = JSON.parse(readFileSync(join(r.dir, 'runsafe-baseline.json'), 'utf8'));
  assert.ok(known.findings.length >= 1);
  const clean = runsafe(r.dir, ['lint', '--baseline', 'runsafe-baseline.json', '.']);
  assert.equal(clean.code, 0, clean.stdout);
  assert.match(clean.stdout, /known findings? in the baseline not shown/);
  // Lines inserted above move the old finding; a new one appears.
  writeFileSync(join(r.dir, 'rotate.runbook.yaml'), old.replace('inputs:\n', 'inputs:\n  EXTRA: { default: x }\n').replace('      - id: announce', '      - id: wipe\n        run: rm -rf /srv/data\n      - id: announce'));
  const fresh = runsafe(r.dir, ['lint', '--baseline', 'runsafe-baseline.json', '--format', 'json', '.']);
  const codes = JSON.parse(fresh.stdout).files.flatMap((f: { problems: { code: string }[] }) => f.problems.map((p) => p.code));
  assert.ok(!codes.includes('history-rewrite'), `the known finding stays hidden: ${codes}`);
  assert.deepEqual(codes, ['destructive-unconfirmed'], 'the new finding is reported, and only it');
  assert.equal(fresh.code, 1);
  // From another folder the same baseline still matches (paths are relative to the baseline file).
  mkdirSync(join(r.dir, 'sub'));
  const elsewhere = runsafe(join(r.dir, 'sub'), ['lint', '--baseline', '../runsafe-baseline.json', '--format', 'json', '..']);
  const codes2 = JSON.parse(elsewhere.stdout).files.flatMap((f: { problems: { code: string }[] }) => f.problems.map((p) => p.code));
  assert.deepEqual(codes2, codes);
  const missing = runsafe(r.dir, ['lint', '--baseline', 'nope.json', '.']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read the baseline nope\.json: no such file \(create one with --write-baseline\)/);
});

test('usage and I/O errors exit 2 with a clear message', () => {
  const r = repo();
  r.commit({ 'rotate.runbook.yaml': base });
  const cases: [string[], RegExp][] = [
    [['review', 'nosuchrev..HEAD'], /unknown revision 'nosuchrev'/],
    [['review'], /give a revision range/],
    [['review', '--base', 'rotate.runbook.yaml'], /--base and --head go together/],
    [['review', '--base', 'rotate.runbook.yaml', '--head', 'missing.runbook.yaml'], /cannot read missing\.runbook\.yaml: no such file/],
    [['review', 'HEAD', '--format', 'pdf'], /unknown format 'pdf'/],
  ];
  for (const [args, message] of cases) {
    const x = runsafe(r.dir, args);
    assert.equal(x.code, 2, `${args.join(' ')}: ${x.stdout}${x.stderr}`);
    assert.match(x.stderr, message);
    assert.doesNotMatch(x.stderr, /ENOENT|at .*\.js:\d+/);
  }
  const outside = mkdtempSync(join(tmpdir(), 'runsafe-not-a-repo-'));
  const x = runsafe(outside, ['review', 'main..HEAD']);
  assert.equal(x.code, 2);
  assert.match(x.stderr, /is not inside a git repository/);
});

test('two files: --base and --head compare without git', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runsafe-review-files-'));
  writeFileSync(join(dir, 'old.runbook.yaml'), base);
  writeFileSync(join(dir, 'new.runbook.yaml'), reformatted.replace('run: >-\n            curl', 'run: >-\n            curl -k'));
  const r = runsafe(dir, ['review', '--base', 'old.runbook.yaml', '--head', 'new.runbook.yaml', '--format', 'json']);
  const rb = JSON.parse(r.stdout).runbooks[0];
  assert.deepEqual(rb.steps.changed.map((c: { step: { key: string } }) => c.step.key), ['steps:check']);
  assert.ok(rb.findings.new.some((f: { code: string }) => f.code === 'disable-safety'), JSON.stringify(rb.findings.new));
});

test('the documented GitHub Actions workflow: its review step runs as written on a pull request', () => {
  const workflow = parseYaml(readFileSync(join(root, 'docs/ci/runsafe-review.yml'), 'utf8'));
  const step = workflow.jobs.review.steps.find((s: { id?: string }) => s.id === 'review');
  const r = repo();
  const a = r.commit({ 'rotate.runbook.yaml': base });
  sh(r.dir, 'git', ['checkout', '-q', '-b', 'feature']);
  const b = r.commit({ 'rotate.runbook.yaml': base.replace('      - id: announce', '      - id: wipe\n        run: rm -rf /srv/data\n      - id: announce') });
  const output = join(r.dir, 'github-output');
  writeFileSync(output, '');
  // `npx runsafe` resolves to the bundled CLI here, as it does in a repository with runsafe installed.
  const script = `npx() { shift; node ${JSON.stringify(cli)} "$@"; }\n${step.run}`;
  const run = spawnSync('bash', ['-e', '-c', script], { cwd: r.dir, encoding: 'utf8', env: { ...process.env, BASE: a, HEAD: b, GITHUB_OUTPUT: output, GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/runbooks' } });
  assert.equal(run.status, 0, run.stderr);
  assert.match(readFileSync(output, 'utf8'), /^exit=1$/m);
  const md = readFileSync(join(r.dir, 'runsafe-review.md'), 'utf8');
  assert.match(md, /new dangerous step wipe/);
  assert.match(md, new RegExp(`\\(https://github\\.com/acme/runbooks/blob/${b}/rotate\\.runbook\\.yaml#L\\d+\\)`));
  const sarif = JSON.parse(readFileSync(join(r.dir, 'runsafe-review.sarif'), 'utf8'));
  assert.deepEqual(sarif.runs[0].results.map((x: { ruleId: string }) => x.ruleId), ['destructive-unconfirmed']);
  assert.match(run.stdout, /^::error file=rotate\.runbook\.yaml/m);
});
