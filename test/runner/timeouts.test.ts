// Issue 12 case 7 through `runsafe run`: a step ends at its timeout whatever its descendants do; wait probes have their own deadline; regexes are linear-time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunnerHost } from '../../client/src/runner/events';
import { runSession } from '../../client/src/runner/session';
import { cli, workspace } from './helpers';

/** Running (a zombie runs nothing: where init does not reap orphans, killed ones stay as zombies). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]!);
  } catch {
    return false;
  }
}

/** The test's own bound: a broken runner would otherwise hang the suite for the sleeps' 300 s. */
const bound = { timeout: 120_000 };

test('case 7: `setsid sleep &` escapes the process group but not the timeout: the step ends, the escapee is named and killed', bound, async () => {
  const { dir, path } = workspace('escape', `runsafe: 1
id: escape
title: Escapes its group
steps:
  - id: escape
    title: Leaves a process in another session holding stdout
    timeout: 2s
    run: |
      setsid sleep 300 &
      echo $! > escaped.pid
      sleep 300
`);
  const r = await cli(['run', '--non-interactive', path], dir);
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stdout, /timed out after 2s; its process group was ended; sleep \(pid \d+\) left the step's process group and held its output open: killed/);
  assert.equal(alive(Number(readFileSync(join(dir, 'escaped.pid'), 'utf8'))), false);

  // The same escape from a step that passes: it still ends, with the escapee named.
  const { dir: dir2, path: path2 } = workspace('escape2', `runsafe: 1
id: escape2
title: Escapes its group and exits
steps:
  - id: escape
    title: Leaves a process holding stdout and exits 0
    run: |
      setsid sleep 300 &
      echo $! > escaped.pid
      # exit only once it has left the session, so the group's end cannot catch it first
      until [ "$(ps -o sid= -p $!)" != "$(ps -o sid= -p $$)" ]; do sleep 0.05; done
`);
  const ok = await cli(['run', '--non-interactive', path2], dir2);
  assert.equal(ok.status, 0, ok.stdout);
  assert.match(ok.stdout, /escape; sleep \(pid \d+\) left the step's process group and held its output open: killed/);
  assert.equal(alive(Number(readFileSync(join(dir2, 'escaped.pid'), 'utf8'))), false);
});

test('case 7: a wait whose probe hangs is bounded by the wait\'s own timeout', bound, async () => {
  const { dir, path } = workspace('hangprobe', `runsafe: 1
id: hangprobe
title: Hanging probe
steps:
  - id: wait-ready
    title: Wait for a service whose health check hangs
    wait:
      every: 1s
      timeout: 2s
      run: echo $$ > probe.pid; sleep 300
      until: { exit: 0 }
`);
  const r = await cli(['run', '--non-interactive', path], dir);
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stdout, /wait-ready timed out|condition not met within 2s/);
  assert.equal(alive(Number(readFileSync(join(dir, 'probe.pid'), 'utf8'))), false);
});

test('case 7: catastrophic patterns in expect and in an input pattern are matched in linear time (re2js), so the check simply fails', bound, async () => {
  const subject = `${'a'.repeat(50)}!`;
  const { dir, path } = workspace('redos', `runsafe: 1
id: redos
title: Catastrophic patterns
inputs:
  NAME: { description: A name, pattern: '(a+)+$' }
steps:
  - id: check
    title: Prints a string the pattern backtracks on
    timeout: 5s
    run: echo '${subject}'
    expect:
      stdout: { matches: '^(a+)+$' }
`);
  const refused = await cli(['run', '--non-interactive', path, '-i', `NAME=${subject}`], dir);
  assert.equal(refused.status, 1, refused.stdout);
  assert.match(refused.stdout, /✗ inputs: NAME: "a{50}!" does not match \(a\+\)\+\$/);
  const r = await cli(['run', '--non-interactive', path, '-i', `NAME=${'a'.repeat(50)}`], dir);
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stdout, /✗ expected stdout matches \/\^\(a\+\)\+\$\/, but stdout did not match/);
  assert.doesNotMatch(r.stdout, /timed out/);
  // Backtracking-only syntax is refused with a clear reason, not run on another engine.
  const { dir: d2, path: p2 } = workspace('backref', `runsafe: 1\nid: backref\ntitle: Backreference\nsteps:\n  - id: check\n    title: Backreference\n    run: echo abab\n    expect:\n      stdout: { matches: '(ab)\\1' }\n`);
  const b = await cli(['run', '--non-interactive', p2], d2);
  assert.equal(b.status, 1, b.stdout);
  assert.match(b.stdout, /invalid regular expression \(RE2 syntax, no backreferences or lookaround\)/);
});

test('case 7: a step that exits at once is not "timed out" when the runner\'s event loop is busy: its time is measured by its own supervisor', bound, async () => {
  const { dir, path } = workspace('busy', `runsafe: 1
id: busy
title: Busy runner
steps:
  - id: quick
    title: Exits at once
    timeout: 1s
    run: echo hi
`);
  const states: string[] = [];
  // A host that blocks the event loop for 2.5 s on the step's first output, as a slow
  // synchronous write under load would: longer than the step's whole timeout.
  let blocked = false;
  const host: RunnerHost = {
    emit(e) {
      if (e.type === 'output' && !blocked) {
        blocked = true;
        const until = Date.now() + 2500;
        while (Date.now() < until) {
          // busy
        }
      }
      if (e.type === 'step-state') states.push(`${e.stepId}:${e.state}`);
    },
  };
  const r = await runSession({ runbookPath: path, workspace: dir, host, env: process.env });
  assert.equal(r.status, 'passed', states.join(' '));
  assert.ok(states.includes('quick:passed'));
});
