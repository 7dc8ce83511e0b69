// Approval state of a runbook (for its code lens and the run gate) and the Approve command's signing.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { addApproval, parseApprovalFile, verifyApproval, type ApprovalFile, type ApprovalReport } from '../signing/approval';
import { createKeyLookup, type KeyLookup } from '../signing/trust-index';
import type { Signer } from '../signing/keys';
import { loadTrust } from '../node/trust-file';

/** The detached approval file beside a runbook. */
export const approvalPath = (runbookPath: string) => `${runbookPath}.sig`;

/**
 * The workspace trust store's keys, or none (every approval is then "untrusted") when it is missing.
 * `stateDir` is where its rollback pin is kept: the workspace's `.runsafe`, as `runsafe run
 * --workspace` keeps it (the extension host's current folder is no place for it).
 */
export function trustKeys(trustStorePath: string, stateDir?: string): KeyLookup {
  return existsSync(trustStorePath) ? loadTrust(trustStorePath, { stateDir }).keys : createKeyLookup([]);
}

function readApprovals(runbookPath: string): ApprovalFile | undefined {
  const p = approvalPath(runbookPath);
  return existsSync(p) ? parseApprovalFile(readFileSync(p, 'utf8')) : undefined;
}

export function approvalReport(runbookPath: string, bytes: Uint8Array, trustStorePath: string, required?: number, stateDir?: string): ApprovalReport {
  return verifyApproval(bytes, readApprovals(runbookPath), trustKeys(trustStorePath, stateDir), { required });
}

/** The code lens title: "Approved by … · key … · 2 of 2", "Modified since approval" or "Not approved". */
export function approvalTitle(r: ApprovalReport): string {
  switch (r.verdict) {
    case 'approved': {
      const who = r.approvedBy.map((a) => a.identity).join(', ');
      const keys = r.approvedBy.map((a) => a.keyId).join(', ');
      return `$(verified) Approved by ${who} · key ${keys} · ${r.approvedBy.length} of ${r.required}`;
    }
    case 'modified':
      return '$(warning) Modified since approval';
    case 'unapproved':
      return '$(circle-slash) Not approved';
    default:
      return `$(warning) Approval ${r.verdict}`;
  }
}

/** Signs the runbook's exact bytes and appends the signature to its `.sig` file. */
export function approveRunbook(runbookPath: string, signer: Signer, identity: string, now: Date): string {
  const bytes = readFileSync(runbookPath);
  const { file } = addApproval(readApprovals(runbookPath), bytes, signer, { identity, now: now.toISOString() });
  const out = approvalPath(runbookPath);
  writeFileSync(out, `${JSON.stringify(file, null, 2)}\n`);
  return out;
}
