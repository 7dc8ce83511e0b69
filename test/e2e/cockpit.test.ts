// Real editor, the operator's cockpit: the Runsafe view container, lenses together, the status item
// only on runbooks, then a first run that offers the key (signed by default), the optional-section
// quick pick, a typed confirmation, a failing check with its rollback chosen, and the view's rows.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { poll, root, startEditor, step, type Editor } from './harness';
import { openFile, runCommand } from './ui';

let editor: Editor;

before(async () => {
  editor = await startEditor({
    trusted: true,
    prepare: (ws) => {
      for (const f of ['ops.runbook.yaml', 'slow.runbook.yaml', 'leak.runbook.yaml', 'quick.runbook.yaml']) copyFileSync(join(__dirname, 'cockpit', f), join(ws, f));
      writeFileSync(join(ws, 'notes.txt'), 'not a runbook\n');
    },
  });
}, { timeout: 180_000 });

after(async () => {
  await editor?.stop();
});

const terminalText = async () => ((await editor.page.locator('.terminal-wrapper.active .xterm-rows').allTextContents()).join('\n')).replace(/\u00a0/g, ' ');
const viewRows = async () => (await editor.page.locator('.pane', { has: editor.page.locator('.pane-header', { hasText: 'Runs' }) }).locator('.monaco-list-row').allTextContents()).join('\n');

test('the Runsafe view container in the activity bar, with plain welcome text', { timeout: 120_000 }, async () => {
  await step(editor, 'cockpit-view-container', async () => {
    const { page } = editor;
    await page.locator('.activitybar .action-item a[aria-label^="Runsafe"]').click();
    const welcome = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Runs' }) }).locator('.welcome-view-content');
    await welcome.waitFor({ state: 'visible', timeout: 60_000 });
    const text = (await welcome.textContent()) ?? '';
    assert.match(text, /click "Run step" above a step/);
    assert.doesNotMatch(text, /\*\*/, 'no literal markdown');
    await editor.capture('cockpit-view-container');
  });
});

test('approval and Run runbook lenses sit together; the status item shows only on runbooks', { timeout: 120_000 }, async () => {
  await step(editor, 'cockpit-lenses-status', async () => {
    const { page } = editor;
    await openFile(page, 'ops.runbook.yaml');
    const line = page.locator('.codelens-decoration', { hasText: 'Run runbook' }).first();
    await line.waitFor({ state: 'visible', timeout: 60_000 });
    await poll('the approval lens beside Run runbook', async () => /approv/i.test((await line.textContent()) ?? ''));
    const status = page.locator('.statusbar-item', { hasText: 'Runsafe:' });
    await status.waitFor({ state: 'visible', timeout: 60_000 });
    await editor.capture('cockpit-lenses');
    await openFile(page, 'notes.txt');
    await poll('the status item to hide on a plain file', async () => (await status.count()) === 0 || !(await status.isVisible()));
  });
});

test('first run: key offered and created, sections chosen, typed confirmation, failing check rolled back, view and transcript', { timeout: 240_000 }, async () => {
  await step(editor, 'cockpit-first-run', async () => {
    const { page, workspace } = editor;
    await openFile(page, 'ops.runbook.yaml');
    await runCommand(page, 'Runsafe: Run Runbook');
    // The optional sections quick pick: none ticked, the main procedure only.
    const pick = page.locator('.quick-input-widget');
    await poll('the sections quick pick', async () => /Troubleshooting the drill/.test((await pick.textContent()) ?? ''));
    await editor.capture('cockpit-sections');
    await page.keyboard.press('Enter');
    // Signed by default: the first run offers to create the operator's key.
    const create = page.locator('.notification-toast .monaco-button', { hasText: 'Create Key and Sign' });
    await create.waitFor({ state: 'visible', timeout: 60_000 });
    await create.click();
    await poll('the terminal to ask for APP_ENV', async () => /APP_ENV[^\n]*: *$/m.test(await terminalText()), 60_000);
    await page.keyboard.press('Enter');
    await poll('the typed confirmation', async () => /Type staging to proceed/.test(await terminalText()), 60_000);
    await page.keyboard.type('staging');
    await page.keyboard.press('Enter');
    await poll('the failure prompt after the failing check', async () => /\[r\]etry \/ roll\[b\]ack \/ \[a\]bort/.test(await terminalText()), 60_000);
    await page.keyboard.type('b');
    await page.keyboard.press('Enter');
    await poll('the rollback offer', async () => /\[r\]un \/ \[s\]kip \/ \[a\]bort/.test(await terminalText()), 60_000);
    await page.keyboard.type('r');
    await page.keyboard.press('Enter');
    const dir = join(workspace, '.runsafe', 'transcripts');
    const transcript = await poll('a finished transcript', async () => {
      const f = existsSync(dir) ? readdirSync(dir).find((n) => n.startsWith('ops') && n.endsWith('.transcript.jsonl')) : undefined;
      return f && /"type":"head"/.test(readFileSync(join(dir, f), 'utf8')) ? join(dir, f) : undefined;
    }, 120_000);
    assert.ok(existsSync(join(workspace, 'unflip.marker')), 'the rollback ran');
    assert.ok(!existsSync(join(workspace, 'diag.marker')), 'the unticked section did not run');
    const verify = spawnSync(process.execPath, [join(root, 'client/out/cli.js'), 'verify', transcript, '--trust', join(workspace, '.runsafe', 'trust.yaml')], { encoding: 'utf8' });
    assert.equal(verify.status, 0, `the transcript is signed and verifies:\n${verify.stdout}${verify.stderr}`);
    await runCommand(page, 'Runsafe: Focus on Runs View');
    const rows = await poll('the view to show the run', async () => {
      const t = await viewRows();
      return /Check that the drill flag/.test(t) && /failed/.test(t) && /rolled-back/.test(t) && /signed/.test(t) ? t : undefined;
    });
    assert.match(rows, /Main procedure/, 'steps grouped by section');
    assert.match(rows, /Operator/);
    assert.match(rows, /Transcript/);
    await editor.capture('cockpit-run-view');
  });
});

// Issue 18's reproduction: a refused run, then another run while the Runs view was collapsed; expanded,
// the view showed nothing at all. It must show the new run, not the refused one.
test('a refused run, then a run while the Runs view is hidden: shown again, it has the new run', { timeout: 240_000 }, async () => {
  await step(editor, 'cockpit-collapsed-view', async () => {
    const { page, workspace } = editor;
    await openFile(page, 'leak.runbook.yaml');
    await runCommand(page, 'Runsafe: Run Runbook');
    await poll('the lint gate to refuse the run', async () => /refused/i.test(await terminalText()), 60_000);
    // The view is alone in its container, so VS Code hides its header and it cannot be collapsed;
    // hiding the whole container (the Explorer shown instead) is today's form of "collapsed".
    const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Runs' }) });
    // A click on the active container's icon would close the side bar, so click only when hidden.
    const showRuns = () => poll('the Runs view to show', async () => {
      if (!(await pane.isVisible())) await page.locator('.activitybar .action-item a[aria-label^="Runsafe"]').click();
      return pane.isVisible();
    });
    await showRuns();
    await poll('the refused run in the view', async () => /refused/i.test(await viewRows()) && /Print the database password/.test(await viewRows()));
    await page.locator('.activitybar .action-item a[aria-label^="Explorer"]').click();
    await poll('the Runs view to be hidden', async () => !(await pane.isVisible()));
    await openFile(page, 'quick.runbook.yaml');
    await runCommand(page, 'Runsafe: Run Runbook');
    await poll('the quick run to write its marker', async () => existsSync(join(workspace, 'hello.marker')), 120_000);
    await poll('the quick run to finish', async () => {
      const dir = join(workspace, '.runsafe', 'transcripts');
      const f = existsSync(dir) ? readdirSync(dir).find((n) => n.startsWith('quick') && n.endsWith('.transcript.jsonl')) : undefined;
      return f && /"type":"head"/.test(readFileSync(join(dir, f), 'utf8'));
    }, 120_000);
    assert.ok(!(await pane.isVisible()), 'the run happened while the view was hidden');
    await showRuns();
    const rows = await poll('the expanded pane to show the quick run', async () => {
      const t = await viewRows();
      return /Write the hello marker/.test(t) && /passed/.test(t) ? t : undefined;
    });
    assert.doesNotMatch(rows.split(/Past runs/)[0] ?? rows, /Print the database password/, 'the current run is the new one, not the refused one');
    await editor.capture('cockpit-collapsed-view');
  });
});
