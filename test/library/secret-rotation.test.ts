// Secret rotation through the real CLI with recording stand-ins: a troubleshooting run rotates nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runbook, simulation } from './sim';

const file = runbook('secret-rotation-90-day.runbook.yaml');

test('-i TROUBLESHOOT=… without ROTATE=none is refused before any step: the rotation does not run first', () => {
  const sim = simulation('secret-troubleshoot');
  // An operator who confirms everything the plan asks for in advance.
  const confirmed = ['alpaca-dashboard-access', 'human-checks', 'db-alter-password', 'db-restart-signal-service', 'db-restart-orchestrator', 'alpaca-generate-key',
    'alpaca-restart-execution-gateway', 'alpaca-restart-market-data', 'alpaca-restart-orchestrator', 'alpaca-delete-old-key'].flatMap((s) => ['--confirm', s]);
  const r = sim.runsafe(['run', file, '--non-interactive', '-i', 'TROUBLESHOOT=db-password', ...confirmed]);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /troubleshoot-only/);
  assert.match(r.out, /pass -i ROTATE=none/);
  // Nothing was written to the secrets backend.
  assert.ok(!sim.calls().some((c) => (c.tool === 'vault' && c.argv.includes('put')) || (c.tool === 'aws' && c.argv.includes('put-secret-value'))), JSON.stringify(sim.calls()));
});
