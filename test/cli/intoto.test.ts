// transcript summary --format intoto: an in-toto Statement v1 in a DSSE envelope, checked here as any DSSE verifier would (own PAE, node:crypto and openssl).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBuilt, okIn, runsafeIn } from './bundled-cli';

let dir: string;
let publicKey: string;
const at = (p: string) => join(dir, p);

before(() => {
  requireBuilt();
  dir = mkdtempSync(join(tmpdir(), 'runsafe-intoto-'));
  okIn(dir, ['keygen', '--out', 'root.key']);
  publicKey = JSON.parse(okIn(dir, ['keygen', '--out', 'op.key', '--format', 'json']).stdout).public_key;
  okIn(dir, ['trust', 'init', 'trust.yaml', '--root-key', 'root.key']);
  okIn(dir, ['trust', 'add', 'trust.yaml', '--root-key', 'root.key', `--public-key=${publicKey}`, '--name', 'ops@example.com', '--role', 'operator']);
  writeFileSync(at('plain.runbook.yaml'), 'runsafe: 1\nid: plain\ntitle: Plain\nsteps:\n  - id: hello\n    title: Say hello\n    run: echo hi\n    expect: { exit: 0 }\n');
  okIn(dir, ['run', '--non-interactive', 'plain.runbook.yaml', '--key', 'op.key', '--trust', 'trust.yaml', '--operator', 'ops@example.com', '--transcript', 'run.jsonl']);
});

/** DSSE v1 pre-authentication encoding, written here from the specification, not imported. */
const paeOf = (type: string, body: Buffer) => Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${body.length} `), body]);

test('the envelope verifies by the DSSE rules with node:crypto and with openssl pkeyutl, and the statement says what ran', () => {
  okIn(dir, ['transcript', 'summary', 'run.jsonl', '--trust', 'trust.yaml', '--format', 'intoto', '--key', 'op.key', '--out', 'run.intoto.json']);
  const env = JSON.parse(readFileSync(at('run.intoto.json'), 'utf8'));
  assert.equal(env.payloadType, 'application/vnd.in-toto+json');
  const body = Buffer.from(env.payload, 'base64');
  const message = paeOf(env.payloadType, body);
  const sig = Buffer.from(env.signatures[0].sig, 'base64');
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey }, format: 'jwk' });
  assert.equal(verify(null, message, key, sig), true, 'node:crypto');
  writeFileSync(at('pae.bin'), message);
  writeFileSync(at('sig.bin'), sig);
  writeFileSync(at('op.pub.pem'), key.export({ type: 'spki', format: 'pem' }));
  assert.match(execFileSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', 'op.pub.pem', '-rawin', '-in', 'pae.bin', '-sigfile', 'sig.bin'], { cwd: dir, encoding: 'utf8' }), /Signature Verified Successfully/);
  const statement = JSON.parse(body.toString('utf8'));
  assert.equal(statement._type, 'https://in-toto.io/Statement/v1');
  assert.deepEqual(statement.subject[0], { name: 'run.jsonl', digest: { sha256: createHash('sha256').update(readFileSync(at('run.jsonl'))).digest('hex') } });
  assert.equal(statement.subject[1].digest.sha256, createHash('sha256').update(readFileSync(at('plain.runbook.yaml'))).digest('hex'));
  assert.equal(statement.predicateType, 'https://runsafe.dev/attestation/run/v1');
  assert.equal(statement.predicate.runbook.id, 'plain');
  assert.equal(statement.predicate.operator, 'ops@example.com');
  assert.equal(statement.predicate.outcome, 'passed');
  assert.equal(statement.predicate.steps.find((s: { id: string }) => s.id === 'hello').result, 'passed');
  assert.equal(statement.predicate.verification.verdict, 'verified');
  // One changed byte of the payload and no DSSE verifier accepts it.
  const tampered = Buffer.from(body.toString('utf8').replace('"passed"', '"failed"'));
  assert.equal(verify(null, paeOf(env.payloadType, tampered), key, sig), false);
});

test('--format intoto needs the signing key; an unknown format is a usage error', () => {
  assert.equal(runsafeIn(dir, ['transcript', 'summary', 'run.jsonl', '--trust', 'trust.yaml', '--format', 'intoto']).code, 2);
  assert.equal(runsafeIn(dir, ['transcript', 'summary', 'run.jsonl', '--format', 'pdf']).code, 2);
});
