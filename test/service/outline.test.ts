// Document symbols, folding ranges, selection ranges, links and code lenses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, codeLenses, documentLinks, documentSymbols, foldingRanges, selectionRanges, type DocumentSymbol } from '../../server/src/service/index';
import { docAt, fixture, golden, uri } from './helpers';

const base = fixture('rotation.runbook.yaml');

function outline(symbols: DocumentSymbol[], depth = 0): string[] {
  return symbols.flatMap((s) => [`${'  '.repeat(depth)}${s.name} [${s.kind}]${s.detail ? ` ${s.detail}` : ''} @${s.selectionRange.start.line}`, ...outline(s.children ?? [], depth + 1)]);
}

test('outline: metadata, inputs, preconditions, nested sections and steps, rollback', () => {
  golden('symbols', outline(documentSymbols(analyze(uri, base))));
});

test('every child range lies inside its parent (editors require it)', () => {
  const check = (s: DocumentSymbol) => {
    for (const c of s.children ?? []) {
      const inside = (c.range.start.line > s.range.start.line || (c.range.start.line === s.range.start.line && c.range.start.character >= s.range.start.character)) && (c.range.end.line < s.range.end.line || (c.range.end.line === s.range.end.line && c.range.end.character <= s.range.end.character));
      assert.ok(inside, `${c.name} inside ${s.name}`);
      check(c);
    }
  };
  documentSymbols(analyze(uri, base)).forEach(check);
});

test('folding ranges: one per start line, comment runs folded', () => {
  const text = `# line one\n# line two\n${base}`;
  const folds = foldingRanges(analyze(uri, text));
  assert.deepEqual(folds[0], { startLine: 0, endLine: 2, kind: 'comment' });
  assert.equal(new Set(folds.map((f) => f.startLine)).size, folds.length);
  golden('folding', foldingRanges(analyze(uri, base)));
});

test('selection ranges grow from a word to its pair, its step, its list', () => {
  const { doc, offset } = docAt(base.replace('needs: [set-key]', 'needs: [set-k|ey]').replace(/: \|\n/g, ': \\|\n'));
  const chain: string[] = [];
  for (let r = selectionRanges(doc, [offset])[0]; r; r = r.parent!) {
    chain.push(doc.text.slice(doc.lines.offsetAt(r.range.start), doc.lines.offsetAt(r.range.end)).split('\n')[0]!);
    if (!r.parent) break;
  }
  assert.deepEqual(chain.slice(0, 4), ['set-key', '[set-key]', 'needs: [set-key]', '- id: integrity-check'.slice(2)]);
});

test('links: related URLs and rule docs in suppression comments', () => {
  const text = base.replace('  - id: store-in-vault', '  # runsafe-ignore secret-echo: the value is a public key id\n  - id: store-in-vault');
  assert.deepEqual(documentLinks(analyze(uri, text)).map((l) => l.target), [
    'https://github.com/runsafe/runsafe/blob/main/docs/format.md',
    'https://docs.example.com/trace-signing',
    'https://adr.example.com/0017',
    'https://github.com/runsafe/runsafe/blob/main/docs/rules/secret-echo.md',
  ]);
});

test('code lenses: run runbook, approval state, run step per step with an id', () => {
  const lenses = codeLenses(analyze(uri, base));
  assert.deepEqual(lenses.map((l) => `${l.data.action}:${l.data.stepId ?? ''}@${l.range.start.line}`), [
    'run-runbook:@2',
    'approval-state:@2',
    'run-step:generate-seed@25',
    'run-step:set-key@30',
    'run-step:integrity-check@37',
    'run-step:store-in-vault@44',
    'run-step:unset-key@47',
  ]);
});
