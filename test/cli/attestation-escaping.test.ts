// Issue 12 case 8: every value the attestation interpolates (operator, titles, inputs, details, signer names) renders as text, never as Markdown.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MarkdownIt from 'markdown-it';
import { transcriptSummary } from '../../client/src/extension/transcript-summary';
import { requireBuilt, okIn, runsafeIn } from './bundled-cli';

let dir: string;
const at = (p: string) => join(dir, p);

const operator = 'mallory\n# Approved by security\n`rm -rf /` | <b>ok</b> *yes* [link](https://evil.example)';
const note = 'fine\n\n| forged | row |\n## Approved\n![img](x.png) &amp; _em_ ~~gone~~';
const title = 'Rotate `keys` | *now* <script>x</script> # not a heading';
const stepTitle = 'Step | with `ticks` and **bold** and\u202eevil';

before(() => {
  requireBuilt();
  dir = mkdtempSync(join(tmpdir(), 'runsafe-attest-md-'));
  okIn(dir, ['keygen', '--out', 'root.key']);
  const pub = JSON.parse(okIn(dir, ['keygen', '--out', 'op.key', '--format', 'json']).stdout).public_key;
  okIn(dir, ['trust', 'init', 'trust.yaml', '--root-key', 'root.key']);
  okIn(dir, ['trust', 'add', 'trust.yaml', '--root-key', 'root.key', `--public-key=${pub}`, '--name', 'ops\n# Signed | by `root`', '--role', 'operator']);
  writeFileSync(
    at('md.runbook.yaml'),
    `runsafe: 1\nid: md\ntitle: ${JSON.stringify(title)}\ninputs:\n  NOTE: { description: Free text }\nsteps:\n  - id: hello\n    title: ${JSON.stringify(stepTitle)}\n    run: test -n "$NOTE"\n    expect: { exit: 0 }\n`,
  );
  okIn(dir, ['run', '--non-interactive', 'md.runbook.yaml', '-i', `NOTE=${note}`, '--key', 'op.key', '--trust', 'trust.yaml', '--operator', operator, '--transcript', 'run.jsonl']);
});

/** The Markdown a viewer would build from `md`: block tokens and the inline tokens inside them. */
function render(md: string) {
  const tokens = new MarkdownIt().parse(md, {});
  const inline = tokens.filter((t) => t.type === 'inline').flatMap((t) => t.children ?? []);
  const text = inline.map((t) => (t.type === 'text' || t.type === 'code_inline' ? t.content : t.type === 'softbreak' ? '\n' : '')).join('');
  return { tokens, inline, text, count: (type: string) => tokens.concat(inline).filter((t) => t.type === type).length };
}

/** What no interpolated value may create: markup of its own. */
function assertNoInjectedMarkup(md: string, expect: { headings: string[]; tables: number; rows: number; codes: (c: string) => boolean; strong: number; em: number }) {
  const { tokens, inline, count } = render(md);
  assert.deepEqual(tokens.filter((t) => t.type === 'heading_open').map((t) => t.tag), expect.headings, md);
  assert.equal(count('table_open'), expect.tables, md);
  assert.equal(count('tr_open'), expect.rows, `table rows:\n${md}`);
  // Every row is one line we wrote: no value added a row or a line.
  assert.equal(md.split('\n').filter((l) => l.startsWith('|') && !l.startsWith('|---')).length, expect.rows, md);
  for (const t of ['html_inline', 'html_block', 's_open', 'link_open', 'image', 'hr', 'blockquote_open']) assert.equal(count(t), 0, `${t} injected:\n${md}`);
  assert.equal(count('strong_open'), expect.strong, `bold:\n${md}`);
  assert.equal(count('em_open'), expect.em, `emphasis:\n${md}`);
  const codes = inline.filter((t) => t.type === 'code_inline').map((t) => t.content);
  assert.ok(codes.every(expect.codes), `code spans not ours: ${codes.join(' | ')}`);
}

test('runsafe transcript summary: an operator, titles, input values and signer names full of Markdown render as their own text', () => {
  const r = runsafeIn(dir, ['transcript', 'summary', 'run.jsonl', '--trust', 'trust.yaml']);
  assert.equal(r.code, 0, r.out);
  const md = r.stdout;
  // Ours: the title, Inputs and What was done; two tables of a header and one row; the bold field labels; the closing italic line.
  const labels = md.split('\n').filter((l) => l.startsWith('- **')).length;
  assert.ok(labels >= 8, md);
  assertNoInjectedMarkup(md, { headings: ['h1', 'h2', 'h2'], tables: 2, rows: 4, strong: labels, em: 1, codes: (c) => c === 'md' || /^[0-9a-f]{64}$/.test(c) || c === 'run.jsonl' || /^runsafe /.test(c) });
  const { text } = render(md);
  const flat = (s: string) => s.replace(/\n/g, ' ');
  assert.ok(text.includes(`Operator: ${flat(operator)}`), `operator text:\n${text}`);
  assert.ok(text.includes(`| ${flat(note)} |`) || text.includes(flat(note)), `input text:\n${text}`);
  assert.ok(text.includes(`Run attestation: ${title}`), `title text:\n${text}`);
  assert.ok(text.includes('Step | with `ticks` and **bold** andU+202Eevil'), `step title (the bidi override shown, not applied):\n${text}`);
  assert.ok(text.includes('ops # Signed | by `root` (key'), `signer identity from the trust store:\n${text}`);
  assert.ok(!md.includes('\u202e'));
});

test('the editor summary of the same transcript escapes with the same function', () => {
  const md = transcriptSummary('run.jsonl', readFileSync(at('run.jsonl'), 'utf8'), undefined);
  const labels = md.split('\n').filter((l) => l.startsWith('- ') && l.includes('**')).length;
  const rows = md.split('\n').filter((l) => l.startsWith('|') && !l.startsWith('|---')).length;
  assertNoInjectedMarkup(md, { headings: md.includes('## Checks') ? ['h1', 'h2'] : ['h1'], tables: rows ? 1 : 0, rows, strong: labels, em: 0, codes: (c) => c === 'md' || c === 'hello' || /^[0-9a-f]{64}$/.test(c) || c === 'run.jsonl' });
  const { text } = render(md);
  assert.ok(text.includes(`Operator: ${operator.replace(/\n/g, ' ')}`), `operator text:\n${text}`);
  assert.ok(text.includes(`Run summary: ${title}`), `title text:\n${text}`);
});
