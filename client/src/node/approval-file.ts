// Reads and writes `<runbook>.sig` approval files and checks a runbook file's approvals (for the runner's gate too).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { addApproval, formatApprovalFile, parseApprovalFile, verifyApproval, type ApprovalFile, type ApprovalReport } from '../signing/approval';
import type { Signer } from '../signing/keys';
import type { KeyLookup } from '../signing/trust-index';
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

/** Signs the runbook's exact bytes and writes or extends `<runbook>.sig` (atomically). */
export function signRunbookFile(runbookPath: string, signer: Signer, identity: string, now: Date): { path: string; sha256: string; count: number } {
  const bytes = readFileSync(runbookPath);
  const { file, entry } = addApproval(readApprovalFile(runbookPath), bytes, signer, { identity, now: now.toISOString(), crypto: nativeCrypto });
  const p = approvalPath(runbookPath);
  const tmp = `${p}.${process.pid}.tmp`;
  writeFileSync(tmp, formatApprovalFile(file), { flag: 'wx' });
  renameSync(tmp, p);
  return { path: p, sha256: entry.statement.runbook_sha256, count: file.signatures.length };
}

/** The approval verdict for a runbook file's current bytes (pass the bytes already read, to judge exactly those). */
export function checkRunbookApproval(runbookPath: string, keys: KeyLookup, required = 1, bytes?: Uint8Array): ApprovalReport {
  return verifyApproval(bytes ?? readFileSync(runbookPath), readApprovalFile(runbookPath), keys, { required, crypto: nativeCrypto });
}
