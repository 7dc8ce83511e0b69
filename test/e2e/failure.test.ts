// Real editor, the operator's failure path from the run view: a check fails, the failed step's row
// offers the failure prompt's options as actions (Retry and Abort; no Skip, the step is not
// skippable), the operator fixes the cause and clicks Retry, the guarded terminal follows, the run
// passes and the view shows the two attempts and the choice made. One code-server session.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { poll, startEditor, step, type Editor } from './harness';
import { openFile, runCommand } from './ui';

let editor: Editor;

before(async () => {
  editor = await startEditor({ trusted: true, prepare: (ws) => copyFileSync(join(__dirname, 'failure', 'retry.runbook.yaml'), join(ws, 'retry.runbook.yaml')) });
}, { timeout: 180_000 });

after(async () => {
  await editor?.stop();
});

const terminalText = async () => ((await editor.page.locator('.terminal-wrapper.active .xterm-rows').allTextContents()).join('\n')).replace(/\u00a0/g, ' ');

test('a failed step retried from the run view after the cause is fixed: the run passes with 2 attempts', { timeout: 240_000 }, async () => {
  await step(editor, 'failure-retry-from-view', async () => {
    const { page, workspace } = editor;
    await openFile(page, 'retry.runbook.yaml');
    await runCommand(page, 'Runsafe: Run Runbook');
    const unsigned = page.locator('.notification-toast .monaco-button', { hasText: 'Run Unsigned' });
    await unsigned.waitFor({ state: 'visible', timeout: 60_000 });
    await unsigned.click();
    await poll('the failure prompt in the terminal', async () => /\[r\]etry \/ \[a\]bort/.test(await terminalText()), 60_000);
    await runCommand(page, 'Runsafe: Focus on Runs View');
    const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Runs' }) });
    const row = pane.locator('.monaco-list-row', { hasText: 'Check that the service wrote its ready marker' });
    await poll('the failed row waiting for a choice', async () => /failed[^\n]*waiting for your choice/.test((await row.textContent()) ?? ''), 60_000);
    await row.hover();
    const retry = row.locator('.action-label[aria-label="Retry"]');
    await retry.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await row.locator('.action-label[aria-label="Abort"]').count(), 1, 'Abort is offered');
    assert.equal(await row.locator('.action-label[aria-label="Skip"]').count(), 0, 'no Skip: the step is not skippable');
    assert.equal(await row.locator('.action-label[aria-label="Roll Back"]').count(), 0, 'no Roll Back: nothing to roll back');
    await editor.capture('failure-prompt-in-view');
    // The operator fixes the cause, then retries from the view.
    writeFileSync(join(workspace, 'ready.marker'), 'ready\n');
    await retry.click();
    const dir = join(workspace, '.runsafe', 'transcripts');
    const transcript = await poll('a finished transcript', async () => {
      const f = existsSync(dir) ? readdirSync(dir).find((n) => n.startsWith('retry') && n.endsWith('.transcript.jsonl')) : undefined;
      return f && /"type":"head"/.test(readFileSync(join(dir, f), 'utf8')) ? join(dir, f) : undefined;
    }, 120_000);
    const records = readFileSync(transcript, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const choice = records.find((r) => r.type === 'failure_choice');
    assert.ok(choice, 'a failure_choice record');
    assert.equal(choice!.choice, 'retry');
    assert.equal(choice!.by, 'operator');
    const end = records.find((r) => r.type === 'run_end')?.summary as { status: string; steps: { id: string; state: string; attempts: number }[] } | undefined;
    assert.equal(end?.status, 'passed', 'the run passed');
    assert.deepEqual(end?.steps.map((s) => [s.id, s.state, s.attempts]), [['ready', 'passed', 2]], 'the step passed on its second attempt');
    // The terminal followed the answer to the end (only its visible rows are read: the summary is last).
    await poll('the terminal to show the run passed', async () => /Result: passed/.test(await terminalText()), 60_000);
    const text = await poll('the view to show the passed step with 2 attempts', async () => {
      const t = (await row.textContent()) ?? '';
      return /passed/.test(t) && /2 attempts/.test(t) && /retried/.test(t) ? t : undefined;
    });
    assert.doesNotMatch(text, /waiting for your choice/);
    await editor.capture('failure-retried-in-view');
  });
});
