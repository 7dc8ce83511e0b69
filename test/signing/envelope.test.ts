// DSSE pre-authentication encoding binds the payload type into the signed bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pae, PAYLOAD_TYPES } from '../../client/src/signing/envelope';
import { fromUtf8, utf8 } from '../../client/src/signing/bytes';
import { signerFromSeed } from '../../client/src/signing/keys';
import { verifyStrict } from '../../client/src/signing/ed25519';

test('PAE matches the DSSE v1 layout', () => {
  assert.equal(fromUtf8(pae('t/x', utf8('héllo'))), 'DSSEv1 3 t/x 6 héllo');
  assert.equal(fromUtf8(pae('', new Uint8Array())), 'DSSEv1 0  0 ');
});

test('a signature over one payload type never verifies as another', () => {
  const signer = signerFromSeed(new Uint8Array(32).fill(3));
  const body = utf8('{"same":"bytes"}');
  const sig = signer.sign(pae(PAYLOAD_TYPES.runbookApproval, body));
  assert.equal(verifyStrict(sig, pae(PAYLOAD_TYPES.runbookApproval, body), signer.publicKey), true);
  for (const other of [PAYLOAD_TYPES.transcriptRecord, PAYLOAD_TYPES.auditEvent, PAYLOAD_TYPES.keyRotation]) {
    assert.equal(verifyStrict(sig, pae(other, body), signer.publicKey), false, other);
  }
  assert.equal(verifyStrict(sig, body, signer.publicKey), false, 'raw body');
});
