// The README's CLI promises, each through the bundled CLI (client/out/cli.js) in a real process:
// exit codes, one wording for unreadable files, no raw Node error, lint's search and --fix, a closed
// stdout, dry-run input checks, check wording and the attestation hint.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const cli = join(root, 'client/out/cli.js');

before(() => {
  if (!existsSync(cli)) throw new Error('client/out/cli.js is missing: run npm run build');
});

function workspace(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'runsafe-promises-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function runsafe(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Node's own error text: a code such as `ENOENT:` or `EACCES,`, or a stack frame. */
const rawNode = /\bE[A-Z]{3,}[:,]|^\s+at .+:\d+:\d+\)?$|node:internal/m;

const greeting = `runsafe: 1
id: greet
title: Greet
inputs:
  GREETING: { enum: [hi, hello] }
steps:
  - id: say
    run: echo "$GREETING"
`;

test('an unreadable file is exit 2 with the same words in run, verify and lint, dry run or not', () => {
  const dir = workspace();
  // A symbolic-link loop cannot be read by anyone, root included.
  symlinkSync('loop-b.runbook.yaml', join(dir, 'loop-a.runbook.yaml'));
  symlinkSync('loop-a.runbook.yaml', join(dir, 'loop-b.runbook.yaml'));
  const want = 'cannot read loop-a.runbook.yaml: too many symbolic links';
  for (const args of [['run', 'loop-a.runbook.yaml'], ['run', '--dry-run', 'loop-a.runbook.yaml'], ['verify', 'loop-a.runbook.yaml'], ['lint', 'loop-a.runbook.yaml']]) {
    const r = runsafe(args, dir);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.ok(r.stderr.includes(`runsafe ${args[0]}: ${want}`), `${args.join(' ')}: ${r.stderr}`);
    assert.doesNotMatch(r.stdout + r.stderr, rawNode);
  }
  const missing = runsafe(['run', 'nope.runbook.yaml'], dir);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^runsafe run: cannot read nope\.runbook\.yaml: no such file or directory$/m);
});

test('run --dry-run <folder> says it is a folder, exit 2', () => {
  const dir = workspace({ 'books/a.runbook.yaml': greeting });
  const r = runsafe(['run', '--dry-run', 'books'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /runsafe run: cannot read books: is a directory \(give a file\)/);
});

test('a malformed --input is a usage error (exit 2), before anything runs', () => {
  const dir = workspace({ 'greet.runbook.yaml': greeting });
  for (const args of [['run', '--input', 'GREETING', 'greet.runbook.yaml'], ['run', '--dry-run', '-i', '=hi', 'greet.runbook.yaml']]) {
    const r = runsafe(args, dir);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /--input expects NAME=VALUE/);
    assert.match(r.stderr, /Run 'runsafe run --help' for usage/);
  }
  assert.equal(existsSync(join(dir, '.runsafe')), false, 'no lock, no transcript');
});

test('no raw Node error reaches the user: an existing key file is refused in words, exit 2', () => {
  const dir = workspace({ 'taken.key': 'x' });
  const r = runsafe(['keygen', '--out', 'taken.key'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^runsafe keygen: taken\.key already exists \(choose another path or remove it first\)$/m);
  assert.doesNotMatch(r.stderr, rawNode);
  assert.equal(readFileSync(join(dir, 'taken.key'), 'utf8'), 'x', 'never overwritten');
});

test('a workspace where .runsafe/ cannot be created refuses the run in words, not ENOTDIR', () => {
  const dir = workspace({ 'greet.runbook.yaml': greeting, '.runsafe': 'a file where the folder should be' });
  const r = runsafe(['run', '--non-interactive', '-i', 'GREETING=hi', 'greet.runbook.yaml'], dir);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /✗ lock: cannot take the run lock: cannot create the folder .*\.runsafe\/locks: not a directory/);
  assert.doesNotMatch(r.stdout + r.stderr, rawNode);
});

test('lint on a path with no runbook exits 2 with a message, so a CI step pointed at the wrong folder fails', () => {
  const dir = workspace({ 'empty/notes.yaml': 'not: a runbook\n' });
  for (const args of [['lint', 'empty'], ['lint', '--format', 'sarif', 'empty']]) {
    const r = runsafe(args, dir);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /runsafe lint: no runbooks \(\*\.runbook\.yaml, \*\.runbook\.yml\) found in empty; check the path/);
  }
  const none = runsafe(['lint'], join(dir, 'empty'));
  assert.equal(none.code, 2, 'nor does an empty current folder pass');
});

test('lint with no path honours .gitignore and .runsafeignore, folder by folder', () => {
  const bad = 'runsafe: 1\nid: bad\ntitle: Bad\nsteps:\n  - id: a\n    run: echo hi\n    comfirm: true\n';
  const good = 'runsafe: 1\nid: good\ntitle: Good\nsteps:\n  - id: a\n    run: echo hi\n';
  const dir = workspace({
    '.gitignore': 'generated/\n',
    '.runsafeignore': '# deliberately bad examples\nfixtures/\n!fixtures/keep.runbook.yaml\n',
    'generated/x.runbook.yaml': bad,
    'fixtures/bad.runbook.yaml': bad,
    'fixtures/keep.runbook.yaml': good,
    'books/.runsafeignore': 'draft-*.runbook.yaml\n',
    'books/draft-1.runbook.yaml': bad,
    'books/ok.runbook.yaml': good,
  });
  const r = runsafe(['lint', '--format', 'json'], dir);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual((JSON.parse(r.stdout) as { files: { path: string }[] }).files.map((f) => f.path).sort(), ['books/ok.runbook.yaml']);
  // A file named explicitly is linted whatever the ignore files say.
  assert.equal(runsafe(['lint', 'fixtures/bad.runbook.yaml'], dir).code, 1);
});

test('runsafe lint from the repository root reports nothing: its deliberately bad fixtures are ignored', () => {
  const r = runsafe(['lint', '--format', 'json'], root);
  assert.equal(r.code, 0, r.stdout.slice(0, 2000) + r.stderr);
  const files = (JSON.parse(r.stdout) as { files: { path: string }[] }).files.map((f) => f.path);
  assert.ok(files.length > 0 && files.every((f) => f.startsWith('runbooks/')), files.join('\n'));
});

test('lint --fix corrects a misspelt key and never adds a second key beside it', () => {
  const text = 'runsafe: 1\nid: f\ntitle: F\nsteps:\n  - id: drop\n    run: kubectl delete pod x   # stays as written\n    comfirm: true\n    rollback: undo\nrollback:\n  - id: undo\n    run: kubectl apply -f pod.yaml\n';
  const dir = workspace({ 'f.runbook.yaml': text });
  const r = runsafe(['lint', '--fix', 'f.runbook.yaml'], dir);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(readFileSync(join(dir, 'f.runbook.yaml'), 'utf8'), text.replace('comfirm', 'confirm'));
  // When the map already has the key, a human decides: nothing is renamed or added.
  const both = text.replace('    comfirm: true\n', '    confirm: true\n    comfirm: false\n');
  writeFileSync(join(dir, 'g.runbook.yaml'), both);
  assert.equal(runsafe(['lint', '--fix', 'g.runbook.yaml'], dir).code, 1);
  assert.equal(readFileSync(join(dir, 'g.runbook.yaml'), 'utf8'), both);
});

test('a closed stdout (run … | head -3) cancels the run: no later step runs, the transcript is closed, no EPIPE', () => {
  const steps = [1, 2, 3, 4].map((i) => `  - id: s${i}\n    run: echo line-${i}; sleep 1; touch ./ran-${i}\n`).join('');
  const dir = workspace({ 'pipe.runbook.yaml': `runsafe: 1\nid: pipe\ntitle: Pipe\nsteps:\n${steps}` });
  const r = spawnSync('bash', ['-c', `"${process.execPath}" "${cli}" run --non-interactive pipe.runbook.yaml 2>err.txt | head -3; echo "status=\${PIPESTATUS[0]}"`], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });
  assert.match(r.stdout, /status=1\n$/, r.stdout);
  const stderr = readFileSync(join(dir, 'err.txt'), 'utf8');
  assert.doesNotMatch(stderr, /EPIPE/, stderr);
  assert.doesNotMatch(stderr, rawNode, stderr);
  assert.equal(existsSync(join(dir, 'ran-4')), false, 'steps nobody sees are not run');
  const transcripts = readdirSync(join(dir, '.runsafe/transcripts'));
  assert.equal(transcripts.length, 1);
  const records = readFileSync(join(dir, '.runsafe/transcripts', transcripts[0]!), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(records.find((x) => x.type === 'run_end')?.summary?.status, 'cancelled');
  assert.equal(records.at(-1).type, 'head', 'closed by its head');
  const verify = runsafe(['verify', join('.runsafe/transcripts', transcripts[0]!), '--allow-unsigned'], dir);
  assert.equal(verify.code, 0, verify.stdout + verify.stderr);
});

test('verify … | head ends quietly', () => {
  // 3,000 malformed records: a JSON report far larger than a pipe's buffer, so the write really fails.
  const dir = workspace({ 'junk.jsonl': 'not json\n'.repeat(3_000) });
  const r = spawnSync('bash', ['-c', `"${process.execPath}" "${cli}" verify junk.jsonl --kind chain --format json 2>err.txt | head -c 1; s=\${PIPESTATUS[0]}; echo; echo "status=$s"`], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  assert.match(r.stdout, /status=1\n$/, 'the verdict (failed), not a crash');
  const stderr = readFileSync(join(dir, 'err.txt'), 'utf8');
  assert.doesNotMatch(stderr, /EPIPE|Error|\bat /, stderr);
});

test('--dry-run checks --input values as a real run does and says what it would refuse', () => {
  const dir = workspace({ 'greet.runbook.yaml': greeting });
  const dry = runsafe(['run', '--dry-run', '-i', 'GREETING=nope', 'greet.runbook.yaml'], dir);
  assert.equal(dry.code, 1, dry.stdout + dry.stderr);
  assert.match(dry.stdout, /✗ inputs: a real run would refuse: GREETING: "nope" is not one of "hi", "hello"/);
  const real = runsafe(['run', '--non-interactive', '-i', 'GREETING=nope', 'greet.runbook.yaml'], dir);
  assert.equal(real.code, 1);
  assert.match(real.stdout, /✗ inputs: GREETING: "nope" is not one of "hi", "hello"/);
  const unknown = runsafe(['run', '--dry-run', '-i', 'GREETNG=hi', 'greet.runbook.yaml'], dir);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stdout, /--input GREETNG: the runbook declares no input of that name/);
  const ok = runsafe(['run', '--dry-run', '-i', 'GREETING=hi', 'greet.runbook.yaml'], dir);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  const asked = runsafe(['run', '--dry-run', 'greet.runbook.yaml'], dir);
  assert.equal(asked.code, 0);
  assert.match(asked.stdout, /a real run asks for GREETING \(without a terminal it refuses\)/);
});

test('checks read as what happened, and the dry run shows them in the words of the run', () => {
  const dir = workspace({
    'checks.runbook.yaml': `runsafe: 1
id: checks
title: Checks
steps:
  - id: health
    run: echo '{"status":"healthy","count":3}'
    expect: { json: { status: healthy, count: { gte: 3 } } }
  - id: broken
    run: exit 3
`,
  });
  const run = runsafe(['run', '--non-interactive', 'checks.runbook.yaml'], dir);
  assert.equal(run.code, 1);
  for (const line of ['✓ exit 0', '✓ json status = "healthy"', '✓ json count >= 3', '✗ expected exit 0, got 3']) assert.ok(run.stdout.includes(line), `${line}\n${run.stdout}`);
  assert.doesNotMatch(run.stdout, /exit code was/);
  const dry = runsafe(['run', '--dry-run', 'checks.runbook.yaml'], dir);
  assert.match(dry.stdout, /checks +exit 0; json status = "healthy"; json count >= 3\n/);
  assert.doesNotMatch(dry.stdout, /\{"gte"/, 'no raw JSON');
});

test('the attestation hint carries the --trust the run was given, and the printed command works', () => {
  const dir = workspace({ 'greet.runbook.yaml': greeting });
  const key = runsafe(['keygen', '--out', 'op.key', '--format', 'json'], dir);
  assert.equal(key.code, 0, key.stderr);
  const publicKey = JSON.parse(key.stdout).public_key as string;
  // A signed trust store (root key, then the operator's key added under it).
  assert.equal(runsafe(['keygen', '--out', 'root.key'], dir).code, 0);
  const init = runsafe(['trust', 'init', 'my trust.yaml', '--root-key', 'root.key'], dir);
  assert.equal(init.code, 0, init.stdout + init.stderr);
  const add = runsafe(['trust', 'add', 'my trust.yaml', `--public-key=${publicKey}`, '--name', 'op@example.com', '--role', 'operator', '--root-key', 'root.key'], dir);
  assert.equal(add.code, 0, add.stdout + add.stderr);
  const r = runsafe(['run', '--non-interactive', '-i', 'GREETING=hi', '--key', 'op.key', '--trust', 'my trust.yaml', 'greet.runbook.yaml'], dir);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const hint = /attestation: runsafe (transcript summary .*)$/m.exec(r.stdout)?.[1];
  assert.ok(hint, r.stdout);
  assert.match(hint, / --trust 'my trust\.yaml'$/);
  const printed = spawnSync('bash', ['-c', `"${process.execPath}" "${cli}" ${hint}`], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(printed.status, 0, printed.stdout + printed.stderr);
  assert.match(printed.stdout, /\*\*Verification:\*\* PASS/);
});
