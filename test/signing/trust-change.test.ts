// commitTrustChange (the editor's add-key and rotate): the next version is signed by the root keys at hand, or nothing is written; `runsafe trust list` agrees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { commitTrustChange, trustStateDir } from '../../client/src/node/trust-change';
import { readKeyFile } from '../../client/src/node/key-file';
import { addKey, rotateKey } from '../../client/src/signing/trust-store';
import { signer, tempDir } from './helpers';

const cliPath = resolve(__dirname, '..', '..', 'client', 'out', 'cli.js');
const cli = (args: string[], cwd: string) => spawnSync(process.execPath, [cliPath, ...args], { cwd, encoding: 'utf8' });

/** A workspace with a store made by the CLI (`trust init --root-key`), the operator's key added by the root. */
function workspace() {
  const ws = tempDir('runsafe-trust-change-');
  const store = join(ws, 'trust.yaml');
  assert.equal(cli(['keygen', '--out', 'root.key'], ws).status, 0);
  const init = cli(['trust', 'init', store, '--root-key', 'root.key'], ws);
  assert.equal(init.status, 0, init.stderr);
  return { ws, store, root: readKeyFile(join(ws, 'root.key')) };
}

const OPERATOR = signer(41);
const NEXT = signer(42);
const add = (publicKey: Uint8Array) => (s: Parameters<typeof addKey>[0]) => addKey(s, { publicKey, identity: 'op@host', roles: ['operator', 'approver'], now: new Date().toISOString() }).store;

test('without a root key nothing is written; with it the next version verifies for the CLI', () => {
  const { ws, store, root } = workspace();
  const before = readFileSync(store, 'utf8');
  const refused = commitTrustChange(store, { stateDir: trustStateDir(ws), signers: [OPERATOR], change: add(OPERATOR.publicKey) });
  assert.deepEqual(refused, { written: false, version: 2, rootKeys: [root.keyId], threshold: 1, have: [] });
  assert.equal(readFileSync(store, 'utf8'), before, 'the file is untouched');

  const done = commitTrustChange(store, { stateDir: trustStateDir(ws), signers: [OPERATOR, root], change: add(OPERATOR.publicKey) });
  assert.deepEqual(done, { written: true, version: 2, signedBy: [root.keyId] });
  const list = cli(['trust', 'list', store], ws);
  assert.equal(list.status, 0, list.stdout + list.stderr);
  assert.match(list.stdout, /version 2: root threshold 1/);
  assert.match(list.stdout, new RegExp(`${OPERATOR.keyId}  op@host v1`));
  // The workspace pinned version 2: the CLI, run in the workspace, refuses the older version.
  const pins = JSON.parse(readFileSync(join(ws, '.runsafe', 'trust-pins.json'), 'utf8')) as { stores: Record<string, { version: number }> };
  assert.equal(Object.values(pins.stores)[0]!.version, 2);
});

test('a rotation is signed by the root and carries both keys\' statement; a store edited by hand is never re-signed', () => {
  const { ws, store, root } = workspace();
  commitTrustChange(store, { stateDir: trustStateDir(ws), signers: [root], change: add(OPERATOR.publicKey) });
  const rotated = commitTrustChange(store, { stateDir: trustStateDir(ws), signers: [root], change: (s) => rotateKey(s, OPERATOR.keyId, OPERATOR, NEXT, new Date().toISOString()).store });
  assert.equal(rotated.written, true);
  const list = cli(['trust', 'list', store], ws);
  assert.equal(list.status, 0, list.stdout + list.stderr);
  assert.match(list.stdout, new RegExp(`rotation .*\\(${OPERATOR.keyId}\\) -> v2 \\(${NEXT.keyId}\\)`));

  // Someone edits a role by hand: the signatures no longer hold, and the editor refuses to sign over it.
  writeFileSync(store, readFileSync(store, 'utf8').replace('- approver', '- emitter'));
  const third = signer(43);
  assert.throws(() => commitTrustChange(store, { stateDir: trustStateDir(ws), signers: [root], change: add(third.publicKey) }), /failed self-verification/);
  assert.doesNotMatch(readFileSync(store, 'utf8'), new RegExp(third.keyId));
});
