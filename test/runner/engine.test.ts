// The engine over real processes: success, failure + rollback choices, retry, wait, captures, confirmation, injection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executePlan } from '../../client/src/runner/engine';
import { Masker } from '../../client/src/runner/masker';
import type { Plan, PlanStep } from '../../client/src/runner/plan-types';
import type { RunEvent, RunnerPrompts } from '../../client/src/runner/events';

const dir = mkdtempSync(join(tmpdir(), 'runsafe-engine-'));

function step(id: string, fields: Partial<PlanStep> = {}): PlanStep {
  return { id, title: id, kind: 'run', group: 'step', needs: [], rollback: [], ...fields };
}

function plan(steps: PlanStep[], extra: Partial<Plan> = {}): Plan {
  return { runbook: { id: 't', title: 'T', path: 't.runbook.yaml', sha256: '0'.repeat(64) }, inputs: [], preconditions: [], steps, rollbacks: [], sections: [], problems: [], ...extra };
}

function recorder(prompts?: Partial<RunnerPrompts>) {
  const events: RunEvent[] = [];
  const host = { emit: (e: RunEvent): void => void events.push(e), prompts: prompts as RunnerPrompts | undefined };
  const states = () => events.filter((e) => e.type === 'step-state' && e.state !== 'running' && e.state !== 'pending').map((e) => (e.type === 'step-state' ? `${e.stepId}:${e.state}` : ''));
  const output = () => events.map((e) => (e.type === 'output' ? e.text : '')).join('');
  return { events, host, states, output };
}

const inputs = (o: Record<string, string>, secret: string[] = []) => new Map(Object.entries(o).map(([k, v]) => [k, { value: v, secret: secret.includes(k) }]));

test('success: steps run in order with inputs as environment variables, checks pass, summary lists them', async () => {
  const r = recorder();
  const out = await executePlan(
    plan([step('a', { run: 'echo "env=$APP_ENV"', expect: { stdout: { contains: 'env=staging' } } }), step('b', { run: 'echo \'{"status":"ok"}\'', expect: { json: { status: 'ok' } }, needs: ['a'] })]),
    { host: r.host, cwd: dir, inputs: inputs({ APP_ENV: 'staging' }), masker: new Masker() },
  );
  assert.equal(out.status, 'passed');
  assert.deepEqual(r.states(), ['a:passed', 'b:passed']);
  assert.deepEqual(out.summary.map((s) => [s.id, s.state, s.attempts]), [['a', 'passed', 1], ['b', 'passed', 1]]);
});

test('injection: input values are data, never shell code', async () => {
  const marker1 = join(dir, 'pwned1');
  const marker2 = join(dir, 'pwned2');
  const r = recorder();
  const evil = `staging; touch ${marker1}`;
  const evil2 = `$(touch ${marker2})\`touch ${marker2}\``;
  const out = await executePlan(plan([step('use', { run: 'echo "deploying to $APP_ENV"; echo "$NOTE"; test -n "$APP_ENV"' })]), {
    host: r.host,
    cwd: dir,
    inputs: inputs({ APP_ENV: evil, NOTE: evil2 }),
    masker: new Masker(),
  });
  assert.equal(out.status, 'passed');
  assert.ok(r.output().includes(`deploying to ${evil}`));
  assert.equal(existsSync(marker1), false);
  assert.equal(existsSync(marker2), false);
});

test('failure stops the run and offers rollbacks: failed step first, then earlier ones; every choice recorded', async () => {
  const log = join(dir, 'rollback.log');
  const steps = [
    step('one', { run: `echo one >> ${log}`, rollback: ['undo-one'] }),
    step('two', { run: `echo two >> ${log}; exit 3`, rollback: ['undo-two'] }),
    step('three', { run: `echo three >> ${log}` }),
  ];
  const rollbacks = [step('undo-one', { group: 'rollback', run: `echo undo-one >> ${log}` }), step('undo-two', { group: 'rollback', run: `echo undo-two >> ${log}` })];
  const asked: string[] = [];
  const r = recorder({ rollback: async (req) => (asked.push(req.rollbacks[0]!), req.rollbacks[0] === 'undo-two' ? 'skip' : 'run') });
  const out = await executePlan(plan(steps, { rollbacks }), { host: r.host, cwd: dir, inputs: new Map(), masker: new Masker() });
  assert.equal(out.status, 'failed');
  assert.deepEqual(asked, ['undo-two', 'undo-one']);
  assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), ['one', 'two', 'undo-one']);
  assert.deepEqual(r.events.filter((e) => e.type === 'rollback-choice').map((e) => (e.type === 'rollback-choice' ? [e.stepId, e.choice, e.by] : [])), [['undo-two', 'skip', 'operator'], ['undo-one', 'run', 'operator']]);
  assert.deepEqual(r.states(), ['one:passed', 'two:failed', 'undo-two:skipped', 'undo-one:passed']);
  const failed = out.summary.find((s) => s.id === 'two')!;
  assert.match(failed.detail!, /expected exit 0, got 3/);
  assert.equal(out.summary.find((s) => s.id === 'three')!.state, 'pending');
  // Abort stops offering further rollbacks; non-interactive default is to skip them, recorded as policy.
  const r2 = recorder({ rollback: async () => 'abort' });
  await executePlan(plan(steps, { rollbacks }), { host: r2.host, cwd: dir, inputs: new Map(), masker: new Masker() });
  assert.deepEqual(r2.events.filter((e) => e.type === 'rollback-choice').map((e) => (e.type === 'rollback-choice' ? e.choice : '')), ['abort']);
  const r3 = recorder();
  await executePlan(plan(steps, { rollbacks }), { host: r3.host, cwd: dir, inputs: new Map(), masker: new Masker() });
  assert.deepEqual(r3.events.filter((e) => e.type === 'rollback-choice').map((e) => (e.type === 'rollback-choice' ? `${e.choice}/${e.by}` : '')), ['skip/policy', 'skip/policy']);
});

test('retry: a flaky step passes on its third attempt; retries are reported', async () => {
  const counter = join(dir, 'count');
  const r = recorder();
  const out = await executePlan(plan([step('flaky', { run: `n=$(cat ${counter} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${counter}; echo "try $n"; [ $n -ge 3 ]`, retry: { attempts: 5, delayMs: 10 } })]), {
    host: r.host,
    cwd: dir,
    inputs: new Map(),
    masker: new Masker(),
  });
  assert.equal(out.status, 'passed');
  assert.equal(out.summary[0]!.attempts, 3);
  assert.deepEqual(r.events.filter((e) => e.type === 'retry').map((e) => (e.type === 'retry' ? e.attempt : 0)), [2, 3]);
});

test('wait: polls until the condition holds, with progress; a deadline fails the step', async () => {
  const counter = join(dir, 'wait-count');
  const r = recorder();
  const probe = `n=$(cat ${counter} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${counter}; if [ $n -ge 3 ]; then echo status=ready; else echo status=pending; fi`;
  const out = await executePlan(plan([step('ready', { kind: 'wait', run: probe, expect: { stdout: { contains: 'status=ready' } }, wait: { everyMs: 10, timeoutMs: 60_000 } })]), {
    host: r.host,
    cwd: dir,
    inputs: new Map(),
    masker: new Masker(),
  });
  assert.equal(out.status, 'passed');
  assert.equal(r.events.filter((e) => e.type === 'progress').length, 3);
  const r2 = recorder();
  const late = await executePlan(plan([step('never', { kind: 'wait', run: 'echo status=pending', expect: { stdout: { contains: 'status=ready' } }, wait: { everyMs: 20, timeoutMs: 100 } })]), {
    host: r2.host,
    cwd: dir,
    inputs: new Map(),
    masker: new Masker(),
  });
  assert.equal(late.status, 'failed');
  assert.equal(late.summary[0]!.state, 'timed-out');
  assert.match(late.summary[0]!.detail!, /not met within/);
});

test('timeout fails the step; secret captures are masked in later output; short captured secrets fail', async () => {
  const r = recorder();
  const out = await executePlan(
    plan([
      step('gen', { run: 'echo "s3cr3t-seed-$(id -u)-abcdef"', capture: { into: 'NEW_SEED', secret: true, from: 'stdout', trim: true } }),
      step('use', { run: 'echo "seed is $NEW_SEED"; printf %s "$NEW_SEED" | base64' }),
      step('slow', { run: 'sleep 30', timeoutMs: 200 }),
    ]),
    { host: r.host, cwd: dir, inputs: new Map(), masker: new Masker(), graceMs: 100 },
  );
  assert.equal(out.status, 'failed');
  assert.deepEqual(r.states(), ['gen:passed', 'use:passed', 'slow:timed-out']);
  const seed = `s3cr3t-seed-${process.getuid!()}-abcdef`;
  const all = JSON.stringify(r.events);
  assert.ok(!all.includes(seed) && !all.includes(Buffer.from(seed).toString('base64').slice(0, 20)), 'captured secret never in events');
  assert.match(r.output(), /seed is \*\*\*\n\*\*\*/);
  const r2 = recorder();
  const short = await executePlan(plan([step('gen', { run: 'echo abc', capture: { into: 'PIN', secret: true, from: 'stdout', trim: true } })]), { host: r2.host, cwd: dir, inputs: new Map(), masker: new Masker() });
  assert.equal(short.status, 'failed');
  assert.match(short.summary[0]!.detail!, /PIN is 3 characters long/);
});

test('confirmation: non-interactive fails closed unless --confirm; typed target is the environment input', async () => {
  const marker = join(dir, 'confirmed');
  const steps = [step('danger', { run: `touch ${marker}`, confirm: { why: 'declared confirm' } })];
  const r = recorder();
  const refused = await executePlan(plan(steps), { host: r.host, cwd: dir, inputs: inputs({ APP_ENV: 'prod' }), masker: new Masker() });
  assert.equal(refused.status, 'refused');
  assert.equal(existsSync(marker), false);
  const typed: string[] = [];
  const r2 = recorder({ confirmTarget: async (req) => (typed.push(req.target), 'staging') });
  assert.equal((await executePlan(plan(steps), { host: r2.host, cwd: dir, inputs: inputs({ APP_ENV: 'prod' }), masker: new Masker() })).status, 'refused');
  assert.deepEqual(typed, ['prod']);
  assert.equal(existsSync(marker), false);
  const r3 = recorder();
  assert.equal((await executePlan(plan(steps), { host: r3.host, cwd: dir, inputs: inputs({ APP_ENV: 'prod' }), masker: new Masker(), preconfirmed: new Set(['danger']) })).status, 'passed');
  assert.equal(existsSync(marker), true);
});

test('preconditions must pass before any step runs; manual steps need an operator or --confirm', async () => {
  const marker = join(dir, 'after-precondition');
  const r = recorder();
  const out = await executePlan(plan([step('s', { run: `touch ${marker}` })], { preconditions: [step('logged-in', { group: 'precondition', run: 'exit 1' })] }), {
    host: r.host,
    cwd: dir,
    inputs: new Map(),
    masker: new Masker(),
  });
  assert.equal(out.status, 'refused');
  assert.equal(existsSync(marker), false);
  const manual = [step('vault', { kind: 'manual', manual: 'Store the seed under /raxx/$APP_ENV/' })];
  assert.equal((await executePlan(plan(manual), { host: recorder().host, cwd: dir, inputs: inputs({ APP_ENV: 'prod' }), masker: new Masker() })).status, 'refused');
  const texts: string[] = [];
  const r2 = recorder({ manual: async (req) => (texts.push(req.text), 'done') });
  assert.equal((await executePlan(plan(manual), { host: r2.host, cwd: dir, inputs: inputs({ APP_ENV: 'prod' }), masker: new Masker() })).status, 'passed');
  assert.deepEqual(texts, ['Store the seed under /raxx/prod/']);
});

test('cancel ends the running step and the run', async () => {
  const ac = new AbortController();
  const r = recorder();
  r.host.emit = (e: RunEvent) => {
    r.events.push(e);
    if (e.type === 'output' && e.text.includes('started')) ac.abort();
  };
  const out = await executePlan(plan([step('long', { run: 'echo started; sleep 30' }), step('next', { run: 'true' })]), { host: r.host, cwd: dir, inputs: new Map(), masker: new Masker(), signal: ac.signal });
  assert.equal(out.status, 'cancelled');
  assert.deepEqual(out.summary.map((s) => s.state), ['cancelled', 'pending']);
});

test('when: input conditions select steps and preconditions; questions need an operator or --confirm', async () => {
  const r = recorder();
  const out = await executePlan(
    plan(
      [
        step('vault-only', { run: 'echo vault', when: [{ input: 'BACKEND', equals: 'vault' }] }),
        step('aws-only', { run: 'echo aws', when: [{ input: 'BACKEND', in: ['aws', 'gcp'] }] }),
        step('ask', { run: 'echo asked', when: [{ question: 'Restart now?', owner: 'ask' }] }),
      ],
      { preconditions: [step('aws-login', { group: 'precondition', run: 'exit 1', when: [{ input: 'BACKEND', not: 'vault' }] })] },
    ),
    { host: r.host, cwd: dir, inputs: inputs({ BACKEND: 'vault' }), masker: new Masker() },
  );
  assert.equal(out.status, 'passed');
  assert.deepEqual(r.states(), ['aws-login:skipped', 'vault-only:passed', 'aws-only:skipped', 'ask:skipped']);
  const asked: string[] = [];
  const r2 = recorder({ question: async (q) => (asked.push(q.text), true) });
  await executePlan(plan([step('ask', { run: 'true', when: [{ question: 'Restart $BACKEND now?', owner: 'ask' }] })]), { host: r2.host, cwd: dir, inputs: inputs({ BACKEND: 'vault' }), masker: new Masker() });
  assert.deepEqual(asked, ['Restart vault now?']);
  assert.deepEqual(r2.states(), ['ask:passed']);
});
