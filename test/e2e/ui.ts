// Small, polling helpers that drive the VS Code workbench the way a person does: keys, palette, panels.
import type { Locator, Page } from 'playwright-core';
import { poll } from './harness';

/**
 * Opens the quick input with a key (F1, Ctrl+P, Ctrl+G) and returns its box. Focus is first given to the
 * workbench: a key pressed while a webview (the walkthrough's media) has focus may never reach it, and
 * on a loaded machine a first press can be swallowed while the workbench is busy, so the gesture is
 * repeated until the box shows (seen in a fresh-clone CI: Quick Open's box stayed hidden for 30 s).
 */
export async function openQuickInput(page: Page, key: string): Promise<Locator> {
  const input = page.locator('.quick-input-widget input');
  await poll(`the quick input after ${key}`, async () => {
    if (await input.isVisible()) await page.keyboard.press('Escape');
    await page.locator('.monaco-workbench').click({ position: { x: 5, y: 5 }, force: true }).catch(() => undefined);
    await page.keyboard.press(key);
    return input.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false);
  }, 90_000);
  return input;
}

/** Runs a command by its palette label (F1, type, Enter), as a person would. */
export async function runCommand(page: Page, label: string): Promise<void> {
  // Whatever the previous command started (a terminal opening, a notification) may take focus and
  // close the palette between its opening and our typing, so the whole gesture is retried.
  await poll(`the command "${label}"`, async () => {
    const input = await openQuickInput(page, 'F1');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
    try {
      await input.fill(`>${label}`, { timeout: 5_000 });
      await row.waitFor({ state: 'visible', timeout: 10_000 });
      await row.click({ timeout: 5_000 });
      return true;
    } catch {
      return false;
    }
  }, 120_000);
}

/** Opens a workspace file through Quick Open and waits until its editor tab is active. */
export async function openFile(page: Page, name: string): Promise<void> {
  const input = await openQuickInput(page, 'Control+P');
  await input.fill(name);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ state: 'visible' });
  await row.click();
  await page.locator('.tab.active', { hasText: name }).waitFor({ state: 'visible' });
  await page.locator('.editor-instance .view-lines').first().waitFor({ state: 'visible' });
}

/** Moves the cursor to a 1-based line and column with Go to Line. */
export async function goTo(page: Page, line: number, column: number): Promise<void> {
  const input = await openQuickInput(page, 'Control+G');
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await poll(`cursor at ${line}:${column}`, async () => {
    const text = await page.locator('#status\\.editor\\.selection').textContent();
    return text?.includes(`Ln ${line}, Col ${column}`);
  });
}

/** The text of the status bar's language indicator ("Runbook", "YAML", ...). */
export async function languageMode(page: Page): Promise<string> {
  return ((await page.locator('#status\\.editor\\.mode').textContent()) ?? '').trim();
}

/** Opens the Problems panel and returns its text once `want` matches it. */
export async function problemsText(page: Page, want: (text: string) => boolean, what: string): Promise<string> {
  await runCommand(page, 'View: Focus Problems');
  const panel = page.locator('.markers-panel');
  await panel.waitFor({ state: 'visible' });
  return poll(what, async () => {
    const text = (await panel.textContent()) ?? '';
    return want(text) ? text : undefined;
  });
}

/** The editor's visible text, lines joined by newlines. */
export async function editorText(page: Page): Promise<string> {
  const lines = await page.locator('.editor-instance .view-lines .view-line').allTextContents();
  return lines.join('\n').replace(/\u00a0/g, ' ');
}
