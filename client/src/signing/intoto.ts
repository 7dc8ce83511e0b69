// An in-toto Statement v1 about a run, in a DSSE envelope: the standard form of the attestation beside the markdown.
//
// Envelope (DSSE v1): { payloadType: "application/vnd.in-toto+json", payload: base64(statement),
//   signatures: [{ keyid, sig: base64(Ed25519(PAE(payloadType, statement bytes))) }] }
// Any DSSE verifier checks it with the operator's public key; the statement's bytes are RFC 8785.
import { toBase64, utf8 } from './bytes';
import { canonicalize } from './jcs';
import { pae } from './envelope';
import type { Signer } from './keys';
import { stepsOf, type AttestationInput } from './attestation';

export const INTOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const RUN_PREDICATE_TYPE = 'https://runsafe.dev/attestation/run/v1';

export interface DsseEnvelope {
  payloadType: string;
  payload: string;
  signatures: { keyid: string; sig: string }[];
}

type Rec = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));

/** The statement: the transcript (and the runbook it ran) as subjects, the run as the predicate. */
export function runStatement(a: AttestationInput & { transcriptSha256: string; transcriptName: string }): Rec {
  const start = a.records.find((r) => r['type'] === 'run_start') ?? {};
  const end = a.records.find((r) => r['type'] === 'run_end');
  const runbook = (start['runbook'] ?? {}) as Rec;
  const summary = (end?.['summary'] ?? {}) as Rec;
  const subject: Rec[] = [{ name: a.transcriptName, digest: { sha256: a.transcriptSha256 } }];
  if (typeof runbook['sha256'] === 'string') subject.push({ name: str(runbook['path']) || str(runbook['id']), digest: { sha256: runbook['sha256'] } });
  const steps = [...stepsOf(a.records)].map(([id, s]) => ({ id, title: s.title, result: s.state, ...(s.detail ? { detail: s.detail } : {}), checks: s.checks }));
  return {
    _type: STATEMENT_TYPE,
    subject,
    predicateType: RUN_PREDICATE_TYPE,
    predicate: {
      runbook: { id: str(runbook['id']), sha256: str(runbook['sha256']), ...(runbook['path'] ? { path: str(runbook['path']) } : {}) },
      operator: str(start['operator']),
      started_at: str(start['time']),
      finished_at: str(end?.['time'] ?? ''),
      outcome: str(summary['status']) || (end ? 'unknown' : 'not finished'),
      steps,
      verification: {
        verdict: a.report.verdict,
        records: a.report.records,
        last_hash: a.report.lastHash ?? '',
        signers: Object.keys(a.report.signers).map((k) => ({ key_id: k, identity: a.signers[k] ?? 'unknown' })),
        time: a.report.time.source === 'tsa' ? { source: 'tsa', tsa: a.report.time.tsa, at: a.report.time.at } : { source: 'signer' },
        ...(a.report.firstHashChainBreach ? { first_hash_chain_breach: a.report.firstHashChainBreach } : {}),
        ...(a.report.firstSignatureBreach ? { first_signature_breach: a.report.firstSignatureBreach } : {}),
      },
    },
  };
}

/** Signs a statement into a DSSE envelope (standard base64, as the DSSE specification writes it). */
export function dsseEnvelope(statement: Rec, signer: Signer): DsseEnvelope {
  const body = utf8(canonicalize(statement));
  return { payloadType: INTOTO_PAYLOAD_TYPE, payload: toBase64(body), signatures: [{ keyid: signer.keyId, sig: toBase64(signer.sign(pae(INTOTO_PAYLOAD_TYPE, body))) }] };
}
