// The approval state the editor shows: approved, modified since approval, not approved; signatures written beside the runbook.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { approvalPath, approvalReport, approvalTitle, approveRunbook } from '../../client/src/extension/approvals';
import { signerFromSeed } from '../../client/src/signing/keys';
import { randomBytes } from 'node:crypto';
import { addKey, initTrustStore } from '../../client/src/signing/trust-store';
import { rootSetOf, signStore } from '../../client/src/signing/trust-root';
import { writeTrustFile } from '../../client/src/node/trust-file';

const seed = (n: number) => new Uint8Array(32).fill(n);

function setup(roles: ('approver' | 'operator')[] = ['approver']) {
  const dir = mkdtempSync(join(tmpdir(), 'runsafe-approvals-'));
  const runbook = join(dir, 'x.runbook.yaml');
  writeFileSync(runbook, 'runsafe: 1\nid: x\ntitle: X\nsteps: []\n');
  const signer = signerFromSeed(seed(7));
  const trust = join(dir, 'trust.yaml');
  // A signed store (root key seed 9), as every trust store must be.
  const root = signerFromSeed(seed(9));
  const base = initTrustStore({ storeId: randomBytes(8).toString('hex'), root: rootSetOf([root], [], 1) });
  writeTrustFile(trust, signStore(addKey(base, { publicKey: signer.publicKey, identity: 'alice@example.com', roles, now: '2026-01-01T00:00:00Z' }).store, [root]));
  return { dir, runbook, signer, trust };
}

test('not approved, then approved by a trusted key, then modified since approval', () => {
  const { runbook, signer, trust } = setup();
  assert.equal(approvalTitle(approvalReport(runbook, readFileSync(runbook), trust)), '$(circle-slash) Not approved');
  const sig = approveRunbook(runbook, signer, 'alice@example.com', new Date('2026-02-01T00:00:00Z'));
  assert.equal(sig, approvalPath(runbook));
  const approved = approvalTitle(approvalReport(runbook, readFileSync(runbook), trust));
  assert.equal(approved, `$(verified) Approved by alice@example.com · key ${signer.keyId} · 1 of 1`);
  // One changed byte: the signature no longer covers the text.
  const edited = new TextEncoder().encode(readFileSync(runbook, 'utf8').replace('title: X', 'title: Y'));
  assert.equal(approvalTitle(approvalReport(runbook, edited, trust)), '$(warning) Modified since approval');
  // A policy asking for two approvers is not met by one.
  assert.equal(approvalReport(runbook, readFileSync(runbook), trust, 2).verdict, 'unapproved');
});

test('a signature by a key outside the trust store, or without the approver role, does not approve', () => {
  const { runbook, trust } = setup(['operator']);
  approveRunbook(runbook, signerFromSeed(seed(7)), 'alice@example.com', new Date('2026-02-01T00:00:00Z'));
  assert.equal(approvalReport(runbook, readFileSync(runbook), trust).verdict, 'untrusted');
  const other = setup();
  approveRunbook(other.runbook, signerFromSeed(seed(9)), 'mallory@example.com', new Date('2026-02-01T00:00:00Z'));
  assert.match(approvalTitle(approvalReport(other.runbook, readFileSync(other.runbook), other.trust)), /Approval untrusted/);
  // Without a trust store nothing is trusted, and nothing throws.
  assert.equal(approvalReport(other.runbook, readFileSync(other.runbook), join(other.dir, 'missing.yaml')).verdict, 'untrusted');
});
