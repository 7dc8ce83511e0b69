// Structural comparisons the review is built from: field changes, ordered-list moves, line diffs.

export interface FieldChange {
  field: string;
  before?: unknown;
  after?: unknown;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Keys whose values differ between two normalised objects (values compared as canonical JSON). */
export function fieldChanges(before: Record<string, unknown>, after: Record<string, unknown>): FieldChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const out: FieldChange[] = [];
  for (const k of keys) {
    if (same(before[k], after[k])) continue;
    const c: FieldChange = { field: k };
    if (k in before) c.before = before[k];
    if (k in after) c.after = after[k];
    out.push(c);
  }
  return out;
}

/** Which items of each list belong to a longest common subsequence (lists are short: steps, script lines). */
function commonSubsequence(a: string[], b: string[]): { inA: boolean[]; inB: boolean[] } {
  const t: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) t[i]![j] = a[i] === b[j] ? t[i + 1]![j + 1]! + 1 : Math.max(t[i + 1]![j]!, t[i]![j + 1]!);
  const inA = a.map(() => false);
  const inB = b.map(() => false);
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] === b[j]) {
      inA[i++] = true;
      inB[j++] = true;
    } else if (t[i + 1]![j]! >= t[i]![j + 1]!) i++;
    else j++;
  }
  return { inA, inB };
}

/** Keys present in both lists whose relative order changed (the fewest moves that explain it). */
export function movedKeys(before: string[], after: string[]): string[] {
  const inAfter = new Set(after);
  const inBefore = new Set(before);
  const b = after.filter((k) => inBefore.has(k));
  const { inB } = commonSubsequence(
    before.filter((k) => inAfter.has(k)),
    b,
  );
  return b.filter((_, i) => !inB[i]);
}

export interface LineDiff {
  removed: string[];
  added: string[];
}

/** Lines only in `before` and only in `after`, in order (a compact view of a changed command). */
export function lineDiff(before: string, after: string): LineDiff {
  const a = before.split('\n');
  const b = after.split('\n');
  if (a.length * b.length > 250_000) return { removed: a, added: b };
  const { inA, inB } = commonSubsequence(a, b);
  return { removed: a.filter((_, i) => !inA[i]), added: b.filter((_, i) => !inB[i]) };
}
