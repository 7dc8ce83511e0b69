// Past runs and the transcript summary read from transcripts the bundled CLI really wrote: status and steps live in run_end's summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cadenceState, pastRun } from '../../client/src/extension/run-history';
import { transcriptSummary } from '../../client/src/extension/transcript-summary';

const cli = resolve(__dirname, '..', '..', 'client', 'out', 'cli.js');

function runOnce(dir: string, command: string): string {
  writeFileSync(join(dir, 'drill.runbook.yaml'), `runsafe: 1\nid: history-drill\ntitle: History drill\nsteps:\n  - id: only\n    title: The only step\n    run: ${command}\n`);
  const before = new Set(readdirSync(join(dir, '.runsafe', 'transcripts')));
  const out = spawnSync(process.execPath, [cli, 'run', 'drill.runbook.yaml', '--workspace', dir, '--on-failure', 'stop'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  const f = readdirSync(join(dir, '.runsafe', 'transcripts')).find((n) => n.endsWith('.transcript.jsonl') && !before.has(n));
  assert.ok(f, `the run wrote a transcript:\n${out.stdout}\n${out.stderr}`);
  return join(dir, '.runsafe', 'transcripts', f);
}

test('a failed and a passed run read from real transcripts: status, cadence and summary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runsafe-history-'));
  try {
    mkdirSync(join(dir, '.runsafe', 'transcripts'), { recursive: true });
    const failed = runOnce(dir, 'exit 1');
    const passed = runOnce(dir, 'exit 0');
    const f = pastRun('f', readFileSync(failed, 'utf8'));
    const p = pastRun('p', readFileSync(passed, 'utf8'));
    assert.equal(f?.status, 'failed');
    assert.equal(p?.status, 'passed');
    assert.equal(p?.runbookPath, 'drill.runbook.yaml');
    // A passed run resets the cadence clock; a failed one does not.
    const ended = Date.parse(p!.ended!);
    assert.equal(cadenceState('history-drill', 60_000, [f!, p!], ended + 1).state, 'due-later');
    assert.equal(cadenceState('history-drill', 60_000, [f!], ended + 1).state, 'never-run');
    const md = transcriptSummary('f.jsonl', readFileSync(failed, 'utf8'), undefined);
    assert.match(md, /Status: \*\*failed\*\*/);
    assert.match(md, /\| only \| run \| failed \| 1 \|/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
