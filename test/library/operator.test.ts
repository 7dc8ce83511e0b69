// The operator runbook's default run (the health check) through the real CLI, with curl (the API's /health and /ready), systemctl and alembic as recording stand-ins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runbook, simulation } from './sim';

const file = runbook('operator.runbook.yaml');
const health = ['--non-interactive', '--answer', 'health-check=yes', '--confirm', 'operator-access', '--confirm', 'readiness-checks', '--confirm', 'final-remaining'];

function operator(name: string) {
  const sim = simulation(name);
  // alembic runs in APP_DIR; the stand-in answers `alembic current` with the head the release expects.
  const alembic = join(sim.dir, 'bin/alembic');
  writeFileSync(alembic, `#!/bin/sh\nexec python3 '${join(sim.dir, 'state/standin.py')}' alembic "$@"\n`);
  chmodSync(alembic, 0o755);
  sim.setState('alembic-out', { current: '3f2a9c1d4e5b (head)' });
  sim.setState('systemctl-out', { 'is-active api-worker.service': 'active' });
  return sim;
}

test('health check: readiness and every final check pass; no rollback is offered', () => {
  const sim = operator('operator-healthy');
  const r = sim.runsafe(['run', file, ...health, '-i', `APP_DIR=${sim.dir}`]);
  assert.equal(r.code, 0, r.out);
  for (const s of ['ready', 'final-liveness', 'final-readiness', 'final-migration-head', 'final-worker-matches']) assert.match(r.out, new RegExp(`\\n${s} +run +passed`));
  assert.ok(!sim.records().some((x) => x.type === 'step_start' && x.group === 'rollback'));
  const v = sim.runsafe(['verify', ...sim.transcripts(), '--allow-unsigned']);
  assert.equal(v.code, 0, v.out);
});

test('readiness fails: the run stops at ready and reaches its safe action (not deployable), and nothing after it runs', () => {
  const sim = operator('operator-not-ready');
  sim.setState('health', { '8000/ready': 'not_ready' });
  const r = sim.runsafe(['run', file, ...health, '-i', `APP_DIR=${sim.dir}`, '--on-failure', 'rollback', '--confirm', 'stop-service-again']);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /\nready +run +failed/);
  // The safe action is a manual rollback: it is reached and, with no one at a terminal, recorded as needing an operator (a manual rollback is never confirmed in advance).
  assert.ok(sim.records().some((x) => x.type === 'step_start' && x.stepId === 'readiness-not-deployable'), `the safe action was not reached\n${r.out}`);
  assert.ok(sim.records().some((x) => x.type === 'step_end' && x.stepId === 'readiness-not-deployable' && x.state === 'refused'));
  assert.ok(!sim.calls().some((c) => c.tool === 'alembic'), 'the final checklist ran after a failed readiness');
  // This run started nothing, so the start's rollback (stop the service again) has nothing to undo and does not run.
  assert.ok(!sim.calls().some((c) => c.tool === 'systemctl' && c.argv[0] === 'stop'), 'a service was stopped');
  const v = sim.runsafe(['verify', ...sim.transcripts(), '--allow-unsigned']);
  assert.equal(v.code, 0, v.out);
});

test('readiness fails, then passes once the service is fixed: --resume runs ready again and completes the health check', () => {
  const sim = operator('operator-resume');
  sim.setState('health', { '8000/ready': 'not_ready' });
  const r = sim.runsafe(['run', file, ...health, '-i', `APP_DIR=${sim.dir}`]);
  assert.equal(r.code, 1, r.out);
  sim.setState('health', {});
  const resumed = sim.runsafe(['run', file, '--resume', sim.transcripts()[0]!, '--non-interactive']);
  assert.equal(resumed.code, 0, resumed.out);
  assert.match(resumed.out, /\nready +run +passed/);
  assert.equal(sim.calls().filter((c) => c.tool === 'alembic').length, 1);
  const v = sim.runsafe(['verify', ...sim.transcripts(), '--allow-unsigned']);
  assert.equal(v.code, 0, v.out);
});
