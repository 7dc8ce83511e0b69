// Runs the desktop VS Code suite: bundles suite.ts, downloads VS Code (needs network) and runs it there.
import { build } from 'esbuild';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';

const root = resolve(__dirname, '..', '..');

async function main(): Promise<void> {
  const out = join(root, 'build', 'vscode-suite', 'suite.js');
  await build({ entryPoints: [join(__dirname, 'suite.ts')], outfile: out, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], logLevel: 'warning' });
  const workspace = mkdtempSync(join(tmpdir(), 'runsafe-vscode-'));
  cpSync(join(root, 'test', 'e2e', 'workspace'), workspace, { recursive: true });
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: out,
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    // Secrets come from the operator's environment when nobody is asked (the runner's rule).
    extensionTestsEnv: { RUNSAFE_VSCODE_TEST: '1', DEMO_TOKEN: 'vscode-Secret-Token-24680' },
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
