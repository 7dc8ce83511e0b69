// The failure-path bugs of issue 13, each driven from YAML through the planner and a real session (real processes, real transcript).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent, RunnerPrompts } from '../../client/src/runner/events';
import { runSession, type SessionOptions } from '../../client/src/runner/session';
import { cli, workspace } from './helpers';

/** Runs a runbook text through runSession; steps log what they did to ./log.txt (read back as `log()`). */
async function run(name: string, yaml: string, o: Partial<SessionOptions> & { prompts?: Partial<RunnerPrompts> } = {}) {
  const { dir, path } = workspace(name, yaml);
  const events: RunEvent[] = [];
  const { prompts, ...rest } = o;
  const host = { emit: (e: RunEvent) => void events.push(e), prompts: prompts as RunnerPrompts | undefined };
  const r = await runSession({ runbookPath: path, workspace: dir, host, env: { PATH: process.env.PATH }, ...rest });
  const log = () => (existsSync(join(dir, 'log.txt')) ? readFileSync(join(dir, 'log.txt'), 'utf8').split('\n').filter(Boolean) : []);
  const states = () => events.flatMap((e) => (e.type === 'step-state' && e.state !== 'running' && e.state !== 'pending' ? [`${e.stepId}:${e.state}`] : []));
  const detail = (id: string) => [...events].reverse().find((e) => e.type === 'step-state' && e.stepId === id && e.detail !== undefined && e.state !== 'running')?.['detail' as never] as string | undefined;
  return { r, dir, events, log, states, detail };
}

test('kind and group are apart: a rollback `sql:` goes to psql (not bash), a precondition wait really waits', async () => {
  const yaml = `runsafe: 1
id: kinds
title: Kinds
inputs:
  UNDO_DATABASE_URL: { secret: true, required: false }
steps:
  - id: change
    title: Change
    run: echo change >> log.txt; exit 1
    rollback: undo-sql
rollback:
  - id: undo-sql
    title: Undo in SQL
    database: UNDO_DATABASE_URL
    sql: |
      UPDATE settings SET v = 'old' WHERE k = 'x';
`;
  const a = await run('kinds', yaml, { onFailure: 'rollback' });
  assert.equal(a.r.status, 'failed');
  // Through the sql runner: it asks for the connection URL instead of handing the SQL to bash.
  assert.match(a.detail('undo-sql') ?? '', /sql step needs the connection URL in UNDO_DATABASE_URL/);

  const events: RunEvent[] = [];
  const { dir, path } = workspace('precondition-wait2', `runsafe: 1
id: pw2
title: Precondition wait
preconditions:
  - id: settle
    title: Let the cluster settle
    wait: { for: 1h }
steps:
  - id: after
    title: After
    run: echo after >> log.txt
`);
  const ctl = new AbortController();
  const r = await runSession({
    runbookPath: path,
    workspace: dir,
    env: {},
    signal: ctl.signal,
    host: {
      emit: (e) => {
        events.push(e);
        // The wait is under way (an hour to go): cancel it rather than wait the hour.
        if (e.type === 'progress' && e.stepId === 'settle') ctl.abort();
      },
    },
  });
  assert.equal(r.status, 'cancelled');
  assert.ok(events.some((e) => e.type === 'progress' && e.stepId === 'settle' && /waiting 1h more/.test(e.message)));
  assert.equal(existsSync(join(dir, 'log.txt')), false);
});

test("a rollback's `when` holds: the AWS rollback does not run for the vault backend", async () => {
  const a = await run('rollback-when', `runsafe: 1
id: rbw
title: Rollback when
inputs:
  SECRETS_BACKEND: { enum: [vault, aws] }
steps:
  - id: rotate
    title: Rotate
    run: echo rotate >> log.txt; exit 1
    rollback: [restore-aws, restore-vault]
rollback:
  - id: restore-aws
    title: Restore in AWS
    when: { input: SECRETS_BACKEND, equals: aws }
    run: echo aws secretsmanager update-secret >> log.txt
  - id: restore-vault
    title: Restore in vault
    when: { input: SECRETS_BACKEND, equals: vault }
    run: echo vault kv rollback >> log.txt
`, { inputFlags: ['SECRETS_BACKEND=vault'], onFailure: 'rollback' });
  assert.equal(a.r.status, 'failed');
  assert.deepEqual(a.log(), ['rotate', 'vault kv rollback']);
  assert.ok(a.states().includes('restore-aws:skipped'));
});

const routes = `runsafe: 1
id: routes
title: Two routes
steps:
  - id: route-a
    title: Quarantine route A
    when: "Does unknown_key dominate?"
    confirm: true
    run: echo route-a >> log.txt
  - id: route-b
    title: Quarantine route B
    when: "Does bad_signature dominate?"
    confirm: true
    run: echo route-b >> log.txt
`;

test('--confirm answers only typed confirmations; questions take --answer, checked before anything runs', async () => {
  const refused = await run('confirm-not-answer', routes, { confirm: ['route-a', 'route-b'] });
  assert.equal(refused.r.status, 'refused');
  assert.deepEqual(refused.log(), []);
  const gate = refused.events.find((e) => e.type === 'gate' && !e.ok);
  assert.match(gate && gate.type === 'gate' ? gate.message : '', /step route-a asks "Does unknown_key dominate\?": pass --answer route-a=yes or --answer route-a=no/);
  const one = await run('answer', routes, { confirm: ['route-a', 'route-b'], answer: ['route-a=yes', 'route-b=no'] });
  assert.equal(one.r.status, 'passed');
  assert.deepEqual(one.log(), ['route-a']);
  assert.ok(one.events.some((e) => e.type === 'condition' && e.stepId === 'route-a' && e.holds && e.by === 'flag'));
  // Through the CLI: an unknown name is refused, and the answers are recorded in the transcript.
  const { dir, path } = workspace('answer-cli', routes);
  const bad = await cli(['run', path, '--answer', 'nope=yes'], dir);
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /--answer nope: no step or section of that name/);
  const ok = await cli(['run', path, '--confirm', 'route-b', '--answer', 'route-a=no', '--answer', 'route-b=yes'], dir);
  assert.equal(ok.status, 0, ok.stdout);
  assert.deepEqual(readFileSync(join(dir, 'log.txt'), 'utf8').trim().split('\n'), ['route-b']);
});

test('a manual step confirmed in advance is recorded as such, not as watched and passed', async () => {
  const a = await run('manual-advance', `runsafe: 1
id: man
title: Manual
steps:
  - id: page-oncall
    title: Page the on-call
    manual: Page the on-call engineer and wait for an acknowledgement.
  - id: after
    title: After
    run: echo after >> log.txt
`, { confirm: ['page-oncall'] });
  assert.equal(a.r.status, 'passed');
  assert.equal(a.detail('page-oncall'), 'confirmed in advance by --confirm (not watched by the runner)');
  assert.ok(a.events.some((e) => e.type === 'manual' && e.stepId === 'page-oncall' && e.by === 'flag'));
  const transcript = readFileSync(a.r.transcriptPath!, 'utf8');
  assert.match(transcript, /confirmed in advance by --confirm/);
});

const sections = `runsafe: 1
id: sections
title: Sections
steps:
  - id: main
    title: Main
    run: echo main >> log.txt
  - section: Triage a failed integrity check
    id: triage
    kind: troubleshooting
    steps:
      - id: triage-1
        title: Look at the quarantine
        run: echo triage-1 >> log.txt
      - id: triage-2
        title: Count reasons
        run: echo triage-2 >> log.txt
  - section: Variant for GCP
    kind: variant
    steps:
      - id: gcp
        title: GCP only
        run: echo gcp >> log.txt
`;

test('troubleshooting, incident and variant sections run only when chosen: --section, or asked once on a terminal', async () => {
  const plain = await run('sections', sections);
  assert.equal(plain.r.status, 'passed');
  assert.deepEqual(plain.log(), ['main']);
  assert.match(plain.detail('triage-1') ?? '', /the troubleshooting section "Triage a failed integrity check" was not chosen \(runsafe run --section "triage"\)/);
  const chosen = await run('sections-chosen', sections, { section: ['triage'] });
  assert.deepEqual(chosen.log(), ['main', 'triage-1', 'triage-2']);
  const byTitle = await run('sections-title', sections, { section: ['Variant for GCP'] });
  assert.deepEqual(byTitle.log(), ['main', 'gcp']);
  const asked: string[] = [];
  const interactive = await run('sections-asked', sections, { prompts: { question: async (q) => (asked.push(q.text), q.text.includes('Triage')) } });
  assert.deepEqual(interactive.log(), ['main', 'triage-1', 'triage-2']);
  assert.deepEqual(asked, ['Run the troubleshooting section "Triage a failed integrity check"?', 'Run the variant section "Variant for GCP"?']);
  const unknown = await run('sections-unknown', sections, { section: ['nope'] });
  assert.equal(unknown.r.status, 'refused');
  assert.deepEqual(unknown.log(), []);
});

test('a run nobody can answer is refused before its first step: manual steps, confirmations and questions alike', async () => {
  const a = await run('up-front', `runsafe: 1
id: upfront
title: Up front
inputs:
  MODE: { enum: [fast, careful], default: fast }
steps:
  - id: first
    title: Changes something
    run: echo first >> log.txt
  - id: careful-only
    title: Only in careful mode
    when: { input: MODE, equals: careful }
    confirm: true
    run: echo careful >> log.txt
  - id: check
    title: Look
    manual: Look at the dashboard.
  - id: ask
    title: Restart
    when: Restart the workers?
    run: echo restart >> log.txt
`);
  assert.equal(a.r.status, 'refused');
  assert.deepEqual(a.log(), []);
  const gate = a.events.find((e) => e.type === 'gate' && !e.ok);
  const message = gate && gate.type === 'gate' ? gate.message : '';
  assert.match(message, /step check is manual: do it first, then pass --confirm check/);
  assert.match(message, /step ask asks "Restart the workers\?": pass --answer ask=yes or --answer ask=no/);
  // careful-only cannot run with MODE=fast, so it needs nothing.
  assert.doesNotMatch(message, /careful-only/);
  assert.equal(a.r.transcriptPath, undefined);
});

const cleanup = `runsafe: 1
id: cleanup
title: Cleanup on refusal
target: APP_ENV
inputs:
  APP_ENV: { default: staging }
steps:
  - id: scratch
    title: Make scratch
    run: echo scratch >> log.txt
    rollback: remove-scratch
  - id: danger
    title: Dangerous
    confirm: true
    run: echo danger >> log.txt
rollback:
  - id: remove-scratch
    title: Remove scratch
    run: echo removed >> log.txt
`;

test('a refused confirmation or a cancel at a prompt offers the rollbacks of what already ran', async () => {
  const offered: string[] = [];
  const rollback = async (req: { rollbacks: string[] }) => (offered.push(...req.rollbacks), 'run' as const);
  const mistyped = await run('refuse-rollback', cleanup, { prompts: { input: async () => '', confirmTarget: async () => 'stagign', rollback } });
  assert.equal(mistyped.r.status, 'refused');
  assert.deepEqual(mistyped.log(), ['scratch', 'removed']);
  assert.deepEqual(offered, ['remove-scratch']);
  offered.length = 0;
  const ctrlC = await run('cancel-rollback', cleanup, { prompts: { input: async () => '', confirmTarget: async () => undefined, rollback } });
  assert.equal(ctrlC.r.status, 'cancelled');
  assert.deepEqual(ctrlC.log(), ['scratch', 'removed']);
  assert.deepEqual(offered, ['remove-scratch']);
  assert.ok(ctrlC.states().includes('danger:cancelled'));
});

test('a cancel while a step runs offers rollbacks; without a terminal --on-failure rollback runs them', async () => {
  const yaml = `runsafe: 1
id: cancel
title: Cancel
steps:
  - id: scratch
    title: Make scratch
    run: echo scratch >> log.txt
    rollback: remove-scratch
  - id: slow
    title: Slow
    run: echo slow; sleep 30
rollback:
  - id: remove-scratch
    title: Remove scratch
    run: echo removed >> log.txt
`;
  const ctl = new AbortController();
  const { dir, path } = workspace('cancel-running', yaml);
  const events: RunEvent[] = [];
  const r = await runSession({
    runbookPath: path,
    workspace: dir,
    env: { PATH: process.env.PATH },
    onFailure: 'rollback',
    signal: ctl.signal,
    host: { emit: (e) => (events.push(e), e.type === 'output' && e.stepId === 'slow' && ctl.abort()) },
  });
  assert.equal(r.status, 'cancelled');
  assert.deepEqual(readFileSync(join(dir, 'log.txt'), 'utf8').trim().split('\n'), ['scratch', 'removed']);
  assert.ok(events.some((e) => e.type === 'rollback-choice' && e.stepId === 'remove-scratch' && e.choice === 'run' && e.by === 'policy'));
});

test('prompts forgive: a bad answer is asked again; Ctrl+C at any prompt cancels the run', async () => {
  const yaml = `runsafe: 1
id: prompts
title: Prompts
inputs:
  APP_ENV: { enum: [staging, prod] }
  REPLICAS: { type: integer }
  TOKEN: { secret: true }
steps:
  - id: use
    title: Use
    run: echo "$APP_ENV $REPLICAS" >> log.txt
  - id: ask
    title: Ask
    when: Go on?
    run: echo asked >> log.txt
`;
  const answers: Record<string, string[]> = { APP_ENV: ['prdo', 'prod'], REPLICAS: ['three', '3'], TOKEN: ['short', 'a-long-enough-token'] };
  const asked: string[] = [];
  const ok = await run('prompts', yaml, {
    prompts: { input: async (req) => (asked.push(req.name), answers[req.name]!.shift()), question: async () => true },
  });
  assert.equal(ok.r.status, 'passed');
  assert.deepEqual(asked, ['APP_ENV', 'APP_ENV', 'REPLICAS', 'REPLICAS', 'TOKEN', 'TOKEN']);
  assert.deepEqual(ok.log(), ['prod 3', 'asked']);
  const errors = ok.events.flatMap((e) => (e.type === 'message' && e.level === 'error' ? [e.text] : []));
  assert.equal(errors.length, 3);
  assert.ok(errors.every((t) => t.includes('try again')));
  assert.ok(!errors.join('\n').includes('short'), 'a rejected secret is never repeated');

  const askedAfterCancel: string[] = [];
  const cancelled = await run('prompts-cancel', yaml, { prompts: { input: async (req) => (askedAfterCancel.push(req.name), undefined) } });
  assert.equal(cancelled.r.status, 'cancelled');
  assert.deepEqual(askedAfterCancel, ['APP_ENV']);
  assert.deepEqual(cancelled.log(), []);

  const atQuestion = await run('prompts-question', yaml, {
    prompts: { input: async (req) => ({ APP_ENV: 'prod', REPLICAS: '2', TOKEN: 'a-long-enough-token' })[req.name], question: async () => undefined },
  });
  assert.equal(atQuestion.r.status, 'cancelled');
  assert.deepEqual(atQuestion.log(), ['prod 2']);
});
