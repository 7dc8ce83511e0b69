// Builds the markdown attestation summary of a run from its transcript records (pure: no vscode, no files).
import { mdCode, mdText } from '../signing/markdown-text';
import type { VerificationReport } from '../signing/verifier';

type Rec = Record<string, unknown>;

/** Every interpolated value, in a table or not: the one Markdown escaping the attestation uses too. */
const cell = mdText;

function durationOf(ms: unknown): string {
  if (typeof ms !== 'number') return '';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Parses JSON Lines, keeping the line number of anything that is not a JSON object. */
export function parseRecords(text: string): { records: Rec[]; bad: number[] } {
  const records: Rec[] = [];
  const bad: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const v = JSON.parse(line) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) records.push(v as Rec);
      else bad.push(i + 1);
    } catch {
      bad.push(i + 1);
    }
  });
  return { records, bad };
}

export function verdictText(v: VerificationReport | undefined): string {
  if (!v) return 'not verified';
  if (v.verdict === 'verified') return `verified (${v.records} records, signed by ${Object.keys(v.signers).join(', ') || 'no key'})`;
  if (v.verdict === 'unsigned') return `hash chain intact, unsigned (${v.records} records)`;
  const f = v.findings[0];
  return `${v.verdict.toUpperCase()}${f ? `: ${f.kind}${f.reason ? ` (${f.reason})` : ''} at record ${f.index}` : ''}`;
}

/** A markdown summary: what ran, who ran it, each step's outcome, and whether the transcript verifies. */
export function transcriptSummary(name: string, text: string, verification: VerificationReport | undefined): string {
  const { records, bad } = parseRecords(text);
  const start = records.find((r) => r['type'] === 'run_start') ?? {};
  const end = records.find((r) => r['type'] === 'run_end');
  const runbook = (start['runbook'] ?? {}) as Rec;
  // The recorder writes the outcome under run_end's summary ({ status, steps }); a flat record is read too.
  const outcome = (end && typeof end['summary'] === 'object' && end['summary'] ? end['summary'] : end) as Rec | undefined;
  const lines = [
    `# Run summary: ${cell(runbook['title'] || runbook['id'] || name)}`,
    '',
    `- Transcript: ${mdCode(name)}`,
    `- Verification: **${mdText(verdictText(verification))}**`,
    `- Runbook: ${mdCode(runbook['id'])} (${cell(runbook['path'])}), SHA-256 ${mdCode(runbook['sha256'])}`,
    `- Operator: ${cell(start['operator'])}`,
    `- Started: ${cell(start['time'])}${end ? ` · ended: ${cell(end['time'])}` : ' · **no run end record (unterminated)**'}`,
    `- Status: **${cell(outcome?.['status'] ?? 'unknown')}**`,
  ];
  if (bad.length) lines.push(`- Lines that are not JSON records: ${bad.join(', ')}`);
  const steps = Array.isArray(outcome?.['steps']) ? (outcome!['steps'] as Rec[]) : [];
  if (steps.length) {
    lines.push('', '| step | kind | state | attempts | duration |', '|---|---|---|---|---|');
    for (const s of steps) lines.push(`| ${cell(s['id'])} | ${cell(s['kind'])} | ${cell(s['state'])} | ${cell(s['attempts'])} | ${durationOf(s['duration_ms'])} |`);
  }
  const checks = records.filter((r) => r['type'] === 'check');
  if (checks.length) {
    lines.push('', '## Checks', '');
    for (const c of checks) lines.push(`- ${c['ok'] ? '✓' : '✗'} ${mdCode(c['stepId'])} ${cell(c['check'])}${c['detail'] ? `: ${cell(c['detail'])}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
