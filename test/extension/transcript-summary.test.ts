// The markdown summary of a transcript: what ran, who ran it, each step, the verdict; hostile records cannot break the table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRecords, transcriptSummary, verdictText } from '../../client/src/extension/transcript-summary';
import type { VerificationReport } from '../../client/src/signing/verifier';

const lines = [
  { type: 'run_start', time: '2026-01-01T00:00:00Z', runbook: { id: 'demo', title: 'Demo', path: 'demo.runbook.yaml', sha256: 'ab'.repeat(32) }, operator: 'alice@host' },
  { type: 'check', stepId: 'greet', check: 'exit 0', ok: true },
  { type: 'check', stepId: 'greet', check: 'stdout has "x|y"', ok: false, detail: 'line1\nline2' },
  { type: 'run_end', time: '2026-01-01T00:00:05Z', status: 'failed', steps: [{ id: 'gr|eet', kind: 'run', state: 'failed', attempts: 1, duration_ms: 1500 }] },
].map((r) => JSON.stringify(r));

test('the summary names the runbook, operator, steps, checks and verdict', () => {
  const report = { verdict: 'unsigned', records: 5, signers: {}, findings: [] } as unknown as VerificationReport;
  const md = transcriptSummary('t.jsonl', `${lines.join('\n')}\nnot json\n`, report);
  assert.match(md, /^# Run summary: Demo$/m);
  assert.match(md, /Verification: \*\*hash chain intact, unsigned \(5 records\)\*\*/);
  assert.match(md, /Operator: alice@host/);
  assert.match(md, /Status: \*\*failed\*\*/);
  assert.match(md, /\| gr\\\|eet \| run \| failed \| 1 \| 1\.5 s \|/);
  assert.match(md, /✗ `greet` stdout has "x\\\|y": line1 line2/);
  assert.match(md, /Lines that are not JSON records: 5/);
});

test('an unterminated or failed transcript says so', () => {
  const md = transcriptSummary('t.jsonl', lines[0]!, undefined);
  assert.match(md, /no run end record \(unterminated\)/);
  assert.match(md, /not verified/);
  const failed = { verdict: 'failed', records: 3, signers: {}, findings: [{ kind: 'HASH_CHAIN_BREACH', index: 2 }] } as unknown as VerificationReport;
  assert.equal(verdictText(failed), 'FAILED: HASH_CHAIN_BREACH at record 2');
  assert.deepEqual(parseRecords('{"a":1}\n[1]\n\n{').bad, [2, 4]);
});
