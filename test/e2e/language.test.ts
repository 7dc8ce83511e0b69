// Real editor: the runbook language, shell highlighting, and the language server's features as a person sees them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { poll, startEditor, step, type Editor } from './harness';
import { editorText, goTo, languageMode, openFile, problemsText, runCommand } from './ui';

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
    // The status item exists only once activate() has run; "linting" once the server answered.
    const status = page.locator('.statusbar-item', { hasText: 'Runsafe:' });
    await status.waitFor({ state: 'visible', timeout: 60_000 });
    await poll('the status item to say the server is linting', async () => /Runsafe: linting/.test((await status.textContent()) ?? ''));
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
    assert.match(yamlText, /entity\.name\.tag\.yaml/);
    assert.doesNotMatch(yamlText, /source\.shell/);
    await page.keyboard.press('Escape');
  });
});

test('an unsafe line shows its rule in the Problems panel at the right line', { timeout: 120_000 }, async () => {
  await step(editor, 'problems', async () => {
    const { page } = editor;
    await openFile(page, 'unsafe.runbook.yaml');
    const text = await problemsText(page, (t) => t.includes('secret-echo'), 'secret-echo in the Problems panel');
    // Line 10 is `      echo "$DB_PASSWORD"`; the finding starts at the variable (column 13).
    assert.match(text, /secret-echo[^[]*\[Ln 10, Col 13\]/, text);
  });
});

test('hover on the finding shows the rule and a link to its docs', { timeout: 120_000 }, async () => {
  await step(editor, 'hover', async () => {
    const { page } = editor;
    await openFile(page, 'unsafe.runbook.yaml');
    await goTo(page, 10, 15);
    await runCommand(page, 'Show or Focus Hover');
    const hover = page.locator('.monaco-hover:visible');
    // The hover holds the diagnostic's own part and the server's part; wait for the server's rule docs.
    const text = await poll('a hover with the rule docs of secret-echo', async () => {
      const t = (await hover.allTextContents()).join(' ');
      return /runsafe secret-echo \(error\)/.test(t) ? t : undefined;
    });
    assert.match(text, /docs/);
    const href = await hover.locator('a', { hasText: 'docs' }).first().getAttribute('data-href');
    assert.match(href ?? '', /docs\/rules\/secret-echo\.md$/);
    await page.keyboard.press('Escape');
  });
});

test('the outline lists the steps', { timeout: 120_000 }, async () => {
  await step(editor, 'outline', async () => {
    const { page } = editor;
    await openFile(page, 'unsafe.runbook.yaml');
    await runCommand(page, 'Explorer: Focus on Outline View');
    const outline = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Outline' }) });
    const steps = outline.locator('.monaco-list-row', { hasText: /^\s*steps/ }).first();
    await steps.waitFor({ state: 'visible' });
    if ((await steps.getAttribute('aria-expanded')) !== 'true') await steps.locator('.monaco-tl-twistie').click();
    const rows = await poll('the outline to list both steps', async () => {
      const all = await outline.locator('.monaco-list-row').allTextContents();
      return all.some((t) => t.includes('check-password')) && all.some((t) => /\bdone\b/.test(t)) ? all : undefined;
    });
    const first = rows.findIndex((t) => t.includes('check-password'));
    assert.ok(first >= 0 && rows.findIndex((t, i) => i > first && /\bdone\b/.test(t)) > first, rows.join(' | '));
  });
});

test('the quick fix removes the diagnostic', { timeout: 120_000 }, async () => {
  await step(editor, 'quick-fix', async () => {
    const { page } = editor;
    await openFile(page, 'unsafe.runbook.yaml');
    await goTo(page, 10, 15);
    await runCommand(page, 'Quick Fix...');
    const fix = page.locator('.action-widget .monaco-list-row', { hasText: 'Print the length of DB_PASSWORD' }).first();
    await fix.waitFor({ state: 'visible' });
    await fix.click();
    await poll('the fixed line in the editor', async () => (await editorText(page)).includes('echo "${#DB_PASSWORD}"'));
    await problemsText(page, (t) => !t.includes('secret-echo'), 'secret-echo to leave the Problems panel');
  });
});
