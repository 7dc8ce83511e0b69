// The cadence code lens over stdio: a real run writes a transcript, and the server's lens above
// the title says when the runbook last ran and when it is due; a tampered transcript does not count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startClient } from './client';

const cli = resolve(__dirname, '../../client/out/cli.js');
const book = 'runsafe: 1\nid: quarterly\ntitle: Quarterly\ncadence: 90d\nsteps:\n  - id: s\n    run: echo done\n';

type Lens = { command: { title: string; command: string; arguments: unknown[] } };

async function lensesOf(dir: string, text: string): Promise<Lens[]> {
  const c = startClient();
  try {
    await c.initialize({}, { debounceMs: 0 }, pathToFileURL(dir).href);
    await c.conn.sendNotification('initialized', {});
    const uri = pathToFileURL(join(dir, 'quarterly.runbook.yaml')).href;
    await c.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'runbook', version: 1, text } });
    return (await c.conn.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as Lens[];
  } finally {
    await c.close();
  }
}

test('cadence lens: never run, then a real run, then a tampered transcript', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runsafe-cadence-lens-'));
  writeFileSync(join(dir, 'quarterly.runbook.yaml'), book);
  const never = (await lensesOf(dir, book)).find((l) => /never run/.test(l.command.title));
  assert.deepEqual(never?.command.title, 'never run · due now');
  assert.equal(never?.command.command, 'runsafe.runRunbook');

  const run = spawnSync(process.execPath, [cli, 'run', 'quarterly.runbook.yaml'], { cwd: dir, encoding: 'utf8', input: '' });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  const lens = (await lensesOf(dir, book)).find((l) => l.command.command === 'runsafe.showTranscriptSummary');
  assert.ok(lens, 'a lens leads to the last run');
  assert.match(lens.command.title, /^last run 1 minute ago by .+ · due in 90 days$/);
  const tdir = join(dir, '.runsafe/transcripts');
  const file = readdirSync(tdir)[0]!;
  assert.deepEqual(lens.command.arguments, [pathToFileURL(join(tdir, file)).href]);

  // Without a cadence there is no cadence lens.
  const plain = await lensesOf(dir, book.replace('cadence: 90d\n', ''));
  assert.ok(!plain.some((l) => /last run|never run/.test(l.command.title)));

  // An edited record breaks the chain: the run no longer counts.
  writeFileSync(join(tdir, file), readFileSync(join(tdir, file), 'utf8').replace('done', 'DONE'));
  const after = (await lensesOf(dir, book)).map((l) => l.command.title);
  assert.ok(after.includes('never run · due now'), after.join(' | '));
});
