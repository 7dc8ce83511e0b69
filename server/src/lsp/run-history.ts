// The last completed run of each runbook, from the workspace's transcripts, for the cadence code
// lens. Node side of the server: it reads files. A transcript counts only when its hash chain is
// intact and its head closes it (as `runsafe status` without --trust; signatures are checked by
// `runsafe status --trust` and `runsafe verify`, which the lens's command leads to).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface LastRun {
  at: number;
  operator?: string;
  file: string;
}

/** Bounds: a workspace's transcripts folder may grow for years; the lens reads at most this much. */
const maxFiles = 2000;
const maxBytes = 8 * 1024 * 1024;
const genesis = '0'.repeat(64);

interface Parsed {
  id: string;
  at: number;
  operator?: string;
  passed: boolean;
}

/** A transcript's run, or null when it does not hold (broken chain, no closing head, unreadable). */
function parseTranscript(bytes: Buffer): Parsed | null {
  const lines = bytes.toString('utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  let prev = genesis;
  let id: string | undefined;
  let operator: string | undefined;
  let end: Record<string, unknown> | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    let r: Record<string, unknown>;
    try {
      r = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return null;
    }
    if (r['prev'] !== prev) return null;
    if (r['type'] === 'head') {
      if (i !== lines.length - 1 || r['count'] !== i) return null;
    } else if (i === lines.length - 1) return null;
    prev = createHash('sha256').update(line, 'utf8').digest('hex');
    const rb = r['runbook'] as Record<string, unknown> | undefined;
    if (id === undefined && rb && typeof rb['id'] === 'string') {
      id = rb['id'];
      if (typeof r['operator'] === 'string') operator = r['operator'];
    }
    if (r['type'] === 'run_end') end = r;
  }
  const at = Date.parse(String(end?.['time'] ?? ''));
  if (id === undefined || !end || Number.isNaN(at)) return null;
  const status = (end['summary'] as Record<string, unknown> | undefined)?.['status'];
  return { id, at, passed: status === 'passed', ...(operator !== undefined ? { operator } : {}) };
}

/** Reads `<root>/.runsafe/transcripts`, caching each file by size and modification time. */
export class RunHistory {
  private cache = new Map<string, { key: string; run: Parsed | null }>();

  lastRuns(root: string, now: number): Map<string, LastRun> {
    const dir = join(root, '.runsafe', 'transcripts');
    const out = new Map<string, LastRun>();
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.transcript.jsonl')).sort().slice(-maxFiles);
    } catch {
      return out;
    }
    for (const name of names) {
      const file = join(dir, name);
      let run: Parsed | null;
      try {
        const st = statSync(file);
        const key = `${st.size}:${st.mtimeMs}`;
        const hit = this.cache.get(file);
        if (hit?.key === key) run = hit.run;
        else {
          run = st.isFile() && st.size <= maxBytes ? parseTranscript(readFileSync(file)) : null;
          this.cache.set(file, { key, run });
        }
      } catch {
        continue;
      }
      if (!run?.passed || run.at > now) continue;
      const best = out.get(run.id);
      if (!best || best.at < run.at) out.set(run.id, { at: run.at, file, ...(run.operator !== undefined ? { operator: run.operator } : {}) });
    }
    return out;
  }
}
