// `npm run demo:drill` end to end: the quarantine drill runbook against a throwaway cluster, every count checked by the runbook's own row checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from '../runner/helpers';

test('the quarantine drill passes: unknown_key quarantined in strict mode, admitted and counted in non-strict, trust updated, tampering caught', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/demo-drill.ts'), '--transcript-dir', mkdtempSync(join(tmpdir(), 'runsafe-drill-'))], { cwd: root, encoding: 'utf8', timeout: 300_000, env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /Result: passed/);
  for (const step of ['verify-strict-rotated', 'quarantine-by-reason', 'verify-non-strict', 'verify-strict-fixed', 'catch-tampering', 'quarantine-summary']) assert.match(r.stdout, new RegExp(`^${step} +(run|sql) +passed`, 'm'));
  assert.match(r.stdout, /✓ row reason = "unknown_key"/);
  assert.match(r.stdout, /HASH_CHAIN_BREACH \(critical\): first at record 11/);
  assert.doesNotMatch(r.stdout, /postgresql:\/\//, 'the connection URL (a secret input) never shows');
});
