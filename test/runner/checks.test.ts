// Expect checks, input validation and resolution, typed confirmation, retry and wait.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkExpect, describeFailure } from '../../client/src/runner/expect';
import { resolveInputs, validateInput, parseInputFlags } from '../../client/src/runner/inputs';
import { confirmStep } from '../../client/src/runner/confirm';
import { withRetry } from '../../client/src/runner/retry';
import { waitUntil } from '../../client/src/runner/wait';

const failed = (rs: { check: string; ok: boolean }[]) => rs.filter((r) => !r.ok).map((r) => r.check);

test('expect: exit codes, text checks (contains, matches, empty, negations), JSON field comparisons', () => {
  const observed = { exitCode: 0, stdout: '{"status":"pass","items":[{"id":"k2"}],"count":3}\n', stderr: 'warn: slow\n' };
  assert.deepEqual(
    failed(checkExpect({ exit: [0], stdout: { contains: '"status":"pass"' }, stderr: { matches: '^warn: \\w+$' }, json: { status: 'pass', 'items.0.id': 'k2', count: { gte: 3, lt: 4, in: [1, 3] } } }, observed)),
    [],
  );
  assert.deepEqual(failed(checkExpect({ exit: [1, 2] }, observed)), ['exit 1 or 2']);
  assert.deepEqual(failed(checkExpect({ stdout: { contains: 'status=pass' } }, observed)), ['stdout contains "status=pass"']);
  assert.deepEqual(failed(checkExpect({ stderr: { not_contains: 'warn', empty: true } }, observed)), ['stderr does not contain "warn"', 'stderr is empty']);
  assert.deepEqual(failed(checkExpect({ stdout: { not_matches: 'count', matches: '(' } }, observed)), ['stdout matches /(/', 'stdout does not match /count/']);
  const json = checkExpect({ json: { status: 'fail', 'items.5.id': { exists: true }, count: { gt: 3, matches: '^3$' }, gone: { exists: false }, 'items.0.id': { not: 'k1' } } }, observed).filter((r) => !r.ok);
  // A failed check reads as what happened: expected …, got ….
  assert.deepEqual(json.map(describeFailure), ['expected json status = "fail", got "pass"', 'expected json items.5.id exists, got missing', 'expected json count > 3, got 3', 'expected json count matches /^3$/, got 3']);
  assert.equal(describeFailure(checkExpect({ exit: [0] }, { exitCode: 3, stdout: '', stderr: '' })[0]!), 'expected exit 0, got 3');
  assert.match(checkExpect({ json: { a: 1 } }, { exitCode: 0, stdout: 'not json', stderr: '' })[1]!.detail!, /not JSON/);
  // No spec: success means exit 0; a killed process never passes.
  assert.deepEqual(failed(checkExpect(undefined, { exitCode: undefined, stdout: '', stderr: '' })), ['exit 0']);
});

test('inputs: enums and types are validated; secrets never from the command line', async () => {
  const decls = [
    { name: 'APP_ENV', enum: ['staging', 'prod'], default: 'staging' },
    { name: 'COUNT', type: 'integer' },
    { name: 'API_TOKEN', secret: true },
    { name: 'NEW_SEED', secret: true },
  ];
  assert.match(validateInput(decls[0]!, 'staging; touch /tmp/pwned')!, /is not one of/);
  assert.match(validateInput({ name: 'X', secret: true, enum: ['a'] }, 'sekrit-value')!, /the value is not one of/);
  const flags = parseInputFlags(['APP_ENV=prod', 'COUNT=3', 'API_TOKEN=leak-me-please']);
  assert.deepEqual(flags.errors, []);
  const r = await resolveInputs({ decls, flags: flags.values, env: { API_TOKEN: 'from-env-123456' }, captured: new Set(['NEW_SEED']) });
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0]!, /API_TOKEN is a secret and is never accepted on the command line/);
  assert.ok(!r.errors[0]!.includes('leak-me-please'));
  assert.deepEqual(r.deferred, ['NEW_SEED']);
  const ok = await resolveInputs({ decls, flags: parseInputFlags(['COUNT=7']).values, env: { API_TOKEN: 'from-env-123456' }, captured: new Set(['NEW_SEED']) });
  assert.deepEqual(ok.errors, []);
  assert.deepEqual([...ok.values].map(([k, v]) => [k, v.source]), [['APP_ENV', 'default'], ['COUNT', 'flag'], ['API_TOKEN', 'environment']]);
  const bad = await resolveInputs({ decls, flags: parseInputFlags(['COUNT=seven', 'NOPE=1']).values, env: {}, captured: new Set() });
  assert.deepEqual(bad.errors.map((e) => e.split(':')[0]), ['--input NOPE', 'COUNT', 'API_TOKEN is a secret with no value', 'NEW_SEED is a secret with no value']);
  // Interactively, secrets are asked for (the UI hides them).
  const asked: string[] = [];
  const interactive = await resolveInputs({ decls, flags: new Map([['COUNT', '1']]), env: {}, captured: new Set(), ask: async (d) => (asked.push(d.name), d.name === 'APP_ENV' ? '' : 'typed-secret-value') });
  assert.deepEqual(asked, ['APP_ENV', 'API_TOKEN', 'NEW_SEED']);
  assert.equal(interactive.values.get('APP_ENV')?.value, 'staging');
  assert.equal(interactive.values.get('NEW_SEED')?.source, 'prompt');
});

test('confirmation: fails closed without a prompt unless --confirm names the step; typed target must match', async () => {
  const req = { stepId: 'drop-table', title: 'Drop', target: 'prod', why: 'declared confirm' };
  const refused = await confirmStep(req, new Set(), undefined);
  assert.equal(refused.ok, false);
  assert.match(!refused.ok ? refused.message : '', /--confirm drop-table/);
  assert.deepEqual(await confirmStep(req, new Set(['drop-table']), undefined), { ok: true, how: 'flag' });
  assert.deepEqual(await confirmStep(req, new Set(['other']), async () => 'prod'), { ok: true, how: 'typed' });
  assert.equal((await confirmStep(req, new Set(), async () => 'staging')).ok, false);
  assert.equal((await confirmStep(req, new Set(), async () => undefined)).ok, false);
});

test('retry: stops on success, on a final failure, or when attempts run out', async () => {
  const calls: number[] = [];
  const r = await withRetry({ attempts: 5, delayMs: 1 }, async (n) => (calls.push(n), { value: n, ok: n === 3 }));
  assert.deepEqual([r.tries, r.last.ok, calls], [3, true, [1, 2, 3]]);
  const out = await withRetry({ attempts: 2, delayMs: 1 }, async (n) => ({ value: n, ok: false }));
  assert.deepEqual([out.tries, out.last.ok], [2, false]);
  const fin = await withRetry({ attempts: 9, delayMs: 1 }, async (n) => ({ value: n, ok: false, final: true }));
  assert.equal(fin.tries, 1);
});

test('wait: polls until met, or reports the deadline, with progress after every probe', async () => {
  let clock = 0;
  const progress: number[] = [];
  const met = await waitUntil({ probe: async (n) => ((clock += 10), { ok: n === 4 }), intervalMs: 1, deadlineMs: 1000, now: () => clock, onProgress: (p) => progress.push(p.attempt) });
  assert.deepEqual([met.status, met.attempts, progress], ['met', 4, [1, 2, 3, 4]]);
  clock = 0;
  const late = await waitUntil({ probe: async () => ((clock += 400), { ok: false, detail: 'status=pending' }), intervalMs: 1, deadlineMs: 1000, now: () => clock });
  assert.deepEqual([late.status, late.attempts, late.detail], ['deadline', 3, 'status=pending']);
  const ac = new AbortController();
  ac.abort();
  assert.equal((await waitUntil({ probe: async () => ({ ok: true }), intervalMs: 1, deadlineMs: 10, signal: ac.signal })).status, 'cancelled');
});
