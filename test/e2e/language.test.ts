// Real editor: a runbook file activates the extension, gets the `runbook` language and shell highlighting.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { poll, startEditor, step, type Editor } from './harness';
import { goTo, languageMode, openFile, runCommand } from './ui';

let editor: Editor;

before(async () => {
  editor = await startEditor({ trusted: true });
}, { timeout: 180_000 });

after(async () => {
  await editor?.stop();
});

test('opening a runbook activates Runsafe and selects the runbook language', { timeout: 120_000 }, async () => {
  await step(editor, 'activation', async () => {
    const { page } = editor;
    await openFile(page, 'highlight.runbook.yaml');
    await poll('the language mode to read Runbook', async () => (await languageMode(page)) === 'Runbook');
    // The status item exists only once activate() has run.
    const status = page.locator('.statusbar-item', { hasText: 'Runsafe:' });
    await status.waitFor({ state: 'visible', timeout: 60_000 });
    assert.match((await status.textContent()) ?? '', /Runsafe/);
  });
});

test('shell inside a run block is tokenized with the shell grammar', { timeout: 120_000 }, async () => {
  await step(editor, 'shell-tokens', async () => {
    const { page } = editor;
    await openFile(page, 'highlight.runbook.yaml');
    // Line 9 is `      grep -c runbook /etc/hostname || true`: put the cursor on `grep`.
    await goTo(page, 9, 8);
    await runCommand(page, 'Developer: Inspect Editor Tokens and Scopes');
    const widget = page.locator('.token-inspect-widget');
    await widget.waitFor({ state: 'visible' });
    const text = await poll('the token inspector to list scopes', async () => {
      const t = (await widget.textContent()) ?? '';
      return t.includes('source.runbook') ? t : undefined;
    });
    assert.match(text, /source\.shell/, `the run block is not shell: ${text}`);
    assert.match(text, /entity\.name\.command\.shell/, `grep is not a shell command token: ${text}`);
    assert.match(text, /meta\.embedded\.block\.shellscript/);
    await page.keyboard.press('Escape');

    // A YAML key outside run blocks keeps YAML scopes and no shell scope.
    await goTo(page, 3, 2);
    await runCommand(page, 'Developer: Inspect Editor Tokens and Scopes');
    const yamlText = await poll('the token inspector on a YAML key', async () => {
      const t = (await widget.textContent()) ?? '';
      return t.includes('source.runbook') && t.includes('title') ? t : undefined;
    });
    assert.match(yamlText, /yaml/);
    assert.doesNotMatch(yamlText, /source\.shell/);
    await page.keyboard.press('Escape');
  });
});
