// Real editor, the operator's other paths: the walkthrough ticking on what was really done, a dry run,
// approving a runbook (the lens follows), rotating the key in a signed trust store (refused without
// its root key, signed with a root key file picked), and Ctrl+C during a running step.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parse } from 'yaml';
import { poll, root, startEditor, step, type Editor } from './harness';
import { openFile, runCommand } from './ui';

let editor: Editor;

before(async () => {
  editor = await startEditor({
    trusted: true,
    prepare: (ws) => {
      for (const f of ['ops.runbook.yaml', 'slow.runbook.yaml']) copyFileSync(join(__dirname, 'cockpit', f), join(ws, f));
    },
  });
}, { timeout: 180_000 });

after(async () => {
  await editor?.stop();
});

const cli = (args: string[]) => spawnSync(process.execPath, [join(root, 'client/out/cli.js'), ...args], { cwd: editor.workspace, encoding: 'utf8' });
const terminalText = async () => ((await editor.page.locator('.terminal-wrapper.active .xterm-rows').allTextContents()).join('\n')).replace(/\u00a0/g, ' ');
const runsPane = () => editor.page.locator('.pane', { has: editor.page.locator('.pane-header', { hasText: 'Runs' }) });
const viewRows = async () => (await runsPane().locator('.monaco-list-row').allTextContents()).join('\n');
const toast = (text: string | RegExp) => editor.page.locator('.notification-toast', { hasText: text });
const trustFile = () => join(editor.workspace, '.runsafe', 'trust.yaml');

/** Clicks a button of the newest notification that shows `text`. */
async function clickToast(text: string | RegExp, button: string): Promise<void> {
  const b = toast(text).last().locator('.monaco-button', { hasText: button });
  await b.waitFor({ state: 'visible', timeout: 60_000 });
  await b.click();
}

/** Answers VS Code's file dialog (the quick-input one code-server shows) with a path, as a person does:
 * type the folder, click the file in the list, and make sure the dialog took it. */
async function pickPath(path: string): Promise<void> {
  const { page } = editor;
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 60_000 });
  const folder = `${dirname(path)}/`;
  const name = basename(path);
  // The row whose own label is exactly the file's name (root.key, not root.key.pub); a row's whole text
  // also holds its icon's and description's labels.
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.getByText(name, { exact: true }) }).first();
  // The dialog fills in its own folder once that folder's listing has loaded, and on a loaded machine
  // that lands after anything typed (seen in fresh-clone CI: the value reset to the workspace folder,
  // Enter then opened the folder). So retry the whole gesture until the dialog has closed on our file.
  await poll(`the dialog to take ${path}`, async () => {
    if (!(await input.isVisible())) return true;
    if ((await input.inputValue()) !== folder) await input.fill(folder);
    await row.waitFor({ state: 'visible', timeout: 5_000 });
    await row.click();
    const closed = async () => !(await input.isVisible());
    for (let i = 0; i < 20 && !(await closed()); i++) {
      if (i === 5 && (await input.inputValue()) === path) await page.keyboard.press('Enter');
      await new Promise((r) => setTimeout(r, 250));
    }
    return closed();
  }, 90_000);
}

/** The walkthrough's step buttons, each with its title and whether it is ticked. */
async function walkthroughSteps(): Promise<Record<string, boolean>> {
  const { page } = editor;
  await runCommand(page, 'Welcome: Open Walkthrough');
  const pick = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Get started with Runsafe' }).first();
  await pick.waitFor({ state: 'visible', timeout: 60_000 });
  await pick.click();
  const steps = page.locator('.getting-started-step');
  await poll('the walkthrough steps', async () => (await steps.count()) >= 4);
  const out: Record<string, boolean> = {};
  for (const s of await steps.all()) {
    const title = ((await s.locator('.step-title').textContent()) ?? '').trim();
    // A done step's check icon carries `complete` (the codicon pass-filled); an open one the empty circle.
    if (title) out[title] = (await s.locator('.codicon.complete').count()) > 0;
  }
  return out;
}

test('the walkthrough starts unticked; a dry run shows the plan, records nothing, and ticks "Run a step"', { timeout: 180_000 }, async () => {
  await step(editor, 'operator-dry-run', async () => {
    const { page, workspace } = editor;
    // Nothing run or verified yet ("See a diagnostic" may tick already: the server reports the workspace's runbooks at start).
    const first = await walkthroughSteps();
    assert.deepEqual(Object.keys(first), ['Open the demo runbook', 'See a diagnostic', 'Run a step', 'Verify the transcript']);
    assert.equal(first['Run a step'], false);
    assert.equal(first['Verify the transcript'], false);
    await openFile(page, 'ops.runbook.yaml');
    await runCommand(page, 'Runsafe: Dry Run (show the plan)');
    await poll('the plan in the terminal', async () => /flip[\s\S]*check[\s\S]*The run is over/.test(await terminalText()), 90_000);
    await runCommand(page, 'Runsafe: Focus on Runs View');
    await poll('the view to show the plan', async () => /Plan of Flip the drill flag/.test(await viewRows()) && /dry run/.test(await viewRows()));
    assert.equal(existsSync(join(workspace, 'flip.marker')), false, 'a dry run ran a step');
    assert.equal(existsSync(join(workspace, '.runsafe', 'transcripts')), false, 'a dry run wrote a transcript');
    await editor.capture('operator-dry-run');
    const after = await poll('"Open" and "Run a step" ticked', async () => {
      const s = await walkthroughSteps();
      return s['Open the demo runbook'] && s['Run a step'] ? s : undefined;
    });
    assert.equal(after['Verify the transcript'], false, 'verify ticked before anything was verified');
  });
});

test('approving a runbook turns its lens to "Approved by"', { timeout: 180_000 }, async () => {
  await step(editor, 'operator-approve', async () => {
    const { page, workspace } = editor;
    await runCommand(page, 'Runsafe: Generate Signing Key');
    await clickToast('new signing key', 'Add to Trust Store');
    await poll('the trust store', async () => existsSync(trustFile()));
    await openFile(page, 'ops.runbook.yaml');
    const lens = page.locator('.codelens-decoration', { hasText: 'Run runbook' }).first();
    await poll('the lens to say Not approved', async () => /Not approved/.test((await lens.textContent()) ?? ''), 60_000);
    await runCommand(page, 'Runsafe: Approve (sign) Runbook');
    await poll('the lens to say Approved by', async () => /Approved by .* · 1 of 1/.test((await lens.textContent()) ?? ''), 60_000);
    assert.ok(existsSync(join(workspace, 'ops.runbook.yaml.sig')));
    const verify = cli(['verify', 'ops.runbook.yaml', '--trust', trustFile()]);
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
    await editor.capture('operator-approved-lens');
  });
});

test('rotating the key: refused without the root key (nothing written), then signed with a root key file', { timeout: 240_000 }, async () => {
  await step(editor, 'operator-rotate', async () => {
    const { page, workspace } = editor;
    // A store kept by a root key holder (the CLI), holding the operator's key as the editor made it.
    const mine = (parse(readFileSync(trustFile(), 'utf8')) as { keys: { key_id: string; public_key: string; identity: string }[] }).keys[0]!;
    rmSync(trustFile());
    assert.equal(cli(['keygen', '--out', 'root.key']).status, 0);
    chmodSync(join(workspace, 'root.key'), 0o600);
    assert.equal(cli(['trust', 'init', trustFile(), '--root-key', 'root.key']).status, 0);
    const added = cli(['trust', 'add', trustFile(), '--public-key', mine.public_key, '--name', mine.identity, '--role', 'operator', '--role', 'approver', '--root-key', 'root.key']);
    assert.equal(added.status, 0, added.stderr);
    const before = readFileSync(trustFile(), 'utf8');

    await runCommand(page, 'Runsafe: Rotate Signing Key');
    await clickToast(/to rotate key .* is signed by its root key/, 'Cancel');
    await toast(/key not rotated: your signing key is still/).first().waitFor({ state: 'visible', timeout: 60_000 });
    await toast(/nothing written to .runsafe\/trust.yaml .*runsafe trust rotate/).first().waitFor({ state: 'visible' });
    assert.equal(readFileSync(trustFile(), 'utf8'), before, 'the store changed without its root key');
    await editor.capture('operator-rotate-refused');

    await runCommand(page, 'Runsafe: Rotate Signing Key');
    await clickToast(/to rotate key .* is signed by its root key/, 'Choose Root Key File');
    await pickPath(join(workspace, 'root.key'));
    await toast(/rotated signing key/).first().waitFor({ state: 'visible', timeout: 60_000 });
    const list = cli(['trust', 'list', trustFile()]);
    assert.equal(list.status, 0, `the new version verifies:\n${list.stdout}${list.stderr}`);
    assert.match(list.stdout, /version 3: root threshold 1/);
    assert.match(list.stdout, new RegExp(`rotation .*\\(${mine.key_id}\\) -> v2 `));
    assert.doesNotMatch(readFileSync(trustFile(), 'utf8'), /PRIVATE|seed/i);
    // The approval made before the rotation still holds: the old key was valid when it signed.
    const lens = page.locator('.codelens-decoration', { hasText: 'Run runbook' }).first();
    await openFile(page, 'ops.runbook.yaml');
    await poll('the lens to stay Approved by', async () => /Approved by/.test((await lens.textContent()) ?? ''), 60_000);
    await editor.capture('operator-rotated');

    // Putting the older version back is a rollback: the workspace's pin (not one in the editor's own
    // folder) holds version 3, so the lens refuses the store, until the newest version is back.
    const pins = JSON.parse(readFileSync(join(workspace, '.runsafe', 'trust-pins.json'), 'utf8')) as { stores: Record<string, { version: number }> };
    const storeId = (parse(readFileSync(trustFile(), 'utf8')) as { store_id: string }).store_id;
    assert.equal(pins.stores[storeId]?.version, 3);
    const rotated = readFileSync(trustFile(), 'utf8');
    writeFileSync(trustFile(), before);
    await poll('the lens to refuse the rolled-back store', async () => /Approval unreadable/.test((await lens.textContent()) ?? ''), 60_000);
    writeFileSync(trustFile(), rotated);
    await poll('the lens to say Approved by again', async () => /Approved by/.test((await lens.textContent()) ?? ''), 60_000);
  });
});

test('Ctrl+C during a running step cancels the run, offers its rollback, and the view says cancelled', { timeout: 240_000 }, async () => {
  await step(editor, 'operator-ctrl-c', async () => {
    const { page, workspace } = editor;
    await openFile(page, 'slow.runbook.yaml');
    await runCommand(page, 'Runsafe: Run Runbook');
    await poll('the step to be running', async () => /\[run long-wait\]/.test(await terminalText()), 90_000);
    await page.locator('.terminal-wrapper.active').click();
    await page.keyboard.press('Control+C');
    await poll('the rollback offer', async () => /Rollback undo-wait\? \[r\]un \/ \[s\]kip \/ \[a\]bort/.test(await terminalText()), 60_000);
    await page.keyboard.type('r');
    await page.keyboard.press('Enter');
    const dir = join(workspace, '.runsafe', 'transcripts');
    const transcript = await poll('the transcript closed', async () => {
      const f = existsSync(dir) ? readdirSync(dir).find((n) => n.startsWith('slow') && n.endsWith('.transcript.jsonl')) : undefined;
      return f && /"type":"head"/.test(readFileSync(join(dir, f), 'utf8')) ? join(dir, f) : undefined;
    }, 90_000);
    assert.ok(existsSync(join(workspace, 'undo-wait.marker')), 'the rollback ran');
    assert.equal(existsSync(join(workspace, 'slow.marker')), false, 'the cancelled step finished');
    assert.match(readFileSync(transcript, 'utf8'), /"status":"cancelled"/);
    await runCommand(page, 'Runsafe: Focus on Runs View');
    await poll('the view to show the run cancelled', async () => /A step that takes long[^\n]*cancelled/.test(await viewRows()) || /cancelled[\s\S]*Wait a long time/.test(await viewRows()));
    await editor.capture('operator-cancelled');
    const verify = cli(['verify', transcript, '--trust', trustFile()]);
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
  });
});

test('the walkthrough ticks "See a diagnostic" and "Verify the transcript" once they happen', { timeout: 180_000 }, async () => {
  await step(editor, 'operator-walkthrough', async () => {
    const { page, workspace } = editor;
    await openFile(page, 'unsafe.runbook.yaml');
    const dir = join(workspace, '.runsafe', 'transcripts');
    const transcript = join(dir, readdirSync(dir).find((n) => n.startsWith('slow'))!);
    await runCommand(page, 'Runsafe: Verify Transcript');
    await pickPath(transcript);
    await toast(/verified/).first().waitFor({ state: 'visible', timeout: 60_000 });
    const s = await poll('every walkthrough step ticked', async () => {
      const all = await walkthroughSteps();
      return Object.values(all).every(Boolean) ? all : undefined;
    });
    assert.equal(Object.keys(s).length, 4);
    await editor.capture('operator-walkthrough');
  });
});
