// Hostile input: every case returns located problems, none throws, and the work done stays within
// the limits (nodes materialised, nesting kept). How fast that is belongs to `npm run bench`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseRunbook, parseRunbookBytes, LineIndex, defaultTreeLimits, type LNode, type ParsedRunbook } from '../../server/src/language/index';

/** Size and depth of the located tree: the work the tree builder did. */
function treeStats(root: LNode | null): { nodes: number; depth: number } {
  let nodes = 0;
  let depth = 0;
  const stack: [LNode, number][] = root ? [[root, 1]] : [];
  while (stack.length) {
    const [n, d] = stack.pop()!;
    nodes++;
    depth = Math.max(depth, d);
    if (n.kind === 'map') for (const p of n.pairs) stack.push([p.value, d + 1]);
    else if (n.kind === 'seq') for (const it of n.items) stack.push([it, d + 1]);
  }
  return { nodes, depth };
}

/** Parses and checks the invariants every result must hold: in-bounds spans, no throw, bounded tree. */
function check(input: string | Uint8Array): ParsedRunbook & { nodes: number; depth: number } {
  const r = typeof input === 'string' ? parseRunbook(input) : parseRunbookBytes(input);
  for (const p of r.problems) {
    assert.ok(p.span.start >= 0 && p.span.end >= p.span.start && p.span.end <= r.text.length, `span out of bounds: ${JSON.stringify(p)}`);
    assert.ok(p.message.length > 0);
  }
  const stats = treeStats(r.root);
  // Past the budget each source node still gets a null placeholder, so the source length bounds the rest.
  assert.ok(stats.nodes <= defaultTreeLimits.maxNodes + r.text.length, `${stats.nodes} nodes materialised`);
  assert.ok(stats.depth <= defaultTreeLimits.maxDepth + 2, `tree ${stats.depth} deep`);
  return { ...r, ...stats };
}

const codes = (r: ParsedRunbook) => r.problems.map((p) => p.code);

test('alias bomb (billion laughs) stops at the node budget with a located problem', () => {
  let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < 12; i++) text += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
  const r = check(text);
  const p = r.problems.find((x) => x.code === 'yaml-too-large');
  assert.ok(p, codes(r).join(','));
  assert.ok(p.span.start > 0, 'located inside the document');
  // 10^12 nodes unexpanded; the builder stopped at the budget (plus one placeholder per source node).
  assert.ok(r.nodes <= defaultTreeLimits.maxNodes + 200, `${r.nodes} nodes`);
});

test('a 10 MB file is refused with a problem at the size limit, without being parsed', () => {
  const text = `runsafe: 1\nid: big\ntitle: Big\nsteps:\n${'  - id: s\n    run: echo xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n'.repeat(180_000)}`;
  assert.ok(text.length > 10_000_000);
  const r = check(text);
  assert.deepEqual(codes(r), ['file-too-large']);
  assert.equal(r.problems[0]!.span.start, 1024 * 1024);
  assert.equal(r.root, null, 'no tree was built');
  assert.equal(r.runbook.allSteps.length, 0);
});

test('nesting 10,000 deep (flow and block) is reported, not a crash', () => {
  const flow = check(`steps: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`);
  assert.ok(codes(flow).some((c) => c === 'yaml-too-deep' || c === 'yaml-syntax'), codes(flow).join(','));
  const block = check(Array.from({ length: 1_000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n'));
  assert.ok(codes(block).some((c) => c.startsWith('yaml-too-deep') || c === 'yaml-syntax'), codes(block).join(','));
  const seq = check(`steps:\n${Array.from({ length: 200 }, (_, i) => `${'  '.repeat(i + 1)}-`).join('\n')} x\n`);
  assert.ok(codes(seq).includes('yaml-too-deep'), codes(seq).join(','));
});

test('invalid UTF-8 is located at the bad byte and the rest is still checked', () => {
  const good = Buffer.from('runsafe: 1\nid: x\ntitle: "caf');
  const bytes = Buffer.concat([good, Buffer.from([0xc3, 0x28]), Buffer.from('"\nsteps:\n  - id: a\n    run: echo\n    comfirm: true\n')]);
  const r = check(bytes);
  const bad = r.problems.find((p) => p.code === 'invalid-utf8')!;
  assert.ok(bad);
  assert.equal(new LineIndex(r.text).positionAt(bad.span.start).line, 2);
  assert.match(bad.message, /byte 0xc3 at byte offset 28/);
  assert.ok(codes(r).includes('schema-unknown-key'), 'the rest of the file is still validated');
});

test('tabs as indentation and duplicate keys are located', () => {
  const tabs = check('runsafe: 1\nid: x\ntitle: t\nsteps:\n\t- id: a\n');
  const tab = tabs.problems.find((p) => p.code === 'yaml-tab' || p.code === 'yaml-syntax')!;
  assert.ok(tab, codes(tabs).join(','));
  assert.equal(new LineIndex(tabs.text).positionAt(tab.span.start).line, 4);
  const dup = check('runsafe: 1\nid: x\nid: y\ntitle: t\nsteps:\n  - id: a\n    run: echo\n');
  const d = dup.problems.find((p) => p.code === 'yaml-duplicate-key')!;
  assert.ok(d);
  assert.equal(dup.text.slice(d.span.start, d.span.end), 'id');
  assert.equal(new LineIndex(dup.text).positionAt(d.span.start).line, 2);
});

test('malformed YAML gives a located syntax error', () => {
  const r = check('runsafe: 1\nid: x\ntitle: "unterminated\nsteps:\n  - id: a\n');
  assert.ok(r.problems.some((p) => p.code === 'yaml-syntax'));
  assert.ok(r.problems.every((p) => p.span.start > 0), 'not pinned at the start of the file');
});

test('property: arbitrary text and bytes never throw and stay in bounds', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (s) => {
      check(s);
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
      check(b);
    }),
    { numRuns: 300 },
  );
});

test('property: YAML-ish token soup never throws', () => {
  const tokens = fc.constantFrom('runsafe: 1\n', 'steps:\n', '  - ', 'id: a\n', 'run: |\n', '    echo "$X"\n', '&a ', '*a', '[', ']', '{', '}', ': ', '- ', '"', "'", '\t', '#', '\n', '? ', '!!str ', '%YAML 1.2\n---\n');
  fc.assert(
    fc.property(fc.array(tokens, { maxLength: 60 }), (parts) => {
      check(parts.join(''));
    }),
    { numRuns: 500 },
  );
});
