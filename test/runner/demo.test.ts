// The shipped demo runbook runs end to end on this machine and ends with a signed transcript that verifies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { verifyFile } from '../../client/src/node/verify-file';
import { TRANSCRIPT_MAPPING } from '../../client/src/signing/chain-mapping';
import { createKeyLookup } from '../../client/src/signing/trust-index';
import { formatPublicKey, parseSeed, signerFromSeed } from '../../client/src/signing/keys';
import { cli, root } from './helpers';

const runbook = join(root, 'runbooks/demo/signing-demo.runbook.yaml');

test('the demo runbook passes non-interactively with its confirmations supplied; its signed transcript verifies', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runsafe-demo-test-'));
  const seed = randomBytes(32).toString('base64url');
  const transcript = join(dir, 'demo.jsonl');
  const r = await cli(['run', '--non-interactive', '--confirm', 'rotate-key', '--confirm', 'clean-up', '--key-env', 'DEMO_OPERATOR_SEED', '--transcript', transcript, runbook], root, { DEMO_OPERATOR_SEED: seed });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  for (const id of ['verify-v1', 'rotate-key', 'verify-after-rotation', 'catch-tampering', 'breach-details', 'original-still-clean']) assert.match(r.stdout, new RegExp(`✓ ${id} passed`));
  assert.match(r.stdout, /Transcript: .*demo\.jsonl\n\s+verified: \d+ records, signed by [0-9a-f]{16}, closed by its signed head/);
  const signer = signerFromSeed(parseSeed(seed));
  const keys = createKeyLookup([{ key_id: signer.keyId, identity: 'demo-operator', roles: ['operator'], version: 1, public_key: formatPublicKey(signer.publicKey) }]);
  const report = await verifyFile(transcript, { mapping: TRANSCRIPT_MAPPING, keys });
  assert.equal(report.verdict, 'verified');
  // The producer's new seed is captured as a secret: recorded as captured, its output hidden.
  const text = readFileSync(transcript, 'utf8');
  assert.match(text, /"into":"PRODUCER_SEED",[^\n]*"secret":true/);
  assert.match(text, /"stepId":"load-new-seed","stream":"stdout","text":"\(stdout captured into PRODUCER_SEED: hidden\)\\n"/);
});
