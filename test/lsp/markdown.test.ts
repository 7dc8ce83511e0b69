// Markdown runbooks in the language server over stdio: off by default, on for files matching
// runsafe.markdown.include (or everywhere with runsafe.markdown.enable), at exact positions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startClient } from './client';

const doc = '# Rotate\n\n```bash\necho "$NEW_DB_PASSWORD"\n```\n';

type Report = { items: { range: { start: { line: number; character: number } }; code: string; source: string }[] };

async function diagnosticsFor(markdown: unknown, files: string[]): Promise<Report['items'][]> {
  const dir = mkdtempSync(join(tmpdir(), 'runsafe-lsp-md-'));
  const c = startClient({ configuration: () => ({ markdown }) });
  try {
    await c.initialize({ workspace: { configuration: true } }, { debounceMs: 0 }, pathToFileURL(dir).href);
    await c.conn.sendNotification('initialized', {});
    const out: Report['items'][] = [];
    for (const f of files) {
      const uri = pathToFileURL(join(dir, f)).href;
      await c.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'markdown', version: 1, text: doc } });
      const r = (await c.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as Report;
      out.push(r.items);
    }
    // Markdown answers no runbook feature (hover, completion, symbols): it is not YAML.
    const uri = pathToFileURL(join(dir, files[0]!)).href;
    assert.equal(await c.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 8 } }), null);
    return out;
  } finally {
    await c.close();
  }
}

test('off by default: a Markdown file gets no diagnostics', async () => {
  const [items] = await diagnosticsFor(undefined, ['runbooks/rotate.md']);
  assert.deepEqual(items, []);
});

test('include: files matching the globs get the fences\' findings at exact positions, others none', async () => {
  const [inside, outside] = await diagnosticsFor({ include: ['runbooks/**/*.md'] }, ['runbooks/db/rotate.md', 'docs/rotate.md']);
  assert.deepEqual(
    inside!.map((d) => [d.code, d.range.start.line, d.range.start.character, d.source]),
    [['secret-echo', 3, 6, 'runsafe']],
  );
  assert.deepEqual(outside, []);
});

test('enable: every Markdown file is linted', async () => {
  const [a] = await diagnosticsFor({ enable: true }, ['docs/rotate.md']);
  assert.deepEqual(a!.map((d) => d.code), ['secret-echo']);
});
