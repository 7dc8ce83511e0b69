// Real editor, untrusted workspace (restricted mode): Runsafe still lints, runs nothing, and says why.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { poll, startEditor, step, type Editor } from './harness';
import { openFile, problemsText } from './ui';

let editor: Editor;

before(async () => {
  editor = await startEditor({ trusted: false });
}, { timeout: 180_000 });

after(async () => {
  await editor?.stop();
});

test('an untrusted workspace is linted', { timeout: 120_000 }, async () => {
  await step(editor, 'untrusted-lint', async () => {
    const { page } = editor;
    await openFile(page, 'unsafe.runbook.yaml');
    const status = page.locator('.statusbar-item', { hasText: 'Runsafe:' });
    await poll('the status item to say runs are disabled', async () => /runs disabled/.test((await status.textContent()) ?? ''));
    const text = await problemsText(page, (t) => t.includes('secret-echo'), 'secret-echo in the Problems panel');
    assert.match(text, /\[Ln 10, Col 13\]/);
  });
});

test('an untrusted workspace refuses to run a step and says why', { timeout: 120_000 }, async () => {
  await step(editor, 'untrusted-run', async () => {
    const { page, workspace } = editor;
    await openFile(page, 'demo.runbook.yaml');
    const lens = page.locator('.codelens-decoration a', { hasText: 'Run step' }).first();
    await lens.waitFor({ state: 'visible', timeout: 60_000 });
    await lens.click();
    const toast = page.locator('.notification-toast', { hasText: 'Runsafe runs nothing in an untrusted workspace' });
    await toast.waitFor({ state: 'visible' });
    assert.equal(await page.locator('.quick-input-widget input[type="password"]').isVisible(), false, 'a secret was asked for');
    assert.equal(existsSync(join(workspace, '.runsafe')), false, 'something was run or recorded');
  });
});
