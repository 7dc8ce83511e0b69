// The attacks of issue 15 on approvals, transcripts and chains, each through the bundled CLI: all refused.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { requireBuilt, okIn, runsafeIn } from './bundled-cli';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { openTranscript } from '../../client/src/node/transcript-writer';
import { readKeyFile } from '../../client/src/node/key-file';
import { addApproval, formatApprovalFile } from '../../client/src/signing/approval';
import { encodeRecord } from '../../client/src/signing/chain-writer';
import { parseChainMapping } from '../../client/src/signing/chain-mapping';

let dir: string;
const keys: Record<string, { publicKey: string; keyId: string }> = {};
const runsafe = (args: string[], cwd = dir) => runsafeIn(cwd, args);
const ok = (args: string[]) => okIn(dir, args);
const at = (p: string) => join(dir, p);
/** The root key that signs every new version of the test trust stores. */
const ROOT = ['--root-key', 'root.key'];

before(() => {
  requireBuilt();
  dir = mkdtempSync(join(tmpdir(), 'runsafe-trust-attacks-'));
  for (const name of ['root', 'alice', 'bob', 'op', 'op2', 'thief', 'emitter']) {
    const out = JSON.parse(ok(['keygen', '--out', `${name}.key`, '--format', 'json']).stdout);
    keys[name] = { publicKey: out.public_key, keyId: out.key_id };
  }
  const add = (name: string, identity: string, role: string, ...extra: string[]) => ok(['trust', 'add', 'trust.yaml', ...ROOT, `--public-key=${keys[name]!.publicKey}`, '--name', identity, '--role', role, ...extra]);
  ok(['trust', 'init', 'trust.yaml', ...ROOT]);
  add('alice', 'alice', 'approver');
  add('bob', 'bob', 'approver');
  add('op', 'ops@example.com', 'operator');
  add('thief', 'carol', 'approver,operator');
  add('emitter', 'raptor:order-router', 'emitter', '--valid-from', '2026-01-01T00:00:00Z', '--valid-until', '2026-02-01T00:00:00Z');
});

const gated = (id: string) => `runsafe: 1\nid: ${id}\ntitle: Gated\npolicy:\n  approvals: { required: 1 }\nsteps:\n  - id: x\n    run: echo ran >> ./ran-${id}.txt\n`;

test('a compromised approver key: a backdated approval fails verify, and run --trust refuses the runbook', () => {
  writeFileSync(at('stolen.runbook.yaml'), gated('stolen'));
  ok(['trust', 'revoke', 'trust.yaml', ...ROOT, keys.thief!.keyId, '--reason', 'laptop stolen', '--compromised']);
  // The thief signs after the revocation and writes a time from long before it.
  const { file } = addApproval(undefined, readFileSync(at('stolen.runbook.yaml')), readKeyFile(at('thief.key')), { identity: 'carol', now: '2020-01-01T00:00:00.000Z' });
  writeFileSync(at('stolen.runbook.yaml.sig'), formatApprovalFile(file));
  const v = runsafe(['verify', 'stolen.runbook.yaml', '--trust', 'trust.yaml', '--format', 'json']);
  assert.equal(v.code, 1, v.out);
  assert.equal(JSON.parse(v.stdout).verdict, 'revoked');
  assert.match(JSON.parse(v.stdout).entries[0].detail, /compromised.*whatever time it claims/);
  const run = runsafe(['run', '--non-interactive', 'stolen.runbook.yaml', '--trust', 'trust.yaml']);
  assert.equal(run.code, 1, run.out);
  assert.match(run.stdout, /✗ approval: revoked/);
  assert.equal(existsSync(at('ran-stolen.txt')), false, 'the step never ran');
});

test('a transcript turned from failed to passed and re-signed, backdated, with a compromised operator key fails on every record', () => {
  const forge = (name: string) => {
    const t = openTranscript(at(name), { signer: readKeyFile(at('thief.key')), runbook: { id: 'demo', sha256: 'ab'.repeat(32) }, operator: 'carol', now: () => new Date('2020-01-01T00:00:00Z') });
    t.append({ type: 'step_end', stepId: 's1', state: 'passed' });
    t.close({ status: 'passed' });
  };
  forge('forged.jsonl');
  const r = runsafe(['verify', 'forged.jsonl', '--trust', 'trust.yaml', '--format', 'json']);
  assert.equal(r.code, 1, r.out);
  const report = JSON.parse(r.stdout);
  assert.equal(report.counts['SIGNATURE_BREACH:key_revoked'], report.records);
  assert.deepEqual(report.signers, {});
});

test('retirement keeps the window; --at can move earlier on a revoked key, never later', () => {
  ok(['trust', 'revoke', 'trust.yaml', ...ROOT, keys.bob!.keyId, '--reason', 'left', '--at', '2026-06-01T00:00:00Z']);
  writeFileSync(at('old.runbook.yaml'), gated('old'));
  const { file } = addApproval(undefined, readFileSync(at('old.runbook.yaml')), readKeyFile(at('bob.key')), { identity: 'bob', now: '2026-05-01T00:00:00.000Z' });
  writeFileSync(at('old.runbook.yaml.sig'), formatApprovalFile(file));
  assert.equal(runsafe(['verify', 'old.runbook.yaml', '--trust', 'trust.yaml']).code, 0, 'signed inside the window: retirement keeps it');
  const later = runsafe(['trust', 'revoke', 'trust.yaml', ...ROOT, keys.bob!.keyId, '--reason', 'left', '--at', '2026-07-01T00:00:00Z']);
  assert.equal(later.code, 2);
  assert.match(later.stderr, /can only move earlier/);
  ok(['trust', 'revoke', 'trust.yaml', ...ROOT, keys.bob!.keyId, '--reason', 'compromised since April', '--at', '2026-04-01T00:00:00Z']);
  const v = runsafe(['verify', 'old.runbook.yaml', '--trust', 'trust.yaml', '--format', 'json']);
  assert.equal(v.code, 1);
  assert.equal(JSON.parse(v.stdout).verdict, 'revoked');
});

test('a record with a missing, numeric or unreadable time fails the window of a key that has one', () => {
  const mappingDoc = { id: 'id', prev: 'hash_prev', sig: 'sig', emitter: 'subsystem', key_version: 'v', time: 'ts' };
  writeFileSync(at('mapping.yaml'), Object.entries(mappingDoc).map(([k, v]) => `${k}: ${v}`).join('\n') + '\n');
  const mapping = parseChainMapping(mappingDoc);
  const signer = readKeyFile(at('emitter.key'));
  const times: unknown[] = ['2026-01-15T00:00:00Z', 1768435200000, undefined, 'mid-January', '2026-01-15', '2026-01-15T00:00:00'];
  const lines: string[] = [];
  let prev: string | null = null;
  times.forEach((ts, i) => {
    const line = encodeRecord({ id: `e${i}`, hash_prev: prev, subsystem: 'raptor:order-router', v: 1, ...(ts === undefined ? {} : { ts }) }, mapping, signer);
    lines.push(line);
    prev = createHash('sha256').update(line).digest('hex');
  });
  writeFileSync(at('times.jsonl'), lines.join('\n') + '\n');
  const r = runsafe(['verify', 'times.jsonl', '--trust', 'trust.yaml', '--mapping', 'mapping.yaml', '--format', 'json']);
  assert.equal(r.code, 1, r.out);
  const report = JSON.parse(r.stdout);
  assert.deepEqual(report.findings.map((f: { index: number; reason: string }) => [f.index, f.reason]), [1, 2, 3, 4, 5].map((i) => [i, 'key_expired']));
});

test('sign refuses an identity that is not the key\'s, and a key without the approver role', () => {
  writeFileSync(at('s.runbook.yaml'), gated('s'));
  const other = runsafe(['sign', 's.runbook.yaml', '--key', 'alice.key', '--name', 'bob', '--trust', 'trust.yaml']);
  assert.equal(other.code, 2, other.out);
  assert.match(other.stderr, /belongs to 'alice'.*not 'bob'/);
  const noTrust = runsafe(['sign', 's.runbook.yaml', '--key', 'alice.key', '--name', 'bob']);
  assert.equal(noTrust.code, 2);
  assert.match(noTrust.stderr, /--name needs --trust/);
  const operator = runsafe(['sign', 's.runbook.yaml', '--key', 'op.key', '--trust', 'trust.yaml']);
  assert.equal(operator.code, 2);
  assert.match(operator.stderr, /lacks the approver role/);
  const unknown = runsafe(['sign', 's.runbook.yaml', '--key', 'op2.key', '--trust', 'trust.yaml']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /is not in trust\.yaml/);
  assert.equal(existsSync(at('s.runbook.yaml.sig')), false, 'nothing was signed');
  const good = ok(['sign', 's.runbook.yaml', '--key', 'alice.key', '--name', 'alice', '--trust', 'trust.yaml']);
  assert.match(good.stdout, /as alice/);
});

test('an approval binds the runbook id and hash: a renamed copy is approved, a copy with another id is not', () => {
  writeFileSync(at('orig.runbook.yaml'), gated('orig'));
  ok(['sign', 'orig.runbook.yaml', '--key', 'alice.key', '--trust', 'trust.yaml']);
  copyFileSync(at('orig.runbook.yaml'), at('renamed.runbook.yaml'));
  copyFileSync(at('orig.runbook.yaml.sig'), at('renamed.runbook.yaml.sig'));
  ok(['verify', 'renamed.runbook.yaml', '--trust', 'trust.yaml']);
  writeFileSync(at('other.runbook.yaml'), gated('other'));
  copyFileSync(at('orig.runbook.yaml.sig'), at('other.runbook.yaml.sig'));
  const v = runsafe(['verify', 'other.runbook.yaml', '--trust', 'trust.yaml', '--format', 'json']);
  assert.equal(v.code, 1);
  assert.notEqual(JSON.parse(v.stdout).verdict, 'approved');
  assert.equal(JSON.parse(readFileSync(at('orig.runbook.yaml.sig'), 'utf8')).signatures[0].statement.runbook_id, 'orig');
});

test('one verdict: a run signed with a rotated-out key fails its closing check exactly as runsafe verify does', () => {
  ok(['trust', 'rotate', 'trust.yaml', ...ROOT, keys.op!.keyId, '--old-key', 'op.key', '--new-key', 'op2.key']);
  writeFileSync(at('plain.runbook.yaml'), 'runsafe: 1\nid: plain\ntitle: Plain\nsteps:\n  - id: x\n    run: echo hi\n');
  const run = runsafe(['run', '--non-interactive', 'plain.runbook.yaml', '--key', 'op.key', '--trust', 'trust.yaml', '--transcript', 'plain.jsonl']);
  assert.equal(run.code, 1, run.out);
  assert.match(run.stdout, /FAILED: SIGNATURE_BREACH key_expired at record 0/);
  assert.doesNotMatch(run.stdout, /^\s+verified/m);
  const v = runsafe(['verify', 'plain.jsonl', '--trust', 'trust.yaml', '--format', 'json']);
  assert.equal(v.code, 1);
  assert.equal(JSON.parse(v.stdout).firstSignatureBreach.reason, 'key_expired');
  const fresh = runsafe(['run', '--non-interactive', 'plain.runbook.yaml', '--key', 'op2.key', '--trust', 'trust.yaml', '--transcript', 'plain2.jsonl']);
  assert.equal(fresh.code, 0, fresh.out);
  assert.match(fresh.stdout, /verified: \d+ records.*\(trust store trust\.yaml\)/);
});

test('mapping guards: payload_type null needs --allow-no-domain-separation; a transcript is never verified as a chain', () => {
  const mapping = parseChainMapping({ payload_type: null }, { allowNoDomainSeparation: true });
  const signer = readKeyFile(at('emitter.key'));
  const line = encodeRecord({ id: 'a', prev: null, kid: signer.keyId, time: '2026-01-10T00:00:00Z' }, mapping, signer);
  writeFileSync(at('raw.jsonl'), `${line}\n`);
  writeFileSync(at('raw-mapping.yaml'), 'payload_type: null\n');
  const refused = runsafe(['verify', 'raw.jsonl', '--trust', 'trust.yaml', '--mapping', 'raw-mapping.yaml']);
  assert.equal(refused.code, 2, refused.out);
  assert.match(refused.stderr, /--allow-no-domain-separation/);
  const allowed = runsafe(['verify', 'raw.jsonl', '--trust', 'trust.yaml', '--mapping', 'raw-mapping.yaml', '--allow-no-domain-separation']);
  assert.equal(allowed.code, 0, allowed.out);
  assert.match(allowed.stderr, /WARNING: --allow-no-domain-separation/);

  // A transcript with its head cut off, presented as a chain whose mapping names the transcript payload type.
  const t = openTranscript(at('cut-source.jsonl'), { signer: readKeyFile(at('op2.key')), runbook: { id: 'demo', sha256: 'cd'.repeat(32) }, operator: 'ops@example.com' });
  t.append({ type: 'step_end', stepId: 's1', state: 'failed' });
  t.close({ status: 'failed' });
  const lines = readFileSync(at('cut-source.jsonl'), 'utf8').split('\n').slice(0, 2);
  writeFileSync(at('cut.jsonl'), lines.join('\n') + '\n');
  writeFileSync(at('as-chain.yaml'), 'id: seq\npayload_type: application/vnd.runsafe.transcript-record+json\nrole: operator\n');
  const asChain = runsafe(['verify', 'cut.jsonl', '--trust', 'trust.yaml', '--kind', 'chain', '--mapping', 'as-chain.yaml']);
  assert.equal(asChain.code, 2, asChain.out);
  assert.match(asChain.stderr, /reserved for runsafe's own transcriptRecord documents|is a runsafe transcript/);
  writeFileSync(at('plain-chain.yaml'), 'id: seq\nrole: operator\n');
  const kind = runsafe(['verify', 'cut.jsonl', '--trust', 'trust.yaml', '--kind', 'chain', '--mapping', 'plain-chain.yaml']);
  assert.equal(kind.code, 2);
  assert.match(kind.stderr, /is a runsafe transcript: verify it with --kind transcript/);
  const asTranscript = runsafe(['verify', 'cut.jsonl', '--trust', 'trust.yaml']);
  assert.equal(asTranscript.code, 1);
  assert.match(asTranscript.stdout, /UNTERMINATED/);
});
