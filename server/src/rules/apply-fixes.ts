// Applies the safe quick fixes of a set of problems to the text, leaving every other byte as it was.
import type { Problem } from '../language/problems';
import type { Fix, TextEdit } from './types';

export interface FixResult {
  text: string;
  /** Fixes applied (a fix whose edits overlap an earlier one is skipped whole). */
  applied: number;
}

/** Collects the `safe` fixes of rule problems (data.fixes) and applies them, first come first served. */
export function applySafeFixes(text: string, problems: Problem[]): FixResult {
  const chosen: TextEdit[] = [];
  const seen = new Set<string>();
  let applied = 0;
  for (const p of problems) {
    const fixes = (p.data?.fixes ?? []) as Fix[];
    const fix = fixes.find((f) => f.safe);
    if (!fix) continue;
    // Several findings in one step offer the same edit (add `confirm: true`): apply it once.
    const key = JSON.stringify(fix.edits);
    if (seen.has(key)) continue;
    // An edit another chosen fix makes already (the same `confirm: true` insertion) is shared, not a conflict.
    const same = (e: TextEdit, c: TextEdit) => e.span.start === c.span.start && e.span.end === c.span.end && e.newText === c.newText;
    const fresh = fix.edits.filter((e) => !chosen.some((c) => same(e, c)));
    const overlaps = fresh.some((e) => chosen.some((c) => e.span.start < c.span.end && c.span.start < e.span.end || (e.span.start === c.span.start && e.span.end === c.span.end)));
    if (overlaps) continue;
    seen.add(key);
    chosen.push(...fresh);
    applied++;
  }
  chosen.sort((a, b) => b.span.start - a.span.start || b.span.end - a.span.end);
  let out = text;
  for (const e of chosen) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return { text: out, applied };
}
