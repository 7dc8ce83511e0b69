// runSession's `only` option (the editor's "Run step"): one step runs, the others do not, and the transcript verifies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
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
