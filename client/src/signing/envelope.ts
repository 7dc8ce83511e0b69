// DSSE-style pre-authentication encoding: a signature is bound to its payload type, so a
// signature made for one kind of document can never verify as another kind.
import { concatBytes, utf8 } from './bytes';

/** Payload types are part of the signed bytes; changing one invalidates every signature. */
export const PAYLOAD_TYPES = {
  runbookApproval: 'application/vnd.runsafe.runbook-approval+json',
  transcriptRecord: 'application/vnd.runsafe.transcript-record+json',
  auditEvent: 'application/vnd.runsafe.audit-event+json',
  keyRotation: 'application/vnd.runsafe.key-rotation+json',
  trustStore: 'application/vnd.runsafe.trust-store+json',
  rootRotation: 'application/vnd.runsafe.root-rotation+json',
} as const;

/**
 * PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths as decimal
 * ASCII byte counts (the DSSE v1 specification).
 */
export function pae(payloadType: string, body: Uint8Array): Uint8Array {
  return paeWith(paePrefix(payloadType), body);
}

/** The constant head of PAE for one payload type, so a verifier encodes it once, not per record. */
export function paePrefix(payloadType: string): Uint8Array {
  const type = utf8(payloadType);
  return concatBytes(utf8(`DSSEv1 ${type.length} `), type);
}

export function paeWith(prefix: Uint8Array, body: Uint8Array): Uint8Array {
  return concatBytes(prefix, utf8(` ${body.length} `), body);
}
