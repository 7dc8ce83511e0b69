// Field mappings that tell the verifier where a chain keeps its id, links, signatures and keys.
import { PAYLOAD_TYPES } from './envelope';
import type { Role } from './trust-index';

export type Encoding = 'hex' | 'base64url' | 'base64';

export interface ChainMapping {
  /** Field holding the record's id (reported with each finding). */
  id: string;
  /** Field holding the previous record's hash. */
  prev: string;
  /** Field holding the signature; the signed bytes are the canonical record without this field. */
  sig: string;
  /** Field holding the key id; or use emitter + keyVersion to look keys up by identity and version. */
  kid?: string;
  keyVersion?: string;
  emitter?: string;
  /** Field holding the record's time (RFC 3339), used for key validity windows. */
  time?: string;
  /** Field holding a sequence number that must increase by one per record. */
  seq?: string;
  hashEncoding: Encoding;
  signatureEncoding: Encoding;
  /** DSSE payload type the signature is bound to; null signs the canonical bytes directly. */
  payloadType: string | null;
  /** The role a signing key must hold. */
  role: Role;
  /** The first record's prev must equal this (transcripts start at 64 zeros); undefined: unchecked. */
  genesis?: string;
  /** Transcripts end with a head record (type "head", count, head). */
  head: boolean;
}

export const TRANSCRIPT_MAPPING: ChainMapping = {
  id: 'seq',
  prev: 'prev',
  sig: 'sig',
  kid: 'kid',
  time: 'time',
  seq: 'seq',
  hashEncoding: 'hex',
  signatureEncoding: 'base64url',
  payloadType: PAYLOAD_TYPES.transcriptRecord,
  role: 'operator',
  genesis: '0'.repeat(64),
  head: true,
};

/** runsafe's own audit-chain export format. */
export const DEFAULT_CHAIN_MAPPING: ChainMapping = {
  id: 'id',
  prev: 'prev',
  sig: 'sig',
  kid: 'kid',
  time: 'time',
  hashEncoding: 'hex',
  signatureEncoding: 'base64url',
  payloadType: PAYLOAD_TYPES.auditEvent,
  role: 'emitter',
  head: false,
};

const FIELD_KEYS = ['id', 'prev', 'sig', 'kid', 'key_version', 'emitter', 'time', 'seq'] as const;
const ENCODINGS: Encoding[] = ['hex', 'base64url', 'base64'];

/**
 * Builds a mapping from a mapping file's object (snake_case keys, as users write them), on top
 * of the default chain mapping. Unknown keys are refused so a typo never silently disables a check.
 */
export function parseChainMapping(raw: unknown, o: { allowNoDomainSeparation?: boolean } = {}): ChainMapping {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('a mapping is an object of field names');
  const m: ChainMapping = { ...DEFAULT_CHAIN_MAPPING, kid: undefined, time: undefined };
  const known = new Set<string>([...FIELD_KEYS, 'hash_encoding', 'signature_encoding', 'payload_type', 'role', 'genesis']);
  for (const [k, v] of Object.entries(raw)) {
    if (!known.has(k)) throw new Error(`mapping: unknown key '${k}' (known: ${[...known].join(', ')})`);
    if ((FIELD_KEYS as readonly string[]).includes(k)) {
      if (typeof v !== 'string' || v === '') throw new Error(`mapping: '${k}' must name a field`);
      const prop = k === 'key_version' ? 'keyVersion' : k;
      (m as unknown as Record<string, string>)[prop] = v;
    } else if (k === 'hash_encoding' || k === 'signature_encoding') {
      if (!ENCODINGS.includes(v as Encoding)) throw new Error(`mapping: '${k}' must be one of ${ENCODINGS.join(', ')}`);
      if (k === 'hash_encoding') m.hashEncoding = v as Encoding;
      else m.signatureEncoding = v as Encoding;
    } else if (k === 'payload_type') {
      if (v !== null && typeof v !== 'string') throw new Error(`mapping: 'payload_type' must be a string or null`);
      if (v === null && !o.allowNoDomainSeparation) {
        throw new Error("mapping: 'payload_type: null' signs the canonical bytes with no payload type, so a signature made for any other document over the same bytes verifies here; pass --allow-no-domain-separation only if the exporter really signs that way");
      }
      const reserved = Object.entries(PAYLOAD_TYPES).find(([name, t]) => t === v && name !== 'auditEvent');
      if (reserved) throw new Error(`mapping: payload type ${String(v)} is reserved for runsafe's own ${reserved[0]} documents; a chain mapping cannot verify them (a transcript is verified with --kind transcript, which checks its genesis and closing head)`);
      m.payloadType = v as string | null;
    } else if (k === 'role') {
      if (!['approver', 'operator', 'emitter'].includes(v as string)) throw new Error(`mapping: 'role' must be approver, operator or emitter`);
      m.role = v as Role;
    } else if (k === 'genesis') {
      if (typeof v !== 'string') throw new Error(`mapping: 'genesis' must be a string`);
      m.genesis = v;
    }
  }
  if (!('kid' in (raw as object)) && !('key_version' in (raw as object))) m.kid = DEFAULT_CHAIN_MAPPING.kid;
  if (!('time' in (raw as object))) m.time = DEFAULT_CHAIN_MAPPING.time;
  if (!m.kid && !(m.keyVersion && m.emitter)) throw new Error('mapping: give kid, or both key_version and emitter, to find signing keys');
  return m;
}
