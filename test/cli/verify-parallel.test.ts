// `runsafe verify` of a long signed chain with the signature lane (a second thread) and without: the same report, breaches at their exact index; a lane that dies is a clear error.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readKeyFile } from '../../client/src/node/key-file';
import { encodeRecord } from '../../client/src/signing/chain-writer';
import { DEFAULT_CHAIN_MAPPING } from '../../client/src/signing/chain-mapping';
import type { Signer } from '../../client/src/signing/keys';

const root = resolve(__dirname, '../..');
const cli = join(root, 'client/out/cli.js');
let dir: string;
/** Longer than the lane's start threshold (2,000 records), so `auto` runs it on two threads. */
const N = 6_000;
const K = 4_321;

function runsafe(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const sha = (line: string) => createHash('sha256').update(line).digest('hex');
let emitter: Signer;
let retired: Signer;
let intruder: Signer;

before(() => {
  if (!existsSync(cli)) throw new Error('client/out/cli.js is missing: run npm run build');
  dir = mkdtempSync(join(tmpdir(), 'runsafe-verify-parallel-'));
  const pub: Record<string, string> = {};
  for (const name of ['root', 'emitter', 'retired', 'intruder']) {
    const r = runsafe(['keygen', '--out', `${name}.key`, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    pub[name] = (JSON.parse(r.stdout) as { public_key: string }).public_key;
  }
  emitter = readKeyFile(join(dir, 'emitter.key'));
  retired = readKeyFile(join(dir, 'retired.key'));
  intruder = readKeyFile(join(dir, 'intruder.key'));
  assert.equal(runsafe(['trust', 'init', 'trust.yaml', '--root-key', 'root.key']).code, 0);
  for (const name of ['emitter', 'retired']) {
    const r = runsafe(['trust', 'add', 'trust.yaml', '--root-key', 'root.key', '--public-key', pub[name]!, '--name', 'raptor:order-router', '--role', 'emitter']);
    assert.equal(r.code, 0, r.stderr);
  }
  // Revoked now: a record it signs claiming a later time is key_revoked.
  assert.equal(runsafe(['trust', 'revoke', 'trust.yaml', '--root-key', 'root.key', retired.keyId, '--reason', 'rotated out']).code, 0);
});

/** A correctly linked chain of N records; record K signed by `at` (with `time` if given). */
function chain(name: string, at?: { signer: Signer; time?: string }, edit?: (line: string) => string): string {
  const lines: string[] = [];
  let prev: string | null = null;
  for (let i = 0; i < N; i++) {
    const record = { id: `evt-${i}`, time: i === K && at?.time ? at.time : new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(), emitter: 'raptor:order-router', action: 'order_routed', n: i, prev };
    let line = encodeRecord(record, DEFAULT_CHAIN_MAPPING, i === K && at ? at.signer : emitter);
    if (i === K && edit) line = edit(line);
    lines.push(line);
    prev = sha(line);
  }
  writeFileSync(join(dir, name), `${lines.join('\n')}\n`);
  return name;
}

/** The JSON report with the lane (auto: it starts past the threshold) and without; they must be identical. */
function verifyBoth(file: string) {
  const args = ['verify', file, '--kind', 'chain', '--trust', 'trust.yaml', '--format', 'json'];
  const one = runsafe(args, { RUNSAFE_VERIFY_LANE: 'never' });
  const two = runsafe(args, { RUNSAFE_VERIFY_LANE: 'auto' });
  assert.equal(two.code, one.code, two.stderr);
  assert.equal(two.stdout, one.stdout, 'the report is the same with the signature lane and without');
  return { code: two.code, report: JSON.parse(two.stdout) as { verdict: string; records: number; counts: Record<string, number>; firstSignatureBreach?: { index: number; reason: string }; firstHashChainBreach?: { index: number; reason: string } } };
}

test('an intact long chain verifies, the same on two threads as on one', () => {
  const { code, report } = verifyBoth(chain('intact.jsonl'));
  assert.equal(code, 0);
  assert.equal(report.verdict, 'verified');
  assert.equal(report.records, N);
});

test('a bad signature in the middle of a long chain is reported at its exact index', () => {
  const { code, report } = verifyBoth(chain('bad-sig.jsonl', undefined, (l) => l.replace(`"n":${K}`, `"n":${K + 1}`)));
  assert.equal(code, 1);
  assert.deepEqual(report.firstSignatureBreach && [report.firstSignatureBreach.reason, report.firstSignatureBreach.index], ['invalid_signature', K]);
  // The next record links to the edited bytes, so only the signature tells.
  assert.deepEqual(report.counts, { 'SIGNATURE_BREACH:invalid_signature': 1 });
});

test('an unknown key in the middle of a long chain is reported at its exact index', () => {
  const { code, report } = verifyBoth(chain('unknown.jsonl', { signer: intruder }));
  assert.equal(code, 1);
  assert.deepEqual(report.counts, { 'SIGNATURE_BREACH:unknown_key': 1 });
  assert.equal(report.firstSignatureBreach?.index, K);
});

test('a revoked key in the middle of a long chain is reported at its exact index', () => {
  const { code, report } = verifyBoth(chain('revoked.jsonl', { signer: retired, time: '2099-01-01T00:00:00.000Z' }));
  assert.equal(code, 1);
  assert.deepEqual(report.counts, { 'SIGNATURE_BREACH:key_revoked': 1 });
  assert.equal(report.firstSignatureBreach?.index, K);
});

test('a signature lane that dies mid-verification is a clear error (exit 2), never a raw Node error', () => {
  const r = runsafe(['verify', chain('crash.jsonl'), '--kind', 'chain', '--trust', 'trust.yaml'], { RUNSAFE_VERIFY_LANE: 'always', RUNSAFE_VERIFY_LANE_CRASH_AFTER: '3' });
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /signature-checking thread stopped before the verification finished/);
  assert.doesNotMatch(r.stderr, /\n\s+at |ERR_|Error:/);
  assert.equal(r.stdout, '', 'no verdict is printed from a verification that did not finish');
});
