// Reads and writes `<runbook>.sig` approval files and checks a runbook file's approvals (for the runner's gate too).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { addApproval, formatApprovalFile, parseApprovalFile, verifyApproval, type ApprovalFile, type ApprovalReport } from '../signing/approval';
import type { Signer } from '../signing/keys';
import type { KeyLookup } from '../signing/trust-index';
import type { TsaEntry } from '../signing/trust-store';
import { fromBase64, fromBase64url, toBase64 } from '../signing/bytes';
import { checkTimestamp, requestTimestamp } from './tsa';
import { nativeCrypto } from './native-crypto';

export function approvalPath(runbookPath: string): string {
  return `${runbookPath}.sig`;
}

export function readApprovalFile(runbookPath: string): ApprovalFile | undefined {
  const p = approvalPath(runbookPath);
  if (!existsSync(p)) return undefined;
  try {
    return parseApprovalFile(readFileSync(p, 'utf8'));
  } catch (err) {
    throw new Error(`${p}: ${(err as Error).message}`);
  }
}

/**
 * Signs the runbook's exact bytes and writes or extends `<runbook>.sig` (atomically). With `tsa`,
 * the signature is time-stamped by that RFC 3161 authority before anything is written.
 */
export async function signRunbookFile(runbookPath: string, signer: Signer, identity: string, now: Date, o: { tsa?: string } = {}): Promise<{ path: string; sha256: string; count: number; tsa: boolean }> {
  const bytes = readFileSync(runbookPath);
  const { file, entry } = addApproval(readApprovalFile(runbookPath), bytes, signer, { identity, now: now.toISOString(), crypto: nativeCrypto });
  if (o.tsa) entry.tsa_token = toBase64(await requestTimestamp(o.tsa, nativeCrypto.sha256(fromBase64url(entry.sig))));
  const p = approvalPath(runbookPath);
  const tmp = `${p}.${process.pid}.tmp`;
  writeFileSync(tmp, formatApprovalFile(file), { flag: 'wx' });
  renameSync(tmp, p);
  return { path: p, sha256: entry.statement.runbook_sha256, count: file.signatures.length, tsa: entry.tsa_token !== undefined };
}

/**
 * The approval verdict with every time-stamp token checked against the trust store's TSA
 * certificates first: with a token, key windows are judged at the authority's time.
 */
export async function checkRunbookApprovalTimed(runbookPath: string, keys: KeyLookup, tsa: TsaEntry[], required = 1, bytes?: Uint8Array): Promise<ApprovalReport> {
  const file = readApprovalFile(runbookPath);
  const timestamps = await Promise.all(
    (file?.signatures ?? []).map((e) => {
      if (typeof e.tsa_token !== 'string') return undefined;
      try {
        return checkTimestamp(fromBase64(e.tsa_token), fromBase64url(e.sig), tsa);
      } catch (err) {
        return { problem: (err as Error).message };
      }
    }),
  );
  return verifyApproval(bytes ?? readFileSync(runbookPath), file, keys, { required, crypto: nativeCrypto, timestamps });
}

/** The approval verdict for a runbook file's current bytes (pass the bytes already read, to judge exactly those). */
export function checkRunbookApproval(runbookPath: string, keys: KeyLookup, required = 1, bytes?: Uint8Array): ApprovalReport {
  return verifyApproval(bytes ?? readFileSync(runbookPath), readApprovalFile(runbookPath), keys, { required, crypto: nativeCrypto });
}
