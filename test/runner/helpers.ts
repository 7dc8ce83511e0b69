// Shared by the runner tests: run the real `runsafe` CLI in a child process, verify transcripts.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Readable, Writable } from 'node:stream';
import { main } from '../../client/src/cli/main';
import { verifyFile } from '../../client/src/node/verify-file';
import { TRANSCRIPT_MAPPING } from '../../client/src/signing/chain-mapping';
import { createKeyLookup } from '../../client/src/signing/trust-index';

export const root = resolve(__dirname, '../..');
const mainPath = join(root, 'client/src/cli/main.ts');
// tsx by absolute URL: the child runs in a workspace outside the repository, where 'tsx' does not resolve.
const tsx = pathToFileURL(join(dirname(require.resolve('tsx/package.json')), 'dist/loader.mjs')).href;

/** A fresh workspace holding the given runbook text. */
export function workspace(name: string, runbook: string): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), `runsafe-${name}-`));
  const path = join(dir, `${name}.runbook.yaml`);
  writeFileSync(path, runbook);
  return { dir, path };
}

/** Runs `runsafe <args>` in this process, without a terminal (the real main(), real files and processes). */
export async function cli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) => new Writable({ write: (chunk, _enc, done) => (append(chunk.toString()), done()) });
  const status = await main(args, {
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
    stdin: Readable.from([]),
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  return { status, stdout, stderr };
}

/** Runs `runsafe <args>` in a child process (from source, through tsx). */
export function cliProcess(args: string[], cwd: string, env: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['--import', tsx, mainPath, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 120_000 });
}

export function cliAsync(args: string[], cwd: string, env: Record<string, string> = {}) {
  return spawn(process.execPath, ['--import', tsx, mainPath, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The transcript path `runsafe run` printed. */
export function transcriptOf(stdout: string, cwd: string): string {
  const m = /^Transcript: (.+)$/m.exec(stdout);
  if (!m) throw new Error(`no transcript path in output:\n${stdout}`);
  return resolve(cwd, m[1]!.trim());
}

/** The bundled CLI the test runner builds first: `node <bundle> …` is what operators run. */
export const bundledCli = join(root, 'client/out/cli.js');

/**
 * Runs `runsafe <args>` on a pseudo-terminal (util-linux \`script\`) and answers each prompt when it
 * appears (no fixed delays); an answer given as a function runs first (to change the world
 * between prompts). `entry`: the CLI from source through tsx (default) or the bundle.
 */
export function onTerminal(args: string[], cwd: string, answers: [RegExp, string | (() => string)][], entry: 'source' | 'bundle' = 'source'): Promise<{ out: string; code: number | null }> {
  const argv = entry === 'bundle' ? [process.execPath, bundledCli, ...args] : [process.execPath, '--import', tsx, mainPath, ...args];
  const command = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd, env: { ...process.env, NO_COLOR: '1', TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  let next = 0;
  // Each prompt is looked for only in what arrived after the previous answer.
  let from = 0;
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      while (next < answers.length && answers[next]![0].test(out.slice(from))) {
        const a = answers[next]![1];
        child.stdin.write(typeof a === 'function' ? a() : a);
        next++;
        from = out.length;
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => (next === answers.length ? resolve({ out: out.replace(/\r/g, ''), code }) : reject(new Error(`prompt ${next} never came:\n${out}`))));
  });
}

/** `runsafe run <args>` through the bundle, without a terminal; `out` is stdout and stderr together. */
export function runBundled(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bundledCli, 'run', ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });
  return { code: r.status, out: r.stdout + r.stderr, stdout: r.stdout };
}

/** The lines of ./log.txt the steps of a test runbook append to. */
export function stepLog(dir: string): string[] {
  return existsSync(join(dir, 'log.txt')) ? readFileSync(join(dir, 'log.txt'), 'utf8').trim().split('\n') : [];
}

/** A transcript's records, parsed. */
export function transcriptRecords(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

export function verifyTranscript(path: string) {
  return verifyFile(path, { mapping: TRANSCRIPT_MAPPING, keys: createKeyLookup([]) });
}
