// Where each line of a sql step's text sits in the runbook, so a psql error names a runbook line.
import { LineIndex, type LScalar } from '../../../server/src/language/index';

/** The 1-based runbook line of each line of `value` (the decoded SQL of `node`). */
export function sqlSourceLines(node: LScalar, value: string, text: string): number[] {
  const offsets = node.sourceOffsets();
  const index = new LineIndex(text);
  const lines: number[] = [];
  let start = 0;
  for (;;) {
    const at = Math.min(start, offsets.starts.length - 1);
    lines.push(index.positionAt(offsets.starts[at]!).line + 1);
    const nl = value.indexOf('\n', start);
    if (nl === -1) break;
    start = nl + 1;
  }
  return lines;
}
