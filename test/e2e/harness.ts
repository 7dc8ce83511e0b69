// Starts a real VS Code (code-server on 127.0.0.1) with the packaged .vsix and drives it with Chromium.
// Everything it starts is stopped by `stop()`, and by an exit hook if a test run dies first.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const root = resolve(__dirname, '..', '..');
export const resultsDir = join(root, 'test-results');
const fixtures = join(__dirname, 'workspace');

interface SetupEnv {
  node: string;
  codeServer: string;
  chromium: string;
}

function setupEnv(): SetupEnv {
  const file = join(root, '.cache', 'e2e', 'env.json');
  if (!existsSync(file)) throw new Error(`${file} is missing: run scripts/e2e-setup.sh (npm run test:e2e does)`);
  return JSON.parse(readFileSync(file, 'utf8')) as SetupEnv;
}

export function vsixPath(): string {
  const vsix = join(root, 'runsafe.vsix');
  if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run npm run package (npm run test:e2e does)`);
  return vsix;
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => ok(port));
    });
  });
}

/** Polls `probe` until it returns a truthy value; fails with `what` and the last error after `timeoutMs`. */
export async function poll<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let wait = 50; ; wait = Math.min(wait * 2, 500)) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${last ? `: ${last instanceof Error ? last.message : String(last)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, wait));
  }
}

export interface EditorOptions {
  /** false starts VS Code with Workspace Trust on and the folder untrusted (restricted mode). */
  trusted: boolean;
  /** Extra user settings merged over the defaults below. */
  settings?: Record<string, unknown>;
  /** More .vsix files to install beside Runsafe's (the bench's baseline extension). */
  extraVsix?: string[];
  /** Adds files to the workspace copy before the editor opens it. */
  prepare?: (workspace: string) => void;
}

export interface Editor {
  page: Page;
  workspace: string;
  /** code-server's user data dir (logs live under logs/). */
  userData: string;
  port: number;
  /** Saves a screenshot and code-server's log under test-results/ (called by `step` on failure). */
  capture(name: string): Promise<void>;
  stop(): Promise<void>;
}

const live = new Set<() => void>();
process.on('exit', () => {
  for (const kill of live) kill();
});

function killGroup(child: ChildProcess): void {
  if (child.pid && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** Starts code-server on a free port with its own dirs, installs the .vsix, opens a copy of the fixtures. */
export async function startEditor(opts: EditorOptions): Promise<Editor> {
  const env = setupEnv();
  const home = mkdtempSync(join(tmpdir(), 'runsafe-e2e-'));
  const userData = join(home, 'user-data');
  const extensions = join(home, 'extensions');
  const workspace = join(home, 'workspace');
  const config = join(home, 'config.yaml');
  cpSync(fixtures, workspace, { recursive: true });
  opts.prepare?.(workspace);
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(config, 'auth: none\ncert: false\n');
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'chat.disableAIFeatures': true,
    'security.workspace.trust.enabled': !opts.trusted,
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.untrustedFiles': 'open',
    'security.workspace.trust.banner': 'always',
    'editor.minimap.enabled': false,
    // Only top-level outline entries start expanded, so the steps fit on screen once opened.
    'outline.collapseItems': 'alwaysCollapse',
    'files.autoSave': 'off',
    // The DOM renderer keeps terminal text in the page, so tests can read the guarded terminal.
    'terminal.integrated.gpuAcceleration': 'off',
    ...opts.settings,
  };
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));

  const base = ['--config', config, '--user-data-dir', userData, '--extensions-dir', extensions];
  const installs = [vsixPath(), ...(opts.extraVsix ?? [])].flatMap((v) => ['--install-extension', v]);
  const install = spawnSync(env.node, [env.codeServer, ...base, ...installs, '--force'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (install.status !== 0) throw new Error(`installing the .vsix failed:\n${install.stdout}\n${install.stderr}`);

  const port = await freePort();
  const logFile = join(home, 'code-server.log');
  const args = [
    env.codeServer,
    ...base,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...(opts.trusted ? ['--disable-workspace-trust'] : []),
  ];
  const server = spawn(env.node, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: home } });
  let serverLog = '';
  server.stdout?.on('data', (d: Buffer) => (serverLog += d.toString()));
  server.stderr?.on('data', (d: Buffer) => (serverLog += d.toString()));
  const killServer = () => killGroup(server);
  live.add(killServer);

  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close().catch(() => undefined);
    killServer();
    live.delete(killServer);
    rmSync(home, { recursive: true, force: true });
  };

  try {
    await poll('code-server to answer /healthz', async () => {
      if (server.exitCode !== null) throw new Error(`code-server exited with ${server.exitCode}:\n${serverLog}`);
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      return res.ok;
    });
    browser = await chromium.launch({
      executablePath: env.chromium,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const capture = async (name: string) => {
      mkdirSync(resultsDir, { recursive: true });
      const safe = name.replace(/[^a-z0-9-]+/gi, '-').toLowerCase();
      await page.screenshot({ path: join(resultsDir, `${safe}.png`) }).catch(() => undefined);
      writeFileSync(join(resultsDir, `${safe}.code-server.log`), serverLog);
    };
    return { page, workspace, userData, port, capture, stop };
  } catch (err) {
    writeFileSync(join(mkdirSync(resultsDir, { recursive: true }) ?? resultsDir, 'startup.code-server.log'), serverLog);
    await stop();
    throw err;
  }
}

/** Runs one check; on failure keeps a screenshot and the server log under test-results/, then rethrows. */
export async function step(editor: Editor, name: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    await editor.capture(name);
    throw err;
  }
}
