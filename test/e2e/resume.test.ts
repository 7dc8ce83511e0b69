// Real editor, resume: a step fails until a marker exists, the operator aborts the run from the run
// view, creates the marker and resumes the run, from the view's action on the run and from the
// palette's "Runsafe: Resume Run…" quick pick. The resumed segment does not run the passed step
// again, the run passes, and the CLI verifies the two segments together. A parked run resumed
// early asks for the reason and records it. One code-server session.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { poll, root, startEditor, step, type Editor } from './harness';
import { openFile, runCommand } from './ui';

let editor: Editor;

before(async () => {
  editor = await startEditor({
    trusted: true,
    prepare: (ws) => {
      for (const f of ['resume.runbook.yaml', 'palette.runbook.yaml', 'park.runbook.yaml']) copyFileSync(join(__dirname, 'resume', f), join(ws, f));
    },
  });
}, { timeout: 180_000 });

after(async () => {
  await editor?.stop();
});

type Rec = Record<string, unknown>;
const records = (file: string): Rec[] => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Rec);
const transcriptsDir = () => join(editor.workspace, '.runsafe', 'transcripts');

/** The closed transcripts (their head record written) of a runbook id, by file name. */
function closedSegments(runbookId: string): string[] {
  const dir = transcriptsDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.transcript.jsonl'))
    .map((f) => join(dir, f))
    .filter((f) => {
      const recs = records(f);
      return (recs[0]?.runbook as Rec | undefined)?.id === runbookId && recs.some((r) => r.type === 'head');
    });
}

const endOf = (file: string) => records(file).find((r) => r.type === 'run_end') as { status: string; summary: { status: string; steps: { id: string; state: string; attempts: number }[] } } | undefined;

function runsView(): Locator {
  const { page } = editor;
  return page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Runs' }) });
}

/**
 * Clicks a row's inline action (shown on hover) until `done` holds: on a loaded machine a hover or
 * click can be swallowed while the tree re-renders, so the gesture is tried again, bounded.
 */
async function clickInline(row: Locator, label: string, what: string, done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; ; i++) {
    await row.hover().catch(() => undefined);
    await row.locator(`.action-label[aria-label="${label}"]`).click({ timeout: 15_000 }).catch(() => undefined);
    try {
      await poll(what, async () => done(), 30_000);
      return;
    } catch (err) {
      if (i >= 3) throw err;
    }
  }
}

/** Accepts the first run's offer to create the operator's key (SecretStorage) and the workspace trust store, so the run is signed. */
async function createKeyAndSign(): Promise<void> {
  const sign = editor.page.locator('.notification-toast .monaco-button', { hasText: 'Create Key and Sign' });
  await sign.waitFor({ state: 'visible', timeout: 60_000 });
  await sign.click();
}

/** The CLI verifies the run's signed segments as one run against the workspace's trust store. */
function cliVerifies(segments: string[]): string {
  const trust = join(editor.workspace, '.runsafe', 'trust.yaml');
  const out = spawnSync(process.execPath, [join(root, 'client', 'out', 'cli.js'), 'verify', ...segments, '--trust', trust], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(out.status, 0, `runsafe verify ${segments.join(' ')}:\n${out.stdout}\n${out.stderr}`);
  return out.stdout;
}

/** What a resumed run proves: the first segment aborted at `ready`, the second ran only ready and finish, and both verify together. */
function assertResumed(runbookId: string, log: string): void {
  const segs = closedSegments(runbookId);
  assert.equal(segs.length, 2, `two segments: ${segs.join(', ')}`);
  const [first, second] = segs.map((f) => ({ f, recs: records(f) })).sort((a, b) => Number((a.recs[0]!.segment as number | undefined) ?? 1) - Number((b.recs[0]!.segment as number | undefined) ?? 1));
  assert.equal(endOf(first!.f)?.summary.status, 'aborted', 'the first segment was aborted');
  assert.equal(first!.recs.find((r) => r.type === 'failure_choice')?.choice, 'abort');
  const start2 = second!.recs[0]!;
  assert.equal(start2.segment, 2);
  assert.equal(start2.run_id, first!.recs[0]!.run_id, 'the second segment continues the same run');
  assert.equal((start2.resumes as Rec).file, first!.f.split('/').at(-1));
  assert.equal(endOf(second!.f)?.summary.status, 'passed', 'the resumed run passed');
  const resumed = second!.recs.find((r) => r.type === 'resumed');
  assert.deepEqual(resumed?.skipped, ['step:prepare'], 'the resume skipped the step that passed');
  // ran.log: prepare once (first segment), ready twice (failed, then passed), finish once.
  assert.deepEqual(readFileSync(join(editor.workspace, log), 'utf8').trim().split('\n'), ['prepare', 'ready', 'ready', 'finish']);
  assert.equal(existsSync(`${first!.f}.resumed`), true, 'the first segment is claimed by the resume');
  assert.match(cliVerifies([first!.f, second!.f]), /VERIFIED/i);
}

/** Focuses the Runs view until `row` shows: the guarded terminal takes focus when it opens, which can close the palette under a command. */
async function focusRunsView(row: Locator): Promise<void> {
  const { page } = editor;
  for (let i = 0; ; i++) {
    try {
      await runCommand(page, 'Runsafe: Focus on Runs View');
      await row.waitFor({ state: 'visible', timeout: 30_000 });
      return;
    } catch (err) {
      await page.keyboard.press('Escape').catch(() => undefined);
      if (i >= 3) throw err;
    }
  }
}

/** Runs `file` (which fails at `ready`) and waits for its failure prompt in the run view; returns the failed row. */
async function runUntilFailurePrompt(file: string, firstRun: boolean): Promise<Locator> {
  const { page } = editor;
  await openFile(page, file);
  await runCommand(page, 'Runsafe: Run Runbook');
  if (firstRun) await createKeyAndSign();
  const row = runsView().locator('.monaco-list-row', { hasText: 'Check that the service wrote its ready marker' });
  await focusRunsView(row);
  await poll('the failed row waiting for a choice', async () => /failed[^\n]*waiting for your choice/.test((await row.textContent()) ?? ''), 120_000);
  return row;
}

test('an aborted run resumed from the run view after the cause is fixed: passed steps are not run again, both segments verify', { timeout: 480_000 }, async () => {
  await step(editor, 'resume-from-view', async () => {
    const { page, workspace } = editor;
    const row = await runUntilFailurePrompt('resume.runbook.yaml', true);
    await clickInline(row, 'Abort', 'the aborted run to close its transcript', async () => closedSegments('resume-drill').length === 1);
    const runRow = runsView().locator('.monaco-list-row', { hasText: 'Bring the service up after its marker appears' }).first();
    await poll('the run row to say aborted', async () => /aborted/.test((await runRow.textContent()) ?? ''), 60_000);
    await runRow.hover();
    await runRow.locator('.action-label[aria-label="Resume Run"]').waitFor({ state: 'visible', timeout: 30_000 });
    await editor.capture('resume-offered-in-view');
    // The operator fixes the cause, then resumes from the view.
    writeFileSync(join(workspace, 'ready.marker'), 'ready\n');
    await clickInline(runRow, 'Resume Run', 'the resumed segment to close', async () => closedSegments('resume-drill').length === 2);
    assertResumed('resume-drill', 'ran.log');
    const prepare = runsView().locator('.monaco-list-row', { hasText: "Prepare the service's work folder" });
    await poll('the view to say prepare was not run again', async () => /not run again/.test((await prepare.textContent()) ?? ''), 60_000);
    await poll('the run row to say passed', async () => /passed/.test((await runRow.textContent()) ?? ''), 60_000);
    await editor.capture('resume-passed-in-view');
    void page;
  });
});

test('Resume Run… from the palette: the quick pick lists the aborted run, the failure prompt is answered by clicking the row', { timeout: 480_000 }, async () => {
  await step(editor, 'resume-from-palette', async () => {
    const { page, workspace } = editor;
    const row = await runUntilFailurePrompt('palette.runbook.yaml', false);
    // Without hovering: a click on the waiting row asks in a quick pick (the inline actions show only on hover).
    const abort = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Abort' });
    for (let i = 0; !(await abort.isVisible()); i++) {
      await row.click().catch(() => undefined);
      await abort.waitFor({ state: 'visible', timeout: 15_000 }).catch(() => undefined);
      if (i >= 3 && !(await abort.isVisible())) throw new Error('the failure quick pick did not open from the row');
    }
    const rows = page.locator('.quick-input-list .monaco-list-row');
    const offered = await Promise.all((await rows.all()).map(async (r) => ((await r.getAttribute('aria-label')) ?? '').split(',')[0]!.trim()));
    assert.deepEqual(offered.sort(), ['Abort', 'Retry'], 'the quick pick offers exactly the prompt options');
    await editor.capture('failure-quick-pick');
    await abort.click();
    await poll('the aborted run to close its transcript', async () => closedSegments('resume-palette-drill').length === 1, 60_000);
    writeFileSync(join(workspace, 'palette.marker'), 'ready\n');
    await runCommand(page, 'Runsafe: Resume Run…');
    const pick = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Bring the second service up from the palette' });
    await pick.waitFor({ state: 'visible', timeout: 30_000 });
    // The run the first test resumed is not offered again: its last segment passed.
    assert.equal(await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Bring the service up after its marker appears' }).count(), 0);
    await editor.capture('resume-quick-pick');
    await pick.click();
    await poll('the resumed segment to close', async () => closedSegments('resume-palette-drill').length === 2, 120_000);
    assertResumed('resume-palette-drill', 'palette.log');
  });
});

const terminalText = async () => (await editor.page.locator('.terminal-wrapper.active .xterm-rows').allTextContents()).join('\n').replace(/\u00a0/g, ' ');

test('a parked run resumed early from the run view: the reason asked and recorded, the wait and passed step not run again', { timeout: 480_000 }, async () => {
  await step(editor, 'resume-parked-early', async () => {
    const { page } = editor;
    await openFile(page, 'park.runbook.yaml');
    await runCommand(page, 'Runsafe: Run Runbook');
    // The 2 h grace period offers to park the run: answered yes in the guarded terminal (typed again if swallowed).
    await poll('the run to park', async () => {
      if (closedSegments('park-drill').length === 1) return true;
      if (/Park the run here[^\n]*\[y\/n\]:\s*$/.test((await terminalText()).trimEnd() + ' ')) {
        await page.locator('.terminal-wrapper.active .xterm').click().catch(() => undefined);
        await page.keyboard.type('y');
        await page.keyboard.press('Enter');
      }
      return false;
    }, 120_000);
    const [first] = closedSegments('park-drill');
    assert.equal(endOf(first!)?.summary.status, 'parked');
    const runRow = runsView().locator('.monaco-list-row', { hasText: 'Rotate the drill key after its grace period' }).first();
    await focusRunsView(runRow);
    await poll('the run row to say parked', async () => /parked/.test((await runRow.textContent()) ?? ''), 60_000);
    // Resume before the wait is over: the editor asks to go on now, then for the reason.
    const early = page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Resume Now' });
    await clickInline(runRow, 'Resume Run', 'the early-resume question', async () => early.isVisible());
    await editor.capture('resume-parked-asks');
    await early.click();
    const reason = page.locator('.quick-input-widget input');
    await reason.waitFor({ state: 'visible', timeout: 30_000 });
    await reason.fill('the drill key has no users');
    await page.keyboard.press('Enter');
    await poll('the resumed segment to close', async () => closedSegments('park-drill').length === 2, 120_000);
    const second = closedSegments('park-drill').find((f) => f !== first)!;
    const recs = records(second);
    assert.deepEqual((recs[0]!.now as Rec | undefined)?.reason, 'the drill key has no users', 'the reason is recorded in the new segment');
    assert.deepEqual(recs.find((r) => r.type === 'resumed')?.skipped, ['step:stage', 'step:grace']);
    assert.equal(endOf(second)?.summary.status, 'passed');
    assert.deepEqual(readFileSync(join(editor.workspace, 'park.log'), 'utf8').trim().split('\n'), ['stage', 'retire']);
    assert.match(cliVerifies([first!, second]), /VERIFIED/i);
    await editor.capture('resume-parked-passed');
  });
});
