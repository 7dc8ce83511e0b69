// The runs recorded in a transcripts folder: which runbook, when, by whom, how it ended, and
// whether the transcript holds (hash chain intact, closed by its head, signatures trusted when a
// trust store is given). A transcript that does not hold is set aside with the reason.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TRANSCRIPT_MAPPING } from '../signing/chain-mapping';
import { createKeyLookup, type KeyLookup } from '../signing/trust-index';
import { readLines } from './line-reader';
import { verifyFile } from './verify-file';

export interface RecordedRun {
  file: string;
  runbookId: string;
  runbookSha256?: string;
  operator?: string;
  /** run_end's time (the signer's claim), epoch ms. */
  endedAt: number;
  status: string;
  /** Whether the signatures were checked against a trust store. */
  signaturesChecked: boolean;
}

export interface RunHistory {
  runs: RecordedRun[];
  ignored: { file: string; reason: string }[];
  /** The folder did not exist: no run was ever recorded there. */
  missing: boolean;
}

type Rec = Record<string, unknown>;

/** Why a transcript cannot count as a record of a run, or null when it holds. */
function untrusted(report: Awaited<ReturnType<typeof verifyFile>>, checked: boolean): string | null {
  if (report.firstHashChainBreach) return `HASH_CHAIN_BREACH at record ${report.firstHashChainBreach.index} (${report.firstHashChainBreach.reason})`;
  const malformed = Object.keys(report.counts).find((k) => k.startsWith('MALFORMED'));
  if (malformed) return malformed;
  if (!report.terminated) return 'not closed by its signed head (the run was killed or the file truncated)';
  if (checked && report.verdict !== 'verified') return report.firstSignatureBreach ? `SIGNATURE_BREACH at record ${report.firstSignatureBreach.index} (${report.firstSignatureBreach.reason})` : `verdict ${report.verdict}`;
  return null;
}

export async function readRunHistory(dir: string, keys?: KeyLookup): Promise<RunHistory> {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.transcript.jsonl')).sort();
  } catch {
    return { runs: [], ignored: [], missing: true };
  }
  const history: RunHistory = { runs: [], ignored: [], missing: false };
  for (const name of names) {
    const file = join(dir, name);
    if (!statSync(file).isFile()) continue;
    const report = await verifyFile(file, { mapping: TRANSCRIPT_MAPPING, keys: keys ?? createKeyLookup([]), maxFindings: 1 });
    const why = untrusted(report, keys !== undefined);
    if (why) {
      history.ignored.push({ file, reason: why });
      continue;
    }
    let start: Rec | undefined;
    let end: Rec | undefined;
    for await (const line of readLines(file)) {
      let r: Rec;
      try {
        r = JSON.parse(Buffer.from(line.bytes).toString('utf8')) as Rec;
      } catch {
        continue;
      }
      if (!start && r['runbook'] && typeof r['runbook'] === 'object') start = r;
      if (r['type'] === 'run_end') end = r;
    }
    const runbook = (start?.['runbook'] ?? {}) as Rec;
    const endedAt = Date.parse(String(end?.['time'] ?? ''));
    if (typeof runbook['id'] !== 'string' || !end || Number.isNaN(endedAt)) {
      history.ignored.push({ file, reason: 'no runbook id or no run_end with a time' });
      continue;
    }
    const run: RecordedRun = { file, runbookId: runbook['id'], endedAt, status: String(((end['summary'] ?? {}) as Rec)['status'] ?? 'unknown'), signaturesChecked: keys !== undefined };
    if (typeof runbook['sha256'] === 'string') run.runbookSha256 = runbook['sha256'];
    if (typeof start?.['operator'] === 'string') run.operator = start['operator'];
    history.runs.push(run);
  }
  return history;
}
