// Reads past runs for the view: the transcripts folder (newest first, each verified) and the
// cadence state of every runbook in the workspace that declares a `cadence`.
import * as vscode from 'vscode';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyLookup } from '../signing/trust-index';
import { cadenceState, pastRun, type CadenceState, type PastRun } from './run-history';
import { resumableStatus } from './runView';

/** Transcripts read (and verified) per refresh: enough for a view, bounded for big folders. */
const maxRuns = 25;

export interface History {
  /** `resumable`: a failed, aborted, cancelled, parked or killed segment no resume has claimed yet (`<segment>.resumed`). */
  runs: { run: PastRun; path: string; verdict?: string; resumable: boolean }[];
  cadence: { state: CadenceState; title: string }[];
}

export async function readHistory(folder: string, transcriptsDir: string, keys: () => Promise<KeyLookup>): Promise<History> {
  const dir = join(folder, transcriptsDir);
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.transcript.jsonl'))
        .map((f) => ({ f, at: statSync(join(dir, f)).mtimeMs }))
        .sort((a, b) => b.at - a.at)
        .slice(0, maxRuns)
    : [];
  const { verifyFile, TRANSCRIPT_MAPPING, verdictText } = { ...(await import('../node/verify-file')), ...(await import('../signing/chain-mapping')), ...(await import('./transcript-summary')) };
  const lookup = await keys();
  const runs: History['runs'] = [];
  for (const { f } of files) {
    const path = join(dir, f);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    const run = pastRun(f, text);
    if (!run) continue;
    let verdict: string | undefined;
    try {
      verdict = verdictText(await verifyFile(path, { mapping: TRANSCRIPT_MAPPING, keys: lookup }));
    } catch (err) {
      verdict = `not verified: ${err instanceof Error ? err.message : String(err)}`;
    }
    runs.push({ run, path, verdict, resumable: resumableStatus.has(run.status) && !existsSync(`${path}.resumed`) });
  }
  const cadence: History['cadence'] = [];
  const { parseRunbook } = await import('../../../server/src/language/index');
  const all = runs.map((r) => r.run);
  for (const uri of await vscode.workspace.findFiles('**/*.runbook.{yaml,yml}', '**/node_modules/**', 200)) {
    try {
      const rb = parseRunbook(readFileSync(uri.fsPath, 'utf8')).runbook;
      const id = rb.id?.value;
      if (id && rb.cadenceMs) cadence.push({ state: cadenceState(id, rb.cadenceMs, all, Date.now()), title: rb.title?.value ?? id });
    } catch {
      // An unreadable runbook has no cadence to show; lint reports it.
    }
  }
  return { runs, cadence };
}

/** Runs a resume can continue, newest first: failed, aborted, cancelled, parked or killed last segments not yet resumed. */
export function resumableRuns(folder: string, transcriptsDir: string): { run: PastRun; path: string }[] {
  const dir = join(folder, transcriptsDir);
  if (!existsSync(dir)) return [];
  const out: { run: PastRun; path: string; at: number }[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.transcript.jsonl'))) {
    const path = join(dir, f);
    if (existsSync(`${path}.resumed`)) continue;
    try {
      const run = pastRun(f, readFileSync(path, 'utf8'));
      if (run && resumableStatus.has(run.status)) out.push({ run, path, at: statSync(path).mtimeMs });
    } catch {
      // Unreadable: not offered (verify reports it).
    }
  }
  return out.sort((a, b) => b.at - a.at).slice(0, maxRuns);
}
