// RFC 3161 time-stamps against a real authority (openssl ts on 127.0.0.1): key windows judged at the TSA's time, backdated claims found.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { requireBuilt, root } from '../cli/bundled-cli';
import { startTsa, type TestTsa } from './tsa-authority';
import { readKeyFile } from '../../client/src/node/key-file';
import { addApproval, formatApprovalFile, parseApprovalFile } from '../../client/src/signing/approval';
import { requestTimestamp } from '../../client/src/node/tsa';
import { fromBase64url, toBase64 } from '../../client/src/signing/bytes';
import { openTranscript } from '../../client/src/node/transcript-writer';

const exec = promisify(execFile);
const cli = join(root, 'client/out/cli.js');
let dir: string;
let tsa: TestTsa;
let other: TestTsa;
const keys: Record<string, { publicKey: string; keyId: string }> = {};
const ROOT = ['--root-key', 'root.key'];
const at = (p: string) => join(dir, p);

/** The CLI in a child process, without blocking this process: the authority answers from here. */
async function runsafe(args: string[]) {
  try {
    const r = await exec(process.execPath, [cli, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr, out: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '', out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}
async function ok(args: string[]) {
  const r = await runsafe(args);
  assert.equal(r.code, 0, `runsafe ${args.join(' ')}\n${r.out}`);
  return r;
}

before(async () => {
  requireBuilt();
  dir = mkdtempSync(join(tmpdir(), 'runsafe-tsa-cli-'));
  tsa = await startTsa();
  other = await startTsa();
  for (const name of ['root', 'alice', 'old', 'op']) {
    const out = JSON.parse((await ok(['keygen', '--out', `${name}.key`, '--format', 'json'])).stdout);
    keys[name] = { publicKey: out.public_key, keyId: out.key_id };
  }
  await ok(['trust', 'init', 'trust.yaml', ...ROOT, '--tsa-cert', tsa.certFile, '--tsa-name', 'test-tsa']);
  await ok(['trust', 'add', 'trust.yaml', ...ROOT, `--public-key=${keys.alice!.publicKey}`, '--name', 'alice', '--role', 'approver']);
  // A key whose window closed long ago (a rotated-out approver).
  await ok(['trust', 'add', 'trust.yaml', ...ROOT, `--public-key=${keys.old!.publicKey}`, '--name', 'old', '--role', 'approver', '--valid-until', '2026-01-01T00:00:00Z']);
  await ok(['trust', 'add', 'trust.yaml', ...ROOT, `--public-key=${keys.op!.publicKey}`, '--name', 'ops', '--role', 'operator']);
});

after(async () => {
  await tsa?.close();
  await other?.close();
});

const sigDigest = (sig: string) => createHash('sha256').update(fromBase64url(sig)).digest();

test('sign --tsa: the token is checked (pkijs) against the trust store TSA certificate, and openssl ts -verify agrees on the same bytes', async () => {
  writeFileSync(at('a.runbook.yaml'), 'runsafe: 1\nid: a\nsteps: []\n');
  const signed = await ok(['sign', 'a.runbook.yaml', '--key', 'alice.key', '--trust', 'trust.yaml', '--tsa', tsa.url]);
  assert.match(signed.stdout, /time-stamped by the TSA/);
  const entry = parseApprovalFile(readFileSync(at('a.runbook.yaml.sig'), 'utf8')).signatures[0]!;
  assert.ok(entry.tsa_token);
  const v = await runsafe(['verify', 'a.runbook.yaml', '--trust', 'trust.yaml', '--format', 'json']);
  assert.equal(v.code, 0, v.out);
  const report = JSON.parse(v.stdout);
  assert.equal(report.approvedBy[0].timeSource.tsa, 'test-tsa');
  writeFileSync(at('a.token.der'), Buffer.from(entry.tsa_token!, 'base64'));
  const openssl = execFileSync('openssl', ['ts', '-verify', '-digest', sigDigest(entry.sig).toString('hex'), '-in', at('a.token.der'), '-token_in', '-CAfile', tsa.certFile], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.match(openssl, /Verification: OK/);
  // Without a token, the verdict says whose time it is.
  writeFileSync(at('b.runbook.yaml'), 'runsafe: 1\nid: b\nsteps: []\n');
  await ok(['sign', 'b.runbook.yaml', '--key', 'alice.key', '--trust', 'trust.yaml']);
  const plain = await ok(['verify', 'b.runbook.yaml', '--trust', 'trust.yaml']);
  assert.match(plain.stdout, /the signer's claim: no time-stamp token/);
});

test('with a token, a signature made after the key window fails even with a backdated claim; without one the claim wins', async () => {
  writeFileSync(at('late.runbook.yaml'), 'runsafe: 1\nid: late\nsteps: []\n');
  const { file, entry } = addApproval(undefined, readFileSync(at('late.runbook.yaml')), readKeyFile(at('old.key')), { identity: 'old', now: '2025-12-31T00:00:00.000Z' });
  writeFileSync(at('late.runbook.yaml.sig'), formatApprovalFile(file));
  const claim = JSON.parse((await runsafe(['verify', 'late.runbook.yaml', '--trust', 'trust.yaml', '--format', 'json'])).stdout);
  assert.equal(claim.verdict, 'approved', "without a token the signer's (backdated) claim is all there is");
  entry.tsa_token = toBase64(await requestTimestamp(tsa.url, sigDigest(entry.sig)));
  writeFileSync(at('late.runbook.yaml.sig'), formatApprovalFile(file));
  const r = await runsafe(['verify', 'late.runbook.yaml', '--trust', 'trust.yaml', '--format', 'json']);
  assert.equal(r.code, 1, r.out);
  const report = JSON.parse(r.stdout);
  assert.equal(report.verdict, 'expired');
  assert.match(report.entries[0].detail, /time-stamping authority test-tsa/);
});

test('a claim far from the TSA time is backdated_claim; a token from an authority not in the store does not count', async () => {
  writeFileSync(at('c.runbook.yaml'), 'runsafe: 1\nid: c\nsteps: []\n');
  const { file, entry } = addApproval(undefined, readFileSync(at('c.runbook.yaml')), readKeyFile(at('alice.key')), { identity: 'alice', now: new Date(Date.now() - 86_400_000).toISOString() });
  entry.tsa_token = toBase64(await requestTimestamp(tsa.url, sigDigest(entry.sig)));
  writeFileSync(at('c.runbook.yaml.sig'), formatApprovalFile(file));
  const back = JSON.parse((await runsafe(['verify', 'c.runbook.yaml', '--trust', 'trust.yaml', '--format', 'json'])).stdout);
  assert.equal(back.entries[0].status, 'backdated_claim');
  assert.equal(back.verdict, 'untrusted');
  const resigned = addApproval(undefined, readFileSync(at('c.runbook.yaml')), readKeyFile(at('alice.key')), { identity: 'alice', now: new Date().toISOString() });
  resigned.entry.tsa_token = toBase64(await requestTimestamp(other.url, sigDigest(resigned.entry.sig)));
  writeFileSync(at('c.runbook.yaml.sig'), formatApprovalFile(resigned.file));
  const foreign = JSON.parse((await runsafe(['verify', 'c.runbook.yaml', '--trust', 'trust.yaml', '--format', 'json'])).stdout);
  assert.equal(foreign.entries[0].status, 'invalid_timestamp');
  assert.match(foreign.entries[0].detail, /not signed by a time-stamping authority the trust store names/);
});

test('run --tsa time-stamps the closed transcript head; verify judges it at the TSA time; a token over another head is refused', async () => {
  writeFileSync(at('plain.runbook.yaml'), 'runsafe: 1\nid: plain\ntitle: Plain\nsteps:\n  - id: x\n    run: echo hi\n');
  const run = await runsafe(['run', '--non-interactive', 'plain.runbook.yaml', '--key', 'op.key', '--trust', 'trust.yaml', '--tsa', tsa.url, '--transcript', 'run.jsonl']);
  assert.equal(run.code, 0, run.out);
  assert.ok(existsSync(at('run.jsonl.tsr')));
  const v = await ok(['verify', 'run.jsonl', '--trust', 'trust.yaml']);
  assert.match(v.stdout, /time: judged at \S+, from time-stamping authority test-tsa/);
  const md = await ok(['transcript', 'summary', 'run.jsonl', '--trust', 'trust.yaml']);
  assert.match(md.stdout, /\*\*Time:\*\* judged at .* test-tsa/);
  // The head token of one run does not vouch for another run.
  const run2 = await runsafe(['run', '--non-interactive', 'plain.runbook.yaml', '--key', 'op.key', '--trust', 'trust.yaml', '--transcript', 'run2.jsonl']);
  assert.equal(run2.code, 0, run2.out);
  copyFileSync(at('run.jsonl.tsr'), at('run2.jsonl.tsr'));
  const swapped = await runsafe(['verify', 'run2.jsonl', '--trust', 'trust.yaml', '--format', 'json']);
  assert.equal(swapped.code, 1);
  assert.equal(JSON.parse(swapped.stdout).firstSignatureBreach.reason, 'invalid_timestamp');
});

test('a transcript re-signed with a rotated-out key and backdated times fails at the TSA time', async () => {
  const oldOp = (await ok(['keygen', '--out', 'oldop.key', '--format', 'json'])).stdout;
  const k = JSON.parse(oldOp);
  await ok(['trust', 'add', 'trust.yaml', ...ROOT, `--public-key=${k.public_key}`, '--name', 'old-op', '--role', 'operator', '--valid-until', '2026-01-01T00:00:00Z']);
  const t = openTranscript(at('forged.jsonl'), { signer: readKeyFile(at('oldop.key')), runbook: { id: 'x', sha256: 'ab'.repeat(32) }, operator: 'old-op', now: () => new Date('2025-12-01T00:00:00Z') });
  t.append({ type: 'step_end', stepId: 's', state: 'passed' });
  t.close({ status: 'passed' });
  assert.equal((await runsafe(['verify', 'forged.jsonl', '--trust', 'trust.yaml'])).code, 0, 'the backdated claim alone passes: a signer\'s clock is a claim');
  await ok(['transcript', 'stamp', 'forged.jsonl', '--tsa', tsa.url]);
  const r = await runsafe(['verify', 'forged.jsonl', '--trust', 'trust.yaml', '--format', 'json']);
  assert.equal(r.code, 1, r.out);
  const report = JSON.parse(r.stdout);
  assert.equal(report.counts['SIGNATURE_BREACH:key_expired'], report.records);
  assert.equal(report.counts['SIGNATURE_BREACH:backdated_claim'], 1);
});
