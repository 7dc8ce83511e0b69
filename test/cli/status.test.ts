// `runsafe status` on a folder of real transcripts (written by real runs), judged with a clock the
// test controls (--now): due, due soon, overdue, never run, and a tampered transcript ignored.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const cli = join(root, 'client/out/cli.js');
const day = 86_400_000;
let dir: string;
let ranAt: number;

function runsafe(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, input: '' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const book = (id: string, cadence: string) => `runsafe: 1\nid: ${id}\ntitle: ${id}\n${cadence}steps:\n  - id: s\n    run: echo done\n`;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'runsafe-status-'));
  writeFileSync(join(dir, 'quarterly.runbook.yaml'), book('quarterly', 'cadence: 90d\n'));
  writeFileSync(join(dir, 'reminders.runbook.yaml'), book('reminders', 'cadence: { every: 90d, remind: [85d, 88d] }\n'));
  writeFileSync(join(dir, 'never.runbook.yaml'), book('never', 'cadence: 30d\n'));
  writeFileSync(join(dir, 'adhoc.runbook.yaml'), book('adhoc', ''));
  writeFileSync(join(dir, 'tampered.runbook.yaml'), book('tampered', 'cadence: 7d\n'));
  const before = Date.now();
  for (const f of ['quarterly', 'reminders', 'adhoc', 'tampered']) {
    const r = runsafe(['run', `${f}.runbook.yaml`]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  }
  ranAt = before;
  // The tampered runbook's transcript is edited by hand after the run: its one real run no longer counts.
  const tdir = join(dir, '.runsafe/transcripts');
  const name = readdirSync(tdir).find((n) => n.startsWith('tampered-'))!;
  const text = readFileSync(join(tdir, name), 'utf8');
  writeFileSync(join(tdir, name), text.replace('"status":"passed"', '"status":"passed" ').replace('done', 'DONE'));
  // A copy of a good transcript under another name is still one good run (idempotent, not double counted).
  const good = readdirSync(tdir).find((n) => n.startsWith('quarterly-'))!;
  copyFileSync(join(tdir, good), join(tdir, `copy-${good}`));
});

function status(daysLater: number, extra: string[] = []) {
  const r = runsafe(['status', '--format', 'json', '--now', new Date(ranAt + daysLater * day).toISOString(), ...extra]);
  const doc = JSON.parse(r.stdout);
  const by = Object.fromEntries(doc.runbooks.map((x: { id: string }) => [x.id, x]));
  return { code: r.code, doc, by, stderr: r.stderr };
}

test('ten days after the runs: quarterly and reminders are fine, never-run is due, no cadence is listed', () => {
  const s = status(10);
  assert.equal(s.by.quarterly.state, 'ok');
  assert.match(s.by.quarterly.summary, /^last run 10 days ago by .+ · due in 80 days$/);
  assert.equal(s.by.reminders.state, 'ok');
  assert.equal(s.by.never.state, 'never-run');
  assert.equal(s.by.adhoc.state, 'no-cadence');
  assert.match(s.by.adhoc.summary, /^last run 10 days ago/);
  assert.equal(s.code, 1, 'a runbook with a cadence that never ran is due now');
  assert.equal(s.doc.signaturesChecked, false);
});

test('due soon at the default reminder (last tenth, at most a week) and at the runbook\'s own reminders', () => {
  const at84 = status(84);
  assert.equal(at84.by.quarterly.state, 'due-soon', 'default reminder at 83 days of 90');
  assert.equal(at84.by.reminders.state, 'ok', 'its own first reminder is at 85 days');
  const at86 = status(86);
  assert.equal(at86.by.reminders.state, 'due-soon');
  assert.match(at86.by.reminders.summary, /due soon: due in 4 days/);
});

test('overdue after the period: exit 1, text and GitHub annotations say so', () => {
  const s = status(91);
  assert.equal(s.by.quarterly.state, 'overdue');
  assert.match(s.by.quarterly.summary, /OVERDUE by 1 day/);
  assert.equal(s.code, 1);
  const gh = runsafe(['status', '--format', 'github', '--now', new Date(ranAt + 86 * day).toISOString(), 'reminders.runbook.yaml', 'quarterly.runbook.yaml']);
  assert.equal(gh.code, 0, 'due soon is a warning, not a failure');
  assert.match(gh.stdout, /^::warning file=reminders\.runbook\.yaml,line=1,title=runsafe cadence%3A reminders::reminders \(every 90d, reminders at 85d, 88d\): last run 86 days ago/m);
  const text = runsafe(['status', '--now', new Date(ranAt + 91 * day).toISOString(), 'quarterly.runbook.yaml']);
  assert.equal(text.code, 1);
  assert.match(text.stdout, /quarterly\.runbook\.yaml +last run 91 days ago by .+ · OVERDUE by 1 day \(every 90d, reminders at 83d\)/);
  assert.match(text.stdout, /1 runbook: 1 overdue, 0 due soon; transcripts in \.runsafe\/transcripts \(signatures not checked: pass --trust\)/);
});

test('a tampered transcript is ignored with a warning, so its runbook counts as never run', () => {
  const s = status(1);
  assert.equal(s.by.tampered.state, 'never-run');
  assert.match(s.stderr, /warning: ignoring \.runsafe\/transcripts\/tampered-[^:]+: HASH_CHAIN_BREACH at record \d+/);
  assert.equal(s.doc.ignored.length, 1);
});

test('a run in the future of --now does not count; usage errors exit 2', () => {
  const s = status(-1);
  assert.equal(s.by.quarterly.state, 'never-run');
  for (const [args, re] of [
    [['status', '--now', 'yesterday'], /--now needs an ISO 8601 time/],
    [['status', 'missing.runbook.yaml'], /cannot read missing\.runbook\.yaml: no such file/],
    [['status', '--format', 'xml'], /unknown format 'xml'/],
  ] as [string[], RegExp][]) {
    const r = runsafe(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, re);
  }
});
