// Real Neovim, headless, with the README's init.lua block verbatim (a severity set in it), against
// the bundled language server over stdio: what a Neovim user gets, on Debian's 0.7.2 or later.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { serverPath } from '../lsp/client';

const root = resolve(__dirname, '..', '..');

interface Seen {
  error?: string;
  filetype: string;
  client: string;
  diagnostics: { lnum: number; col: number; end_lnum: number; end_col: number; severity: number; message: string; code: string }[];
  hover: string;
  completion: string[];
  symbols: string[];
  code_actions: string[];
  after_fix: { code: string }[];
  renamed_uses: number;
}

/** The Lua block under the README's Neovim heading: the test runs what users copy. */
function readmeConfig(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const m = /\*\*Neovim\*\*[^\n]*\n\n```lua\n([\s\S]*?)```/.exec(readme);
  assert.ok(m, 'the README has a Neovim init.lua block');
  return m[1]!;
}

test('Neovim with the README config: diagnostics with positions, hover, completion, code action applied, rename, symbols, settings', { timeout: 120_000 }, () => {
  const version = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  assert.equal(version.error, undefined, 'nvim is not installed (Debian package neovim; .ci/run installs it)');
  const dir = mkdtempSync(join(tmpdir(), 'runsafe-nvim-'));
  try {
    // `runsafe-language-server` on PATH, as `npm link` would put it.
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'runsafe-language-server'), `#!/bin/sh\nexec "${process.execPath}" "${serverPath}" "$@"\n`);
    chmodSync(join(bin, 'runsafe-language-server'), 0o755);
    const project = join(dir, 'project');
    mkdirSync(join(project, '.git'), { recursive: true });
    const runbook = readFileSync(join(root, 'test', 'service', 'fixtures', 'rotation.runbook.yaml'), 'utf8')
      .replace('    title: Run the integrity checker', '    tilte: Run the integrity checker')
      .replace('    needs: [set-key]', '    needs: [set-kye]');
    const file = join(project, 'rotation.runbook.yaml');
    writeFileSync(file, runbook);
    const config = readmeConfig().replace('severity = {}', "severity = { ['broken-reference'] = 'info' }");
    assert.notEqual(config, readmeConfig(), 'the README block sets severity = {}');
    const init = join(dir, 'init.lua');
    writeFileSync(init, `${config}\nvim.cmd('filetype on')\n`);
    const out = join(dir, 'seen.json');
    const run = spawnSync('nvim', ['--headless', '-n', '-i', 'NONE', '-u', init, '-c', `luafile ${join(__dirname, 'drive.lua')}`], {
      encoding: 'utf8',
      timeout: 100_000,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: join(dir, 'data'), XDG_STATE_HOME: join(dir, 'state'), XDG_CACHE_HOME: join(dir, 'cache'), RUNSAFE_NVIM_OUT: out, RUNSAFE_NVIM_FILE: file },
    });
    let seen: Seen;
    try {
      seen = JSON.parse(readFileSync(out, 'utf8')) as Seen;
    } catch {
      assert.fail(`Neovim wrote no result (status ${run.status}, ${run.signal ?? 'no signal'}):\n${run.stdout}\n${run.stderr}`);
    }
    assert.equal(seen.error, undefined, `${seen.error}\n${run.stderr}`);
    assert.equal(seen.filetype, 'yaml.runbook');
    assert.equal(seen.client, 'runsafe');

    const lines = runbook.split('\n');
    const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle));
    const unknown = seen.diagnostics.find((d) => d.code === 'schema-unknown-key');
    assert.deepEqual(unknown && [unknown.lnum, unknown.col, unknown.end_lnum, unknown.end_col], [lineOf('tilte:'), 4, lineOf('tilte:'), 9], 'the misspelled key, exactly');
    const broken = seen.diagnostics.find((d) => d.code === 'broken-reference');
    assert.deepEqual(broken && [broken.lnum, broken.col, broken.severity], [lineOf('needs: [set-kye]'), 12, 3], 'the broken need, at info as the settings say');
    assert.match(broken!.message, /did you mean 'set-key'/);

    assert.match(seen.hover, /step `unset-key`.*Remove the new key version/);
    assert.ok(seen.completion.includes('set-key') && seen.completion.includes('generate-seed'), seen.completion.join(','));
    assert.deepEqual(seen.symbols, ['metadata', 'inputs', 'preconditions', 'steps', 'rollback']);
    assert.ok(seen.code_actions.includes('Change `tilte` to `title`'), seen.code_actions.join(' | '));
    assert.ok(!seen.after_fix.some((d) => d.code === 'schema-unknown-key'), 'the applied fix cleared its finding');
    assert.equal(seen.renamed_uses, 2, 'the step id and its rollback: reference');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
