// Real editor, the failure prompt's other answers from the run view: a loop's second item fails and
// is skipped (skippable: true, Skip offered), then a later check fails and Roll Back is chosen (Skip
// not offered there), its rollback is confirmed in the guarded terminal and runs. The view shows the
// loop per item ("Warm each cache · 2/2 beta"); the optional section ticked in the Run Runbook quick
// pick runs. Assertions read the transcript and the steps' log.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { poll, startEditor, step, type Editor } from './harness';
import { openFile, runCommand } from './ui';

let editor: Editor;

before(async () => {
  editor = await startEditor({ trusted: true, prepare: (ws) => copyFileSync(join(__dirname, 'choices', 'choices.runbook.yaml'), join(ws, 'choices.runbook.yaml')) });
}, { timeout: 180_000 });

after(async () => {
  await editor?.stop();
});

type Rec = Record<string, unknown>;
const terminalText = async () => (await editor.page.locator('.terminal-wrapper.active .xterm-rows').allTextContents()).join('\n').replace(/\u00a0/g, ' ');

/** The run's transcript once its head record is written (the run is over). */
function closedTranscript(): string | undefined {
  const dir = join(editor.workspace, '.runsafe', 'transcripts');
  const f = existsSync(dir) ? readdirSync(dir).find((n) => n.startsWith('choices') && n.endsWith('.transcript.jsonl')) : undefined;
  return f && /"type":"head"/.test(readFileSync(join(dir, f), 'utf8')) ? join(dir, f) : undefined;
}

/** The view's row waiting for a failure choice, once its step is the one named. */
async function waitingRow(pane: Locator, title: string, id: string): Promise<Locator> {
  const row = pane.locator('.monaco-list-row', { hasText: 'waiting for your choice' }).filter({ hasText: title });
  await poll(`${id} waiting for a choice in the view`, async () => (await row.count()) === 1, 120_000);
  return row;
}

/** The inline actions a row offers (shown on hover), by label; hovered again until they render. */
async function offered(row: Locator, want: string): Promise<string[]> {
  return poll(`the row's actions (${want})`, async () => {
    await row.hover().catch(() => undefined);
    const labels = await row.locator('.actions .action-label').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    return labels.includes(want) ? labels : undefined;
  }, 60_000);
}

/** Clicks an inline action until the answer shows in `done` (a gesture may be swallowed while the tree re-renders). */
async function choose(row: Locator, label: string, done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; ; i++) {
    await row.hover().catch(() => undefined);
    await row.locator(`.action-label[aria-label="${label}"]`).click({ timeout: 15_000 }).catch(() => undefined);
    try {
      await poll(`${label} to be taken`, done, 30_000);
      return;
    } catch (err) {
      if (i >= 3) throw err;
    }
  }
}

const logLines = () => {
  const f = join(editor.workspace, 'choices.log');
  return existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n') : [];
};

test('a section ticked in the quick pick runs; Skip on a skippable loop item and Roll Back on a failed check, both from the run view', { timeout: 480_000 }, async () => {
  await step(editor, 'failure-skip-rollback-from-view', async () => {
    const { page } = editor;
    await openFile(page, 'choices.runbook.yaml');
    await runCommand(page, 'Runsafe: Run Runbook');
    // The optional sections quick pick: the troubleshooting section is ticked, so it runs.
    const section = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Diagnose the caches' });
    await section.waitFor({ state: 'visible', timeout: 60_000 });
    const ticked = async () => (await section.getAttribute('aria-checked')) === 'true' || (await section.locator('input[type=checkbox]:checked, .monaco-custom-toggle.checked, [aria-checked="true"]').count()) > 0;
    for (let i = 0; !(await ticked()); i++) {
      if (i >= 4) throw new Error('the section could not be ticked in the quick pick');
      await section.click().catch(() => undefined);
      await poll('the section to be ticked', ticked, 10_000).catch(() => undefined);
    }
    await editor.capture('sections-quick-pick-ticked');
    await page.keyboard.press('Enter');
    const unsigned = page.locator('.notification-toast .monaco-button', { hasText: 'Run Unsigned' });
    await unsigned.waitFor({ state: 'visible', timeout: 60_000 });
    await unsigned.click();
    const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Runs' }) });
    // The guarded terminal takes focus when it opens, which can close the palette under a command: try again, bounded.
    for (let i = 0; ; i++) {
      try {
        await runCommand(page, 'Runsafe: Focus on Runs View');
        await pane.locator('.monaco-list-row', { hasText: 'Deploy the drill build' }).waitFor({ state: 'visible', timeout: 30_000 });
        break;
      } catch (err) {
        await page.keyboard.press('Escape').catch(() => undefined);
        if (i >= 3) throw err;
      }
    }
    // The loop's items are sections of their own in the view.
    const paneText = (await pane.textContent()) ?? '';
    assert.match(paneText, /Warm each cache · 1\/2 alpha/);
    assert.match(paneText, /Warm each cache · 2\/2 beta/);

    const warm = await waitingRow(pane, 'Warm one cache', 'warm[beta]');
    const warmActions = await offered(warm, 'Skip');
    assert.deepEqual(warmActions.filter((l) => ['Retry', 'Roll Back', 'Skip', 'Abort'].includes(l)).sort(), ['Abort', 'Retry', 'Skip'], 'a skippable step offers Skip; nothing to roll back yet');
    await editor.capture('failure-skip-offered');
    await choose(warm, 'Skip', async () => logLines().includes('deploy'));

    const health = await waitingRow(pane, 'Check that the drill build is healthy', 'health');
    const healthActions = await offered(health, 'Roll Back');
    assert.deepEqual(healthActions.filter((l) => ['Retry', 'Roll Back', 'Skip', 'Abort'].includes(l)).sort(), ['Abort', 'Retry', 'Roll Back'], 'Roll Back offered (deploy ran), no Skip (not skippable)');
    await editor.capture('failure-rollback-offered');
    await choose(health, 'Roll Back', async () => /Rollback[^\n]*undeploy[^\n]*\[r\]un/.test(await terminalText()));
    // The rollbacks are then confirmed one by one in the terminal (the view brought it forward).
    await poll('the rollback to run', async () => {
      if (logLines().includes('undeploy')) return true;
      if (/\[r\]un \/ \[s\]kip \/ \[a\]bort:\s*$/.test((await terminalText()).trimEnd() + ' ')) {
        await page.locator('.terminal-wrapper.active .xterm').click().catch(() => undefined);
        await page.keyboard.type('r');
        await page.keyboard.press('Enter');
      }
      return false;
    }, 120_000);
    const transcript = await poll('the run to close its transcript', async () => closedTranscript(), 120_000);
    const recs = readFileSync(transcript, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Rec);
    const choices = recs.filter((r) => r.type === 'failure_choice').map((r) => [r.stepId, r.choice, r.by]);
    assert.deepEqual(choices, [['warm[beta]', 'skip', 'operator'], ['health', 'rollback', 'operator']]);
    const end = recs.find((r) => r.type === 'run_end')?.summary as { steps: { id: string; state: string }[] };
    const state = Object.fromEntries(end.steps.map((s) => [s.id, s.state]));
    assert.equal(state['warm[alpha]'], 'passed');
    assert.equal(state['warm[beta]'], 'skipped');
    assert.equal(state['deploy'], 'passed');
    assert.equal(state['health'], 'failed');
    assert.equal(state['undeploy'], 'passed', 'the rollback chosen ran');
    assert.equal(state['diagnose'], 'passed', 'the section ticked in the quick pick ran');
    assert.deepEqual(logLines(), ['warm alpha', 'warm beta', 'diagnose', 'deploy', 'health', 'undeploy']);
    const undo = pane.locator('.monaco-list-row[aria-label^="Undo the drill build"]');
    await poll('the view to show the rollback ran', async () => /rolled-back/.test((await undo.textContent()) ?? ''), 60_000);
    const skipped = pane.locator('.monaco-list-row[aria-label^="Warm one cache"]').filter({ hasText: 'skipped' });
    await poll('the view to show the skipped item', async () => (await skipped.count()) >= 1, 60_000);
    await editor.capture('failure-skip-rollback-done');
  });
});
