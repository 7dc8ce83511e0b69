// The signed trust store through the bundled CLI: every edited field refused, rollback refused, thresholds, root rotation, unsigned only when allowed.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { requireBuilt, okIn, runsafeIn } from './bundled-cli';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

let dir: string;
const keys: Record<string, { publicKey: string; keyId: string }> = {};
const runsafe = (args: string[], cwd = dir) => runsafeIn(cwd, args);
const ok = (args: string[], cwd = dir) => okIn(cwd, args);
const at = (p: string) => join(dir, p);
const ROOT = ['--root-key', 'root.key'];

before(() => {
  requireBuilt();
  dir = mkdtempSync(join(tmpdir(), 'runsafe-signed-store-'));
  for (const name of ['root', 'root2', 'root3', 'alice', 'op', 'op2', 'intruder']) {
    const out = JSON.parse(ok(['keygen', '--out', `${name}.key`, '--format', 'json']).stdout);
    keys[name] = { publicKey: out.public_key, keyId: out.key_id };
  }
  ok(['trust', 'init', 'trust.yaml', ...ROOT]);
  ok(['trust', 'add', 'trust.yaml', ...ROOT, `--public-key=${keys.alice!.publicKey}`, '--name', 'alice', '--role', 'approver', '--valid-until', '2030-01-01T00:00:00Z']);
  ok(['trust', 'add', 'trust.yaml', ...ROOT, `--public-key=${keys.op!.publicKey}`, '--name', 'ops', '--role', 'operator']);
  ok(['trust', 'rotate', 'trust.yaml', ...ROOT, keys.op!.keyId, '--old-key', 'op.key', '--new-key', 'op2.key']);
  ok(['trust', 'revoke', 'trust.yaml', ...ROOT, keys.op2!.keyId, '--reason', 'retired', '--at', '2030-01-01T00:00:00Z']);
  writeFileSync(at('r.runbook.yaml'), 'runsafe: 1\nid: r\nsteps: []\n');
  ok(['sign', 'r.runbook.yaml', '--key', 'alice.key', '--trust', 'trust.yaml']);
});

type Doc = Record<string, any>;
const doc = (): Doc => parse(readFileSync(at('trust.yaml'), 'utf8'));

test('every change is the next version, signed again; the store verifies', () => {
  const d = doc();
  assert.equal(d.runsafe_trust, 2);
  assert.equal(d.version, 5, 'init, add, add, rotate, revoke');
  assert.deepEqual(d.signatures.map((s: { key_id: string }) => s.key_id), [keys.root!.keyId]);
  const list = ok(['trust', 'list', 'trust.yaml']);
  assert.match(list.stdout, /version 5: root threshold 1 of [0-9a-f]{16}; signed by/);
  ok(['verify', 'r.runbook.yaml', '--trust', 'trust.yaml']);
});

test('a store with any field edited in turn (window, revocation, roles, rotations, version, root, keys) is refused', () => {
  const edits: [string, (d: Doc) => void][] = [
    ['valid_until removed', (d) => delete d.keys[0].valid_until],
    ['valid_until moved', (d) => (d.keys[0].valid_until = '2040-01-01T00:00:00.000Z')],
    ['revoked_at removed', (d) => delete d.keys.find((k: Doc) => k.revoked_at).revoked_at],
    ['revocation reason changed', (d) => (d.keys.find((k: Doc) => k.revoked_at).revocation_reason = 'x')],
    ['a role added', (d) => d.keys[1].roles.push('approver')],
    ['an identity changed', (d) => (d.keys[0].identity = 'mallory')],
    ['an approver added', (d) => d.keys.push({ ...d.keys[0], key_id: keys.intruder!.keyId, public_key: keys.intruder!.publicKey, identity: 'intruder' })],
    ['a rotation dropped', (d) => (d.rotations = [])],
    ['a rotated key window reopened', (d) => delete d.keys.find((k: Doc) => k.key_id === keys.op!.keyId).valid_until],
    ['the version raised', (d) => (d.version = 99)],
    ['a root key added', (d) => d.root.keys.push({ key_id: keys.intruder!.keyId, public_key: keys.intruder!.publicKey })],
    ['the signatures removed', (d) => (d.signatures = [])],
    ['a TSA added', (d) => (d.tsa = [{ name: 'evil', certificate: '-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n' }])],
  ];
  for (const [name, edit] of edits) {
    const d = doc();
    edit(d);
    const file = `edited-${name.replace(/\W+/g, '-')}.yaml`;
    writeFileSync(at(file), stringify(d, { aliasDuplicateObjects: false }));
    // A fresh folder for pins: refusal must come from the signatures, not from a rollback pin.
    const fresh = mkdtempSync(join(tmpdir(), 'runsafe-signed-store-pins-'));
    const r = runsafe(['verify', at('r.runbook.yaml'), '--trust', at(file)], fresh);
    assert.equal(r.code, 2, `${name}: ${r.out}`);
    assert.match(r.stderr, /failed self-verification/, name);
    assert.equal(runsafe(['trust', 'list', at(file)], fresh).code, 1, `${name}: trust list`);
  }
});

test('rollback to an older version than the newest seen is refused (pinned under .runsafe/); a second store with one version is refused', () => {
  copyFileSync(at('trust.yaml'), at('v5.yaml'));
  ok(['verify', 'r.runbook.yaml', '--trust', 'v5.yaml']);
  ok(['trust', 'revoke', 'trust.yaml', ...ROOT, keys.alice!.keyId, '--reason', 'compromised', '--compromised']);
  const now = runsafe(['verify', 'r.runbook.yaml', '--trust', 'trust.yaml', '--format', 'json']);
  assert.equal(JSON.parse(now.stdout).verdict, 'revoked');
  // The attacker restores the older, validly signed version 5, in which alice is still good.
  const back = runsafe(['verify', 'r.runbook.yaml', '--trust', 'v5.yaml']);
  assert.equal(back.code, 2, back.out);
  assert.match(back.stderr, /rollback: this is version 5 of trust store [0-9a-f]+, older than version 6/);
  const pins = JSON.parse(readFileSync(at('.runsafe/trust-pins.json'), 'utf8'));
  assert.equal(Object.values(pins.stores as Record<string, { version: number }>)[0]!.version, 6);
  // A fork: the root signs two different version-7 stores; the second one seen is refused.
  copyFileSync(at('trust.yaml'), at('fork.yaml'));
  ok(['trust', 'window', 'trust.yaml', ...ROOT, keys.op2!.keyId, '--valid-until', '2031-01-01T00:00:00Z']);
  ok(['trust', 'window', at('fork.yaml'), '--root-key', at('root.key'), keys.op2!.keyId, '--valid-until', '2032-01-01T00:00:00Z'], mkdtempSync(join(tmpdir(), 'runsafe-fork-')));
  assert.equal(runsafe(['verify', 'r.runbook.yaml', '--trust', 'trust.yaml']).code, 1, 'version 7 loads (alice is revoked in it) and is pinned');
  const fork = runsafe(['verify', 'r.runbook.yaml', '--trust', 'fork.yaml']);
  assert.equal(fork.code, 2, fork.out);
  assert.match(fork.stderr, /version 7 differs from the version 7 seen/);
});

test('an unsigned store is refused; --allow-unsigned-store loads it with a loud warning', () => {
  writeFileSync(at('old.yaml'), stringify({ runsafe_trust: 1, keys: doc().keys.filter((k: Doc) => k.identity === 'ops') }));
  const refused = runsafe(['verify', 'r.runbook.yaml', '--trust', 'old.yaml']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /not signed.*trust init --from/s);
  const allowed = runsafe(['verify', 'r.runbook.yaml', '--trust', 'old.yaml', '--allow-unsigned-store']);
  assert.equal(allowed.code, 1, 'loaded (no approver in it), not refused');
  assert.match(allowed.stderr, /WARNING: UNSIGNED TRUST STORE old\.yaml loaded because of --allow-unsigned-store/);
  assert.equal(runsafe(['trust', 'add', 'old.yaml', ...ROOT, `--public-key=${keys.intruder!.publicKey}`, '--name', 'x', '--role', 'approver']).code, 2, 'an unsigned store is not changed, only migrated');
  ok(['trust', 'init', 'migrated.yaml', ...ROOT, '--from', 'old.yaml']);
  assert.equal(doc().keys.filter((k: Doc) => k.identity === 'ops').length, parse(readFileSync(at('migrated.yaml'), 'utf8')).keys.length);
  ok(['trust', 'list', 'migrated.yaml']);
});

test('a threshold of 2: one root signature is not enough; trust sign by a second root holder makes the version valid', () => {
  ok(['trust', 'init', 'two.yaml', '--root-key', 'root2.key', '--root-public-key', keys.root3!.publicKey, '--threshold', '2']);
  const under = runsafe(['verify', 'r.runbook.yaml', '--trust', 'two.yaml']);
  assert.equal(under.code, 2);
  assert.match(under.stderr, /signed by 1 of the 2 root key\(s\) required/);
  ok(['trust', 'sign', 'two.yaml', '--root-key', 'root3.key']);
  assert.equal(runsafe(['verify', 'r.runbook.yaml', '--trust', 'two.yaml']).code, 1, 'the store verifies (alice is not in it, so: untrusted)');
  const notRoot = runsafe(['trust', 'sign', 'two.yaml', '--root-key', 'alice.key']);
  assert.equal(notRoot.code, 2);
  assert.match(notRoot.stderr, /not a root key of this store/);
});

test('root rotation: signed by the threshold of the old and of the new root set; a root swapped without it is refused', () => {
  ok(['trust', 'init', 'rot.yaml', ...ROOT]);
  assert.equal(runsafe(['verify', 'r.runbook.yaml', '--trust', 'rot.yaml']).code, 1, 'version 1 loads (alice is not in it) and is pinned');
  copyFileSync(at('rot.yaml'), at('rot-v1.yaml'));
  ok(['trust', 'root', 'rot.yaml', ...ROOT, '--new-root-key', 'root2.key']);
  const d = parse(readFileSync(at('rot.yaml'), 'utf8'));
  assert.equal(d.version, 2);
  assert.deepEqual(d.root.keys.map((k: Doc) => k.key_id), [keys.root2!.keyId]);
  assert.equal(d.root_rotations[0].signatures.length, 2, 'old and new root keys signed the rotation');
  ok(['trust', 'list', 'rot.yaml']);
  const next = runsafe(['verify', 'r.runbook.yaml', '--trust', 'rot.yaml']);
  assert.equal(next.code, 1, `version 2 loads: its root is reached from the pinned one by a signed rotation\n${next.out}`);
  // Without the old root's signature: someone made a new store with the same id and their own root.
  const forged = parse(readFileSync(at('rot-v1.yaml'), 'utf8'));
  forged.root = { threshold: 1, keys: [{ key_id: keys.intruder!.keyId, public_key: keys.intruder!.publicKey }] };
  forged.version = 3;
  writeFileSync(at('rot-forged.yaml'), stringify(forged, { aliasDuplicateObjects: false }));
  ok(['trust', 'sign', 'rot-forged.yaml', '--root-key', 'intruder.key']);
  const refused = runsafe(['verify', 'r.runbook.yaml', '--trust', 'rot-forged.yaml']);
  assert.equal(refused.code, 2, refused.out);
  assert.match(refused.stderr, /root keys of trust store [0-9a-f]+ changed since version 2 without a root rotation signed by the pinned root keys/);
  const oneSided = runsafe(['trust', 'root', 'rot.yaml', '--root-key', 'root2.key', '--new-root-public-key', keys.root3!.publicKey]);
  assert.equal(oneSided.code, 2);
  assert.match(oneSided.stderr, /needs 1 of the new root keys; got 0/);
});
