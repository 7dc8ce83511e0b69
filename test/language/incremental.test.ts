// Incremental analysis gives exactly what a full analysis gives: random edit sequences on the
// shipped runbooks and the test fixtures, each version analysed both from the previous version
// (as the language server does: the parse and the step-scoped rules' per-step findings reused) and
// from scratch, compared on the tree (spans, values, scalar
// offsets), the problems, the editor's diagnostics (ranges, messages, related information) and
// the document symbols.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import fc from 'fast-check';
import type { LNode } from '../../server/src/language/index';
import { analyze, diagnostics, documentSymbols, type RunbookDocument } from '../../server/src/service/index';
import { defaultSettings } from '../../server/src/service/settings';
import { initShellFromDisk } from '../../server/src/shell-wasm';
import { corpusFiles, corpusTexts } from './runbook-corpus';

before(() => initShellFromDisk());

const files = corpusFiles;
const texts = corpusTexts;

function tree(n: LNode | null): unknown {
  if (!n) return null;
  if (n.kind === 'scalar') {
    const o = n.sourceOffsets();
    return [n.span.start, n.span.end, n.value, n.style, Array.from(o.starts).join(','), Array.from(o.ends).join(',')];
  }
  if (n.kind === 'seq') return [n.span.start, n.span.end, n.items.map(tree)];
  return [n.span.start, n.span.end, n.pairs.map((p) => [tree(p.key), tree(p.value)])];
}

function snapshot(doc: RunbookDocument) {
  return {
    tree: tree(doc.parsed.root),
    data: doc.parsed.data,
    parseProblems: doc.parsed.problems,
    problems: doc.problems,
    diagnostics: diagnostics(doc),
    symbols: documentSymbols(doc),
    lines: Array.from({ length: doc.lines.lineCount }, (_, l) => doc.lines.lineStart(l)),
    steps: doc.parsed.runbook.allSteps.map((s) => [s.id?.value, s.kind, s.group, s.node.span.start, s.node.span.end]),
  };
}

/** Typing-like edits: characters, YAML punctuation, line breaks, deleted runs, duplicated and removed lines. */
const edit = fc.record({
  at: fc.integer({ min: 0, max: 1_000_000 }).map((n) => n / 1_000_000),
  kind: fc.constantFrom('insert', 'insert', 'insert', 'delete', 'line-copy', 'line-delete'),
  text: fc.constantFrom('a', 'Z', ' ', '\n', ':', '- ', '#', '$X', '"', "'", '|', '  ', 'id: x', '\t', '&a', '*a', '---', '{', '\\'),
  length: fc.integer({ min: 1, max: 6 }),
});

function apply(text: string, e: { at: number; kind: string; text: string; length: number }): string {
  const pos = Math.min(text.length, Math.floor(e.at * (text.length + 1)));
  if (e.kind === 'insert') return text.slice(0, pos) + e.text + text.slice(pos);
  if (e.kind === 'delete') return text.slice(0, pos) + text.slice(pos + e.length);
  const start = text.lastIndexOf('\n', pos - 1) + 1;
  const nl = text.indexOf('\n', pos);
  const end = nl < 0 ? text.length : nl + 1;
  return e.kind === 'line-copy' ? text.slice(0, end) + text.slice(start, end) + text.slice(end) : text.slice(0, start) + text.slice(end);
}

test('incremental analysis after each edit equals a full analysis', () => {
  assert.ok(files.length > 20, 'the shipped runbooks and fixtures are found');
  let reused = 0;
  let edits = 0;
  let stepsReused = 0;
  fc.assert(
    fc.property(fc.constantFrom(...files), fc.array(edit, { minLength: 1, maxLength: 8 }), (file, list) => {
      let text = texts.get(file)!;
      let previous = analyze('file:///t.runbook.yaml', text, defaultSettings);
      for (const e of list) {
        text = apply(text, e);
        const incremental = analyze('file:///t.runbook.yaml', text, defaultSettings, previous);
        const full = analyze('file:///t.runbook.yaml', text, defaultSettings);
        assert.deepStrictEqual(snapshot(incremental), snapshot(full));
        edits++;
        // Reuse shows as the same node objects before the edit.
        const a = incremental.parsed.root;
        const b = previous.parsed.root;
        if (a && b && a !== b && a.kind === 'map' && b.kind === 'map' && a.pairs[0] && a.pairs[0].key === b.pairs[0]?.key) reused++;
        // Per-step findings are reused for the steps the previous analysis checked with the same facts.
        const before = previous.stepFindings;
        const after = incremental.stepFindings;
        if (before && after && before.global === after.global) stepsReused += [...after.units.keys()].filter((k) => before.units.has(k)).length;
        previous = incremental;
      }
    }),
    { numRuns: Number(process.env.RUNS ?? 150) },
  );
  // The property says nothing if every edit fell back to a full parse.
  assert.ok(reused > edits / 5, `incremental re-parse used for ${reused} of ${edits} edits`);
  assert.ok(stepsReused > edits, `per-step findings reused ${stepsReused} times over ${edits} edits`);
});
