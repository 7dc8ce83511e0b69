// Runbook approvals: every verdict (approved, modified, unapproved, untrusted, revoked, expired) and N-of policies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addApproval, verifyApproval, parseApprovalFile, formatApprovalFile, type ApprovalFile } from '../../client/src/signing/approval';
import { createKeyLookup, type TrustKey } from '../../client/src/signing/trust-index';
import { nativeCrypto } from '../../client/src/node/native-crypto';
import { signer, trustEntry } from './helpers';
import { canonicalBytes } from '../../client/src/signing/jcs';
import { fromBase64url, toBase64url } from '../../client/src/signing/bytes';
import { pae, PAYLOAD_TYPES } from '../../client/src/signing/envelope';
import { verifyStrict } from '../../client/src/signing/ed25519';

const alice = signer(31);
const alice2 = signer(32);
const bob = signer(33);
const mallory = signer(34);
const runbook = new TextEncoder().encode('runsafe: 1\nid: demo\nsteps: []\n');
const now = '2026-06-01T12:00:00.000Z';
const trust = (extra: Partial<TrustKey> = {}) =>
  createKeyLookup([trustEntry(alice, 'alice', ['approver'], extra), trustEntry(alice2, 'alice', ['approver'], { version: 2 }), trustEntry(bob, 'bob', ['approver', 'operator'])]);

function approve(s: typeof alice, identity: string, f?: ApprovalFile, bytes = runbook, at = now): ApprovalFile {
  return addApproval(f, bytes, s, { identity, now: at, crypto: nativeCrypto }).file;
}

test('approved by whom and when; the file round-trips', () => {
  const f = parseApprovalFile(formatApprovalFile(approve(alice, 'alice')));
  const r = verifyApproval(runbook, f, trust());
  assert.equal(r.verdict, 'approved');
  assert.deepEqual(r.approvedBy, [{ identity: 'alice', keyId: alice.keyId, approvedAt: now, timeSource: 'signer' }]);
});

test('one changed byte makes the approval "modified"', () => {
  const changed = new TextEncoder().encode('runsafe: 1\nid: demo\nsteps: [] \n');
  assert.equal(verifyApproval(changed, approve(alice, 'alice'), trust()).verdict, 'modified');
});

test('no file or no signatures: unapproved; unknown key or forged signature: untrusted', () => {
  assert.equal(verifyApproval(runbook, undefined, trust()).verdict, 'unapproved');
  assert.equal(verifyApproval(runbook, approve(mallory, 'mallory'), trust()).verdict, 'untrusted');
  const f = approve(alice, 'alice');
  f.signatures[0]!.sig = approve(bob, 'bob').signatures[0]!.sig;
  assert.equal(verifyApproval(runbook, f, trust()).entries[0]!.status, 'invalid_signature');
  assert.equal(verifyApproval(runbook, f, trust()).verdict, 'untrusted');
});

test('revoked and expired approver keys', () => {
  assert.equal(verifyApproval(runbook, approve(alice, 'alice'), trust({ revoked_at: '2026-05-01T00:00:00Z' })).verdict, 'revoked');
  assert.equal(verifyApproval(runbook, approve(alice, 'alice'), trust({ valid_until: '2026-05-01T00:00:00Z' })).verdict, 'expired');
  assert.equal(verifyApproval(runbook, approve(alice, 'alice'), trust({ valid_from: '2026-07-01T00:00:00Z' })).verdict, 'expired');
  assert.equal(verifyApproval(runbook, approve(alice, 'alice'), trust({ revoked_at: '2026-07-01T00:00:00Z' })).verdict, 'approved', 'revocation after the approval');
});

test('a policy of two distinct approvers: one identity with two keys counts once', () => {
  const twoKeysOnePerson = approve(alice2, 'alice', approve(alice, 'alice'));
  assert.equal(verifyApproval(runbook, twoKeysOnePerson, trust(), { required: 2 }).verdict, 'unapproved');
  const two = approve(bob, 'bob', approve(alice, 'alice'));
  const r = verifyApproval(runbook, two, trust(), { required: 2 });
  assert.equal(r.verdict, 'approved');
  assert.deepEqual(r.approvedBy.map((a) => a.identity), ['alice', 'bob']);
  assert.throws(() => approve(alice, 'alice', two), /already approved these exact bytes/);
});

test('an approval signature never verifies as a transcript record or audit event over the same bytes', () => {
  const f = approve(alice, 'alice');
  const body = canonicalBytes(f.signatures[0]!.statement);
  const sig = fromBase64url(f.signatures[0]!.sig);
  assert.equal(verifyStrict(sig, pae(PAYLOAD_TYPES.runbookApproval, body), alice.publicKey), true);
  assert.equal(verifyStrict(sig, pae(PAYLOAD_TYPES.transcriptRecord, body), alice.publicKey), false);
  assert.equal(verifyStrict(sig, pae(PAYLOAD_TYPES.auditEvent, body), alice.publicKey), false);
});

test('the statement binds the runbook id and hash: a renamed copy is approved, a copy with another id is not', () => {
  const f = approve(alice, 'alice');
  assert.equal(f.signatures[0]!.statement.runbook_id, 'demo');
  assert.equal('file' in f.signatures[0]!.statement, false, 'no file name: renaming changes nothing');
  assert.equal(verifyApproval(runbook, f, trust()).verdict, 'approved');
  const otherId = new TextEncoder().encode('runsafe: 1\nid: other\nsteps: []\n');
  assert.notEqual(verifyApproval(otherId, f, trust()).verdict, 'approved');
  // A statement that names another id over these exact bytes (signed by a real approver) does not count.
  const lying = { type: 'runbook-approval' as const, runbook_id: 'other', runbook_sha256: f.signatures[0]!.statement.runbook_sha256, approved_at: now, key_id: alice.keyId, identity: 'alice' };
  const forged: ApprovalFile = { runsafe_approval: 2, signatures: [{ statement: lying, sig: toBase64url(alice.sign(pae(PAYLOAD_TYPES.runbookApproval, canonicalBytes(lying)))) }] };
  const r = verifyApproval(runbook, forged, trust());
  assert.equal(r.entries[0]!.status, 'wrong_runbook');
  assert.equal(r.verdict, 'untrusted');
  assert.throws(() => addApproval(undefined, new TextEncoder().encode('runsafe: 1\nsteps: []\n'), alice, { identity: 'alice', now }), /no top-level id/);
});

test('a format-1 statement (file name, no runbook id) is read but never counts', () => {
  const old = { type: 'runbook-approval', file: 'demo.runbook.yaml', runbook_sha256: approve(alice, 'alice').signatures[0]!.statement.runbook_sha256, approved_at: now, key_id: alice.keyId, identity: 'alice' };
  const text = JSON.stringify({ runsafe_approval: 1, signatures: [{ statement: old, sig: toBase64url(alice.sign(pae(PAYLOAD_TYPES.runbookApproval, canonicalBytes(old)))) }] });
  const r = verifyApproval(runbook, parseApprovalFile(text), trust());
  assert.equal(r.entries[0]!.status, 'unbound');
  assert.equal(r.verdict, 'untrusted');
});

test('a key revoked as compromised voids every approval, even one dated long before', () => {
  const early = approve(alice, 'alice', undefined, runbook, '2020-01-01T00:00:00.000Z');
  assert.equal(verifyApproval(runbook, early, trust({ revoked_at: '2026-05-01T00:00:00Z' })).verdict, 'approved', 'retirement keeps the window');
  assert.equal(verifyApproval(runbook, early, trust({ revoked_at: '2026-05-01T00:00:00Z', compromised: true })).verdict, 'revoked');
});

test('a missing, numeric or unparseable approved_at fails every window, not only revocation', () => {
  for (const bad of [undefined, 1767225600000, 'yesterday', '2026-06-01', '2026-06-01T12:00:00']) {
    const stmt: Record<string, unknown> = { type: 'runbook-approval', runbook_id: 'demo', runbook_sha256: approve(alice, 'alice').signatures[0]!.statement.runbook_sha256, key_id: alice.keyId, identity: 'alice' };
    if (bad !== undefined) stmt['approved_at'] = bad;
    const f = { runsafe_approval: 2, signatures: [{ statement: stmt, sig: toBase64url(alice.sign(pae(PAYLOAD_TYPES.runbookApproval, canonicalBytes(stmt as never)))) }] } as unknown as ApprovalFile;
    assert.equal(verifyApproval(runbook, f, trust({ valid_until: '2027-01-01T00:00:00Z' })).verdict, 'expired', `valid_until, time ${String(bad)}`);
    assert.equal(verifyApproval(runbook, f, trust({ valid_from: '2020-01-01T00:00:00Z' })).verdict, 'expired', `valid_from, time ${String(bad)}`);
    assert.equal(verifyApproval(runbook, f, trust({ revoked_at: '2027-01-01T00:00:00Z' })).verdict, 'revoked', `revoked_at, time ${String(bad)}`);
    assert.equal(verifyApproval(runbook, f, trust()).verdict, 'approved', `a key without a window has nothing to check (time ${String(bad)})`);
  }
});
