// Small, polling helpers that drive the VS Code workbench the way a person does: keys, palette, panels.
import type { Page } from 'playwright-core';
import { poll } from './harness';

/** Runs a command by its palette label (F1, type, Enter), as a person would. */
export async function runCommand(page: Page, label: string): Promise<void> {
  await page.locator('.monaco-workbench').click({ position: { x: 5, y: 5 }, force: true }).catch(() => undefined);
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${label}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
  await row.waitFor({ state: 'visible' });
  await row.click();
}

/** Opens a workspace file through Quick Open and waits until its editor tab is active. */
export async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ state: 'visible' });
  await row.click();
  await page.locator('.tab.active', { hasText: name }).waitFor({ state: 'visible' });
  await page.locator('.editor-instance .view-lines').first().waitFor({ state: 'visible' });
}

/** Moves the cursor to a 1-based line and column with Go to Line. */
export async function goTo(page: Page, line: number, column: number): Promise<void> {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
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
