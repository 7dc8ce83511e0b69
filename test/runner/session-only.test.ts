// runSession's `only` option (the editor's "Run step"): one step runs, the others do not, and the transcript verifies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../../client/src/runner/events';
import { runSession } from '../../client/src/runner/session';
import { verifyTranscript, workspace } from './helpers';

const runbook = (dir: string) => `runsafe: 1
id: only
title: Run one step
steps:
  - id: first
    title: First
    run: touch ${join(dir, 'first')}
    expect: { exit: 0 }
  - id: second
    title: Second
    run: touch ${join(dir, 'second')}
    expect: { exit: 0 }
  - id: third
    title: Third
    needs: [first]
    run: touch ${join(dir, 'third')}
    expect: { exit: 0 }
`;

function collect(): { events: RunEvent[]; host: { emit: (e: RunEvent) => void } } {
  const events: RunEvent[] = [];
  return { events, host: { emit: (e) => events.push(e) } };
}

test('only runs the named step and records a verifiable transcript', async () => {
  const ws = workspace('only', '');
  const { path, dir } = workspace('only', runbook(ws.dir));
  const { events, host } = collect();
  const r = await runSession({ runbookPath: path, workspace: dir, host, env: {}, only: ['second'] });
  assert.equal(r.status, 'passed');
  assert.equal(existsSync(join(ws.dir, 'second')), true);
  assert.equal(existsSync(join(ws.dir, 'first')), false);
  assert.equal(existsSync(join(ws.dir, 'third')), false);
  const ran = events.flatMap((e) => (e.type === 'step-state' && e.state === 'running' ? [e.stepId] : []));
  assert.deepEqual(ran, ['second']);
  assert.equal((await verifyTranscript(r.transcriptPath!)).verdict, 'unsigned');
});

test('a step whose needs are not in the run is skipped, and an unknown step is refused', async () => {
  const ws = workspace('only-needs', '');
  const { path, dir } = workspace('only-needs', runbook(ws.dir));
  const first = collect();
  await runSession({ runbookPath: path, workspace: dir, host: first.host, env: {}, only: ['third'] });
  assert.equal(existsSync(join(ws.dir, 'third')), false);
  assert.ok(first.events.some((e) => e.type === 'step-state' && e.stepId === 'third' && e.state === 'skipped'));
  const { events, host } = collect();
  const refused = await runSession({ runbookPath: path, workspace: dir, host, env: {}, only: ['nope'] });
  assert.equal(refused.status, 'refused');
  assert.ok(events.some((e) => e.type === 'gate' && !e.ok && e.message.includes("no step 'nope'")));
  assert.equal(refused.transcriptPath, undefined);
});

// Inputs: SERVICE (the step), REGION (a precondition), DB_PASSWORD (the step's rollback, a secret),
// TICKET (only the other step), API_TOKEN (only the other step, a secret), TIER (unused there, with a default).
const withInputs = (dir: string) => `runsafe: 1
id: only-inputs
title: Run one step with inputs
inputs:
  SERVICE: { description: Service to restart }
  REGION: { description: Region }
  DB_PASSWORD: { description: Database password, secret: true }
  TICKET: { description: Change ticket }
  API_TOKEN: { description: API token, secret: true }
  TIER: { description: Tier, default: gold }
preconditions:
  - id: region-known
    run: test -n "$REGION"
    expect: { exit: 0 }
steps:
  - id: restart
    title: Restart
    run: |
      printf '%s|%s' "$SERVICE" "$REGION" > ${join(dir, 'restart')}
      env > ${join(dir, 'restart.env')}
    expect: { exit: 0 }
    rollback: [undo]
  - id: announce
    title: Announce
    run: echo "$TICKET $API_TOKEN" > ${join(dir, 'announce')}
    expect: { exit: 0 }
rollback:
  - id: undo
    run: test -n "$DB_PASSWORD"
`;

test('only asks for the inputs its steps, the preconditions and their rollbacks use', async () => {
  const ws = workspace('only-inputs', '');
  const { path, dir } = workspace('only-inputs', withInputs(ws.dir));
  const asked: string[] = [];
  const answers: Record<string, string> = { SERVICE: 'api', REGION: 'eu-west-1', DB_PASSWORD: 'correct-horse-battery' };
  const events: RunEvent[] = [];
  const host = {
    emit: (e: RunEvent) => events.push(e),
    prompts: {
      input: async (req: { name: string }) => {
        asked.push(req.name);
        return answers[req.name];
      },
      confirmTarget: async () => undefined,
      manual: async () => undefined,
      question: async () => false,
      rollback: async () => undefined,
    },
  };
  const r = await runSession({ runbookPath: path, workspace: dir, host, env: {}, only: ['restart'] });
  assert.equal(r.status, 'passed', `asked ${asked.join(', ')}: ${JSON.stringify(events.filter((e) => e.type === 'gate' || e.type === 'message'))}`);
  assert.deepEqual(asked, ['SERVICE', 'REGION', 'DB_PASSWORD']);
  // An input not asked still has its default, so a step reading it implicitly sees the same value as in a whole run.
  assert.equal(readFileSync(join(ws.dir, 'restart'), 'utf8'), 'api|eu-west-1');
  const env = readFileSync(join(ws.dir, 'restart.env'), 'utf8');
  assert.match(env, /^TIER=gold$/m);
  assert.doesNotMatch(env, /^TICKET=/m);
  assert.equal(existsSync(join(ws.dir, 'announce')), false);

  // A whole run asks for every input, as before.
  asked.length = 0;
  Object.assign(answers, { TICKET: 'CHG-1', API_TOKEN: 'tok-0123456789abcdef', TIER: '' });
  const all = await runSession({ runbookPath: path, workspace: dir, host, env: {} });
  assert.equal(all.status, 'passed');
  assert.deepEqual(asked.sort(), ['API_TOKEN', 'DB_PASSWORD', 'REGION', 'SERVICE', 'TICKET', 'TIER']);
});
