// Secret rotation through the real CLI with recording stand-ins: a troubleshooting run rotates nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runbook, simulation } from './sim';

const file = runbook('secret-rotation-90-day.runbook.yaml');
// An operator who confirms everything the plan could ask for in advance.
const confirmed = ['alpaca-dashboard-access', 'human-checks', 'db-alter-password', 'db-restart-signal-service', 'db-restart-orchestrator', 'alpaca-generate-key',
  'alpaca-restart-execution-gateway', 'alpaca-restart-market-data', 'alpaca-restart-orchestrator', 'alpaca-delete-old-key'].flatMap((s) => ['--confirm', s]);

test('--section troubleshoot-db-password without an answer to "Rotate secrets" is refused before any step (it would rotate first)', () => {
  const sim = simulation('secret-troubleshoot-unanswered');
  const r = sim.runsafe(['run', file, '--non-interactive', '--section', 'troubleshoot-db-password', ...confirmed]);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /--answer rotation=yes or --answer rotation=no/);
  assert.deepEqual(sim.calls().filter((c) => c.tool !== 'vault' || c.argv[0] !== 'token'), [], 'a step ran before the refusal');
});
