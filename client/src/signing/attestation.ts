// Renders a verified transcript as the markdown attestation the reference runbooks ask operators to file.
// Every value from the transcript, the trust store or the command line is interpolated through
// mdText or mdCode: an operator named "x\n# Approved" must render as that text, not as a heading.
import { mdCode, mdText } from './markdown-text';
import type { VerificationReport } from './verifier';

type Rec = Record<string, unknown>;

const str = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

export interface AttestationInput {
  file: string;
  /** Transcript records in order (output records may be left out). */
  records: Rec[];
  report: VerificationReport;
  /** Trust store identities for the signing key ids. */
  signers: Record<string, string>;
}

export function verificationLine(r: VerificationReport): string {
  switch (r.verdict) {
    case 'verified':
      return `PASS — ${r.records} records, hash chain intact, every record signed by a trusted operator key, closed by its signed head`;
    case 'unsigned':
      return `UNSIGNED — ${r.records} records, hash chain intact and closed, but no signatures`;
    case 'unterminated':
      return `INCOMPLETE — ${r.records} records verify, but the run has no closing head (killed or truncated)`;
    default: {
      const parts = [];
      if (r.firstHashChainBreach) parts.push(`HASH_CHAIN_BREACH at record ${r.firstHashChainBreach.index} (${mdText(r.firstHashChainBreach.reason)})`);
      if (r.firstSignatureBreach) parts.push(`SIGNATURE_BREACH at record ${r.firstSignatureBreach.index} (${mdText(r.firstSignatureBreach.reason)})`);
      const other = Object.entries(r.counts).filter(([k]) => k.startsWith('MALFORMED'));
      for (const [k, n] of other) parts.push(`${mdText(k)} ×${n}`);
      return `FAIL — ${parts.join('; ') || 'see findings'}`;
    }
  }
}

/** Every step that ran, in order, with its final state, detail and checks (markdown and in-toto share it). */
export function stepsOf(records: Rec[]): Map<string, { title: string; state: string; detail: string; checks: string[] }> {
  const steps = new Map<string, { title: string; state: string; detail: string; checks: string[] }>();
  for (const r of records) {
    const id = str(r['stepId']);
    if (!id) continue;
    const s = steps.get(id) ?? { title: '', state: '', detail: '', checks: [] };
    if (r['type'] === 'step_start' || r['type'] === 'step_end') {
      s.title = str(r['title']) || s.title;
      s.state = str(r['state']) || s.state;
      s.detail = str(r['detail']) || s.detail;
    }
    if (r['type'] === 'check') s.checks.push(`${r['ok'] ? '✔' : '✘'} ${str(r['check'])}`);
    if (r['type'] === 'confirmation') s.checks.push(`${r['ok'] ? 'confirmed' : 'not confirmed'} (${str(r['how'])})`);
    steps.set(id, s);
  }
  return steps;
}

export function renderAttestation(a: AttestationInput): string {
  const start = a.records.find((r) => r['type'] === 'run_start') ?? {};
  // A resumed run: its last segment's run_end says how the run ended.
  const end = a.records.findLast((r) => r['type'] === 'run_end');
  const segments = a.records.filter((r) => r['type'] === 'run_start').length;
  const runbook = (start['runbook'] ?? {}) as Rec;
  const summary = (end?.['summary'] ?? {}) as Rec;
  const startTime = str(start['time']);
  const endTime = str(end?.['time'] ?? a.records.at(-1)?.['time']);
  const lines: string[] = [];
  lines.push(`# Run attestation: ${mdText(str(runbook['title']) || str(runbook['id']))}`, '');
  lines.push(`- **Date (UTC):** ${mdText(startTime.slice(0, 10))} (${mdText(startTime)} → ${endTime ? mdText(endTime) : 'not closed'})`);
  lines.push(`- **Runbook:** ${mdCode(runbook['id'])}${runbook['path'] ? ` (${mdText(runbook['path'])})` : ''}, SHA-256 ${mdCode(runbook['sha256'])}`);
  lines.push(`- **Operator:** ${mdText(start['operator'])}`);
  const keys = Object.keys(a.report.signers);
  lines.push(`- **Signed by:** ${keys.length ? keys.map((k) => `${mdText(a.signers[k] ?? 'unknown')} (key ${mdText(k)})`).join(', ') : 'no trusted signature'}`);
  if (start['run_id']) lines.push(`- **Run id:** ${mdText(start['run_id'])}${segments > 1 ? ` (one run in ${segments} segments: resumed ${segments - 1} time(s))` : ''}`);
  lines.push(`- **Outcome:** ${str(summary['status']) ? mdText(summary['status']) : end ? 'unknown' : 'not finished (no run_end)'}`);
  lines.push(`- **Transcript:** ${mdCode(a.file)}, ${a.report.records} records, last hash ${mdCode(a.report.lastHash ?? '')}`);
  lines.push(`- **Verification:** ${verificationLine(a.report)}`);
  lines.push(`- **Time:** ${a.report.time.source === 'tsa' ? `judged at ${mdText(a.report.time.at)}, from time-stamping authority ${mdText(a.report.time.tsa)}` : "the signer's own claim (no time-stamp token)"}`, '');

  const inputs = (start['inputs'] ?? {}) as Rec;
  if (Object.keys(inputs).length) {
    lines.push('## Inputs', '', '| name | value |', '|---|---|');
    for (const [k, v] of Object.entries(inputs)) lines.push(`| ${mdText(k)} | ${v && typeof v === 'object' && (v as Rec)['redacted'] ? '(secret, not recorded)' : mdText(v)} |`);
    lines.push('');
  }

  // What changed: every step that ran, in order, with its final state and checks.
  const steps = stepsOf(a.records);
  if (steps.size) {
    lines.push('## What was done', '', '| step | title | result | checks |', '|---|---|---|---|');
    for (const [id, s] of steps) lines.push(`| ${mdText(id)} | ${mdText(s.title)} | ${mdText(s.state)}${s.detail ? ` — ${mdText(s.detail)}` : ''} | ${mdText(s.checks.join('; '))} |`);
    lines.push('');
  }
  const findings = a.report.findings.slice(0, 20);
  if (findings.length) {
    lines.push('## Verification findings', '');
    for (const f of findings) lines.push(`- record ${f.index}${f.id !== null ? ` (id ${mdText(f.id)})` : ''}: **${mdText(f.kind)}** (${mdText(f.severity)}) ${mdCode(f.reason)}: ${mdText(f.detail)}`);
    if (a.report.findings.length > findings.length || a.report.findingsTruncated) lines.push(`- … see ${mdCode(`runsafe verify ${a.file}`)} for all findings`);
    lines.push('');
  }
  lines.push('_Generated by `runsafe transcript summary` from the transcript above; re-verify with `runsafe verify`._', '');
  return lines.join('\n');
}
