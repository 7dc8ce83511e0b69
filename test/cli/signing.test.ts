// keygen / trust / sign / verify / transcript summary as users run them: the bundled CLI in real processes.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openTranscript } from '../../client/src/node/transcript-writer';
import { readKeyFile } from '../../client/src/node/key-file';
import { encodeRecord } from '../../client/src/signing/chain-writer';
import { parseChainMapping } from '../../client/src/signing/chain-mapping';
import { createHash } from 'node:crypto';

const root = resolve(__dirname, '../..');
const cli = join(root, 'client/out/cli.js');
let dir: string;

function runsafe(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const at = (p: string) => join(dir, p);
/** The root key that signs every new version of the test trust stores. */
const ROOT = ['--root-key', 'root.key'];
const keys: Record<string, { publicKey: string; keyId: string }> = {};

before(() => {
  // scripts/test.mjs bundles once before any test file runs (files run concurrently).
  if (!existsSync(cli)) throw new Error('client/out/cli.js is missing: run npm run build');
  dir = mkdtempSync(join(tmpdir(), 'runsafe-signing-cli-'));
  for (const name of ['root', 'alice', 'bob', 'op', 'op2', 'emitter']) {
    const r = runsafe(['keygen', '--out', `${name}.key`, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    keys[name] = { publicKey: out.public_key, keyId: out.key_id };
  }
  assert.equal(runsafe(['trust', 'init', 'trust.yaml', ...ROOT]).code, 0);
  assert.equal(runsafe(['trust', 'add', 'trust.yaml', ...ROOT, '--public-key', keys.alice!.publicKey, '--name', 'alice', '--role', 'approver']).code, 0);
  assert.equal(runsafe(['trust', 'add', 'trust.yaml', ...ROOT, '--public-key', keys.bob!.publicKey, '--name', 'bob', '--role', 'approver,operator']).code, 0);
  assert.equal(runsafe(['trust', 'add', 'trust.yaml', ...ROOT, '--public-key', keys.op!.publicKey, '--name', 'ops@example.com', '--role', 'operator']).code, 0);
  assert.equal(runsafe(['trust', 'add', 'trust.yaml', ...ROOT, '--public-key', keys.emitter!.publicKey, '--name', 'raptor:order-router', '--role', 'emitter']).code, 0);
});

test('keygen writes a 0600 key, prints only the public key and id, never overwrites', () => {
  assert.equal(statSync(at('alice.key')).mode & 0o777, 0o600);
  const seed = readFileSync(at('alice.key'), 'utf8').trim();
  assert.match(seed, /^[A-Za-z0-9_-]{43}$/);
  const r = runsafe(['keygen', '--out', 'alice.key']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /already exists \(choose another path or remove it first\)/);
  assert.doesNotMatch(r.stderr, /EEXIST/);
  assert.equal(readFileSync(at('alice.key'), 'utf8').trim(), seed);
  const text = runsafe(['keygen', '--out', 'x.key']);
  assert.equal(text.code, 0);
  assert.ok(!text.stdout.includes(readFileSync(at('x.key'), 'utf8').trim()), 'the private key is never printed');
  assert.equal(runsafe(['keygen']).code, 2);
});

test('a key file readable by others is refused; an env var key works and its value never appears', () => {
  writeFileSync(at('loose.key'), readFileSync(at('bob.key')));
  chmodSync(at('loose.key'), 0o644);
  writeFileSync(at('rb.runbook.yaml'), 'runsafe: 1\nid: rb\n');
  const r = runsafe(['sign', 'rb.runbook.yaml', '--key', 'loose.key']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /accessible by group or others.*chmod 600/);
  const bad = 'this-is-not-a-valid-seed-value';
  const e = runsafe(['sign', 'rb.runbook.yaml', '--key-env', 'SEED'], { SEED: bad });
  assert.equal(e.code, 2);
  assert.ok(!e.stderr.includes(bad) && !e.stdout.includes(bad));
  const seed = readFileSync(at('bob.key'), 'utf8').trim();
  const ok = runsafe(['sign', 'rb.runbook.yaml', '--key-env', 'SEED', '--trust', 'trust.yaml'], { SEED: seed });
  assert.equal(ok.code, 0, ok.stderr);
  assert.ok(!ok.stdout.includes(seed) && !ok.stderr.includes(seed));
  assert.match(ok.stdout, /as bob/);
});

test('sign + verify a runbook: approved, modified, N distinct approvers, json', () => {
  writeFileSync(at('a.runbook.yaml'), 'runsafe: 1\nid: a\ntitle: A\n');
  assert.equal(runsafe(['verify', 'a.runbook.yaml', '--trust', 'trust.yaml']).code, 1, 'unapproved');
  assert.equal(runsafe(['sign', 'a.runbook.yaml', '--key', 'alice.key', '--trust', 'trust.yaml']).code, 0);
  const ok = runsafe(['verify', 'a.runbook.yaml', '--trust', 'trust.yaml']);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /APPROVED: approved by alice/);
  const two = runsafe(['verify', 'a.runbook.yaml', '--trust', 'trust.yaml', '--required', '2', '--format', 'json']);
  assert.equal(two.code, 1);
  assert.equal(JSON.parse(two.stdout).verdict, 'unapproved');
  assert.equal(runsafe(['sign', 'a.runbook.yaml', '--key', 'bob.key', '--trust', 'trust.yaml']).code, 0);
  assert.equal(runsafe(['verify', 'a.runbook.yaml.sig', '--trust', 'trust.yaml', '--required', '2']).code, 0);
  writeFileSync(at('a.runbook.yaml'), 'runsafe: 1\nid: a\ntitle: B\n');
  const mod = runsafe(['verify', 'a.runbook.yaml', '--trust', 'trust.yaml', '--format', 'json']);
  assert.equal(mod.code, 1);
  assert.equal(JSON.parse(mod.stdout).verdict, 'modified');
  // An operator-only key is not an approver.
  writeFileSync(at('c.runbook.yaml'), 'runsafe: 1\nid: c\n');
  runsafe(['sign', 'c.runbook.yaml', '--key', 'op.key']);
  assert.equal(JSON.parse(runsafe(['verify', 'c.runbook.yaml', '--trust', 'trust.yaml', '--format', 'json']).stdout).verdict, 'untrusted');
});

function writeTranscript(name: string, keyFile = 'op.key'): string[] {
  const p = at(name);
  const t = openTranscript(p, { signer: readKeyFile(at(keyFile)), runbook: { id: 'demo', sha256: 'cd'.repeat(32), title: 'Demo' }, operator: 'ops@example.com', inputs: { APP_ENV: 'staging', SEED: { redacted: true } } });
  for (let i = 0; i < 5; i++) {
    t.append({ type: 'step_start', stepId: `s${i}`, title: `Step ${i}`, state: 'running' });
    t.append({ type: 'check', stepId: `s${i}`, check: 'exit 0', ok: true });
    t.append({ type: 'step_end', stepId: `s${i}`, title: `Step ${i}`, state: 'passed' });
  }
  t.close({ status: 'passed' });
  return readFileSync(p, 'utf8').split('\n').slice(0, -1);
}

test('verify a transcript: verified, tampered (json index), strict quarantine, unterminated', () => {
  const lines = writeTranscript('run.jsonl');
  const ok = runsafe(['verify', 'run.jsonl', '--trust', 'trust.yaml']);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /^transcript run\.jsonl: VERIFIED: 18 records, signed by ops@example\.com/);
  const tampered = lines.slice();
  tampered[5] = tampered[5]!.replace('"ok":true', '"ok":false');
  assert.notEqual(tampered[5], lines[5]);
  writeFileSync(at('bad.jsonl'), tampered.join('\n') + '\n');
  const bad = runsafe(['verify', 'bad.jsonl', '--trust', 'trust.yaml', '--format', 'json', '--strict', '--quarantine', 'q.bin']);
  assert.equal(bad.code, 1);
  const report = JSON.parse(bad.stdout);
  assert.equal(report.kind, 'transcript');
  assert.deepEqual(report.firstSignatureBreach, { index: 5, id: '5', reason: 'invalid_signature' });
  assert.deepEqual(report.firstHashChainBreach, { index: 6, id: '6', reason: 'prev_hash_mismatch' });
  assert.equal(readFileSync(at('q.bin'), 'utf8'), `${tampered[5]}\n${tampered[6]}\n`);
  assert.equal(runsafe(['verify', 'bad.jsonl', '--quarantine', 'q2.bin']).code, 2, '--quarantine without --strict is a usage error');
  writeFileSync(at('cut.jsonl'), lines.slice(0, 7).join('\n') + '\n');
  const cut = runsafe(['verify', 'cut.jsonl', '--trust', 'trust.yaml']);
  assert.equal(cut.code, 1);
  assert.match(cut.stdout, /UNTERMINATED: 7 records verify/);
  assert.equal(runsafe(['verify', 'cut.jsonl', '--trust', 'trust.yaml', '--allow-unterminated']).code, 0);
  assert.equal(runsafe(['verify', 'run.jsonl']).code, 1, 'no trust store: nothing is trusted');
  assert.equal(runsafe(['verify', 'missing.jsonl', '--trust', 'trust.yaml']).code, 2);
  writeFileSync(at('empty.jsonl'), '');
  const empty = runsafe(['verify', 'empty.jsonl', '--trust', 'trust.yaml', '--kind', 'chain']);
  assert.equal(empty.code, 1);
  assert.match(empty.stdout, /FAILED: the file holds no records/);
});

test('transcript summary renders the attestation with the verification result', () => {
  writeTranscript('sum.jsonl');
  const r = runsafe(['transcript', 'summary', 'sum.jsonl', '--trust', 'trust.yaml']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^# Run attestation: Demo/);
  assert.match(r.stdout, /\*\*Verification:\*\* PASS/);
  assert.match(r.stdout, /\| SEED \| \(secret, not recorded\) \|/);
  assert.match(r.stdout, /\| s4 \| Step 4 \| passed \| ✔ exit 0 \|/);
  assert.match(r.stdout, /ops@example\.com \(key [0-9a-f]{16}\)/);
  const lines = readFileSync(at('sum.jsonl'), 'utf8').split('\n');
  lines.splice(3, 1);
  writeFileSync(at('sum-bad.jsonl'), lines.join('\n'));
  const bad = runsafe(['transcript', 'summary', 'sum-bad.jsonl', '--trust', 'trust.yaml', '--out', 'att.md']);
  assert.equal(bad.code, 1);
  assert.match(readFileSync(at('att.md'), 'utf8'), /FAIL — HASH_CHAIN_BREACH at record 3 \(prev_hash_mismatch\)/);
  writeFileSync(at('not-a-transcript.jsonl'), '{"a":1}\n');
  const other = runsafe(['transcript', 'summary', 'not-a-transcript.jsonl']);
  assert.equal(other.code, 2);
  assert.match(other.stderr, /not a runsafe transcript/);
});

test('trust rotate / revoke / list through the CLI; old records keep verifying; a forged store is refused', () => {
  writeTranscript('before.jsonl');
  const rot = runsafe(['trust', 'rotate', 'trust.yaml', ...ROOT, keys.op!.keyId, '--old-key', 'op.key', '--new-key', 'op2.key']);
  assert.equal(rot.code, 0, rot.stderr);
  assert.equal(runsafe(['verify', 'before.jsonl', '--trust', 'trust.yaml']).code, 0, 'signed inside the old window');
  writeTranscript('after.jsonl', 'op.key');
  const after = runsafe(['verify', 'after.jsonl', '--trust', 'trust.yaml', '--format', 'json']);
  assert.equal(after.code, 1);
  assert.equal(JSON.parse(after.stdout).firstSignatureBreach.reason, 'key_expired');
  writeTranscript('new.jsonl', 'op2.key');
  assert.equal(runsafe(['verify', 'new.jsonl', '--trust', 'trust.yaml']).code, 0);
  const list = runsafe(['trust', 'list', 'trust.yaml']);
  assert.equal(list.code, 0, list.stdout);
  assert.match(list.stdout, /ops@example\.com v2/);
  assert.match(list.stdout, /rotation .*ops@example\.com v1 .* -> v2/);
  assert.equal(runsafe(['trust', 'revoke', 'trust.yaml', ...ROOT, keys.bob!.keyId, '--reason', 'left the team']).code, 0);
  assert.equal(runsafe(['trust', 'revoke', 'trust.yaml', ...ROOT, keys.bob!.keyId, '--reason', 'again']).code, 2);
  const text = readFileSync(at('trust.yaml'), 'utf8');
  writeFileSync(at('forged.yaml'), text.replace(/(\s+old: )(\S)/, (_m, lead: string, c: string) => `${lead}${c === 'A' ? 'B' : 'A'}`));
  assert.notEqual(readFileSync(at('forged.yaml'), 'utf8'), text);
  assert.equal(runsafe(['trust', 'list', 'forged.yaml']).code, 1);
  const refused = runsafe(['verify', 'new.jsonl', '--trust', 'forged.yaml']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /failed self-verification/);
  const weak = runsafe(['trust', 'add', 'trust.yaml', ...ROOT, '--public-key', 'AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', '--name', 'x', '--role', 'emitter']);
  assert.equal(weak.code, 2);
  assert.match(weak.stderr, /small-order/);
});

test('verify an exported audit chain with a field mapping (trace events), and detect truncation', () => {
  const mappingDoc = { id: 'id', prev: 'hash_prev', sig: 'sig', emitter: 'subsystem', key_version: 'sig_key_version', time: 'ts_emitted', signature_encoding: 'hex' };
  writeFileSync(at('mapping.yaml'), Object.entries(mappingDoc).map(([k, v]) => `${k}: ${v}`).join('\n') + '\n');
  const mapping = parseChainMapping(mappingDoc);
  const signer = readKeyFile(at('emitter.key'));
  const lines: string[] = [];
  let prev: string | null = null;
  for (let i = 0; i < 50; i++) {
    const line = encodeRecord({ id: `evt-${i}`, hash_prev: prev, subsystem: 'raptor:order-router', sig_key_version: 'v1', ts_emitted: new Date(Date.now() - 3600_000 + i * 1000).toISOString(), context_json: { n: i } }, mapping, signer);
    lines.push(line);
    prev = createHash('sha256').update(line).digest('hex');
  }
  writeFileSync(at('events.jsonl'), lines.join('\n') + '\n');
  const ok = runsafe(['verify', 'events.jsonl', '--trust', 'trust.yaml', '--mapping', 'mapping.yaml', '--expect-count', '50', '--expect-head', prev!]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /^chain events\.jsonl: VERIFIED: 50 records/);
  writeFileSync(at('events-cut.jsonl'), lines.slice(0, 40).join('\n') + '\n');
  const cut = runsafe(['verify', 'events-cut.jsonl', '--trust', 'trust.yaml', '--mapping', 'mapping.yaml', '--expect-count', '50', '--format', 'json']);
  assert.equal(cut.code, 1);
  assert.deepEqual(JSON.parse(cut.stdout).firstHashChainBreach, { index: 40, id: null, reason: 'truncated' });
  writeFileSync(at('bad-mapping.yaml'), 'prevv: x\n');
  assert.equal(runsafe(['verify', 'events.jsonl', '--trust', 'trust.yaml', '--mapping', 'bad-mapping.yaml']).code, 2);
  assert.ok(existsSync(at('events.jsonl')));
});

test('a public key that starts with a dash is taken as the value of --public-key', async () => {
  // About one base64url key in 64 starts with '-'; pasting one must not read as an option.
  const { generateKeyPairSync } = await import('node:crypto');
  let x = '';
  while (!x.startsWith('-')) x = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x!;
  assert.equal(runsafe(['trust', 'init', 'dash-trust.yaml', ...ROOT]).code, 0);
  const r = runsafe(['trust', 'add', 'dash-trust.yaml', ...ROOT, '--public-key', x, '--name', 'dash', '--role', 'emitter']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(readFileSync(at('dash-trust.yaml'), 'utf8').includes(x));
});
