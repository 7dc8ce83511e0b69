// Precision over the fixture corpus: every `# want <rule>` line is found, no `# ok <rule>` line is flagged.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintRunbook } from '../../server/src/lint';
import { initShellFromDisk } from '../../server/src/shell-wasm';
import { rules } from '../../server/src/rules/registry';

const dir = join(__dirname, '..', 'fixtures', 'rules');

interface Marker {
  kind: 'want' | 'ok';
  rule: string;
  /** Zero-based line the marker points at: the next line that is not itself a marker. */
  target: number;
}

/** Reads `# want <rule>` / `# ok <rule>` markers; several may stack above one line. */
export function markers(text: string): Marker[] {
  const lines = text.split(/\r?\n/);
  const out: Marker[] = [];
  lines.forEach((line, i) => {
    const m = /(?:#|--)\s*(want|ok)\s+([a-z-]+)\s*$/.exec(line);
    if (!m) return;
    let t = i + 1;
    while (t < lines.length && /(?:#|--)\s*(want|ok)\s+[a-z-]+\s*$/.test(lines[t]!)) t++;
    out.push({ kind: m[1] as 'want' | 'ok', rule: m[2]!, target: t });
  });
  return out;
}

before(async () => {
  await initShellFromDisk();
});

const files = readdirSync(dir).filter((f) => f.endsWith('.runbook.yaml')).sort();
const totals = { want: 0, found: 0, ok: 0, flagged: 0 };
const perRule = new Map<string, { want: number; found: number; ok: number; flagged: number }>();

for (const file of files) {
  test(`fixture ${file}`, () => {
    const text = readFileSync(join(dir, file), 'utf8');
    const { parsed, problems } = lintRunbook(text);
    const ownRule = file.replace(/\..*$/, '');
    const marks = markers(text);
    const failures: string[] = [];
    const lineOf = (offset: number) => parsed.lines.positionAt(offset).line;
    for (const m of marks) {
      const stats = perRule.get(m.rule) ?? { want: 0, found: 0, ok: 0, flagged: 0 };
      perRule.set(m.rule, stats);
      const hit = problems.some((p) => p.code === m.rule && lineOf(p.span.start) === m.target);
      if (m.kind === 'want') {
        stats.want++;
        totals.want++;
        if (hit) (stats.found++, totals.found++);
        else failures.push(`line ${m.target + 1}: expected ${m.rule}, got ${problems.filter((p) => lineOf(p.span.start) === m.target).map((p) => p.code).join(', ') || 'nothing'}`);
      } else {
        stats.ok++;
        totals.ok++;
        if (hit) {
          stats.flagged++;
          totals.flagged++;
          failures.push(`line ${m.target + 1}: near-miss flagged by ${m.rule}: ${problems.find((p) => p.code === m.rule && lineOf(p.span.start) === m.target)!.message}`);
        }
      }
    }
    // The file's own rule may fire only where a marker expects it.
    const wanted = new Set(marks.filter((m) => m.kind === 'want' && m.rule === ownRule).map((m) => m.target));
    for (const p of problems) {
      if (p.code === ownRule && !wanted.has(lineOf(p.span.start))) failures.push(`line ${lineOf(p.span.start) + 1}: unexpected ${p.code}: ${p.message}`);
    }
    assert.deepEqual(failures, []);
  });
}

test('every rule has a fixture with at least 6 true positives and 6 near-misses', () => {
  const lacking: string[] = [];
  for (const r of rules) {
    const s = perRule.get(r.name);
    if (!s || s.want < 6 || s.ok < 6) lacking.push(`${r.name}: ${s?.want ?? 0} true positives, ${s?.ok ?? 0} near-misses`);
  }
  assert.deepEqual(lacking, []);
});

test('precision over the corpus: all true positives found, no near-miss flagged', () => {
  // Printed so the figures show in the test log, beside the assertion that they are perfect.
  console.log(`fixture corpus: ${totals.found}/${totals.want} true positives found, ${totals.flagged}/${totals.ok} near-misses flagged`);
  assert.equal(totals.found, totals.want);
  assert.equal(totals.flagged, 0);
});
