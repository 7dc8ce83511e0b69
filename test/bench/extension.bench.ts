// Extension figures: .vsix and bundle size against the 2 MB budget, and activation time in a real VS Code
// (code-server), read from VS Code's own log (activation start) and the extension's (activated).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const budgetBytes = 2 * 1024 * 1024;

function findFile(dir: string, name: string): string | undefined {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      const hit = findFile(p, name);
      if (hit) return hit;
    } else if (entry.name === name) return p;
  }
  return undefined;
}

/** Milliseconds since the epoch of a VS Code log line's "2026-01-01 12:00:00.123" prefix. */
function stamp(line: string): number {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3})/.exec(line);
  if (!m) throw new Error(`no timestamp in ${line}`);
  return Date.parse(`${m[1]}T${m[2]}`);
}

/**
 * A baseline extension that does nothing but activate on the same event and log, packaged here:
 * it activates in the same window at the same moment, so the host's own overhead is measured beside ours.
 */
function baselineVsix(out: string): string {
  const dir = join(out, 'baseline-extension');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'baseline', publisher: 'runsafe-bench', version: '0.0.1', license: 'MIT', engines: { vscode: '^1.91.0' }, main: './extension.js', activationEvents: ['onLanguage:runbook'] }));
  writeFileSync(join(dir, 'README.md'), 'Bench baseline: activates and logs.\n');
  writeFileSync(join(dir, 'extension.js'), "const vscode = require('vscode');\nexports.activate = () => { vscode.window.createOutputChannel('Baseline', { log: true }).info('activated in 0 ms'); };\n");
  const vsix = join(out, 'baseline.vsix');
  const r = spawnSync('npx', ['vsce', 'package', '--skip-license', '--allow-missing-repository', '-o', vsix], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`packaging the baseline failed: ${r.stderr}`);
  return vsix;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Three fresh editors (activation happens once per window); the median of each figure. */
async function activation(): Promise<Record<string, unknown>> {
  if (!existsSync(join(root, '.cache', 'e2e', 'env.json'))) return { skipped: 'run scripts/e2e-setup.sh first (npm run test:e2e does)' };
  const baseline = baselineVsix(join(root, 'build', 'bench'));
  const runs: { activateCallMs: number; activationMs: number; baselineMs: number }[] = [];
  for (let i = 0; i < 3; i++) runs.push(await activationOnce(baseline));
  return {
    activateCallMs: median(runs.map((r) => r.activateCallMs)),
    // From VS Code starting the activation (loading the bundle) to activate() returning, while the
    // workbench is still starting its own extensions: an upper bound on what a user waits.
    activationMs: median(runs.map((r) => r.activationMs)),
    baselineActivationMs: median(runs.map((r) => r.baselineMs)),
    overBaselineMs: median(runs.map((r) => r.activationMs - r.baselineMs)),
    budgetMs: 100,
    samples: runs.length,
  };
}

async function activationOnce(baseline: string): Promise<{ activateCallMs: number; activationMs: number; baselineMs: number }> {
  const { startEditor, poll } = await import('../e2e/harness');
  const { openFile } = await import('../e2e/ui');
  const editor = await startEditor({ trusted: true, extraVsix: [baseline] });
  try {
    await openFile(editor.page, 'highlight.runbook.yaml');
    const logs = join(editor.userData, 'logs');
    const ours = await poll('the Runsafe log to say activated', async () => {
      const f = findFile(logs, 'Runsafe.log');
      const line = f && readFileSync(f, 'utf8').split('\n').find((l) => l.includes('activated in'));
      return line;
    });
    const theirs = await poll('the baseline log to say activated', async () => {
      const f = findFile(logs, 'Baseline.log');
      return f && readFileSync(f, 'utf8').split('\n').find((l) => l.includes('activated'));
    });
    const host = findFile(logs, 'remoteexthost.log') ?? findFile(logs, 'exthost.log');
    const lines = host ? readFileSync(host, 'utf8').split('\n') : [];
    const startOf = (id: string) => {
      const line = lines.find((l) => l.includes(`_doActivateExtension ${id},`));
      if (!line) throw new Error(`VS Code logged no activation of ${id}`);
      return stamp(line);
    };
    return {
      activateCallMs: Number(/activated in ([\d.]+) ms/.exec(ours)![1]),
      activationMs: stamp(ours) - startOf('runsafe.runsafe'),
      baselineMs: stamp(theirs) - startOf('runsafe-bench.baseline'),
    };
  } finally {
    await editor.stop();
  }
}

export async function bench(): Promise<Record<string, unknown>> {
  const out = join(root, 'build', 'bench');
  mkdirSync(out, { recursive: true });
  const vsix = join(out, 'runsafe.vsix');
  const r = spawnSync('npx', ['vsce', 'package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '--no-rewrite-relative-links', '-o', vsix], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`vsce package failed: ${r.stderr}`);
  const bundle = statSync(join(root, 'client', 'out', 'extension.js')).size;
  return {
    vsixBytes: statSync(vsix).size,
    extensionBundleBytes: bundle,
    bundleBudgetBytes: budgetBytes,
    bundleVsBudget: Number((bundle / budgetBytes).toFixed(3)),
    ...(await activation()),
  };
}
