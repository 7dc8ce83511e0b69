// `npm run demo`: runs runbooks/demo/signing-demo.runbook.yaml non-interactively (its two
// confirmations supplied), signs the run's transcript with a local operator key, and verifies
// the transcript independently against a trust store that holds that key.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'client/out/cli.js');
const dir = join(root, '.runsafe/demo');
const key = join(dir, 'operator.key');
const trust = join(dir, 'trust.yaml');
const transcript = join(dir, 'transcripts', `signing-demo-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);

function runsafe(args, options = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, stdio: options.capture ? ['ignore', 'pipe', 'inherit'] : 'inherit', encoding: 'utf8' });
  if (r.status !== 0 && !options.allowFail) {
    if (options.capture) process.stdout.write(r.stdout ?? '');
    process.stderr.write(`\nnpm run demo: \`runsafe ${args[0]}\` exited with ${r.status}\n`);
    process.exit(r.status ?? 1);
  }
  return r;
}

mkdirSync(join(dir, 'transcripts'), { recursive: true });
// The operator's signing key and a trust store naming it, created once and kept for later runs.
if (!existsSync(key)) {
  const out = JSON.parse(runsafe(['keygen', '--out', key, '--format', 'json'], { capture: true }).stdout);
  // `--public-key=…` because a base64url key may start with "-" and would then read as an option.
  runsafe(['trust', 'add', trust, `--public-key=${out.public_key}`, '--name', 'demo-operator', '--role', 'operator']);
}

console.log('$ runsafe run --non-interactive --confirm rotate-key --confirm clean-up --key .runsafe/demo/operator.key runbooks/demo/signing-demo.runbook.yaml\n');
const run = runsafe(
  ['run', '--non-interactive', '--confirm', 'rotate-key', '--confirm', 'clean-up', '--key', key, '--operator', 'demo-operator', '--transcript', transcript, 'runbooks/demo/signing-demo.runbook.yaml'],
  { allowFail: true },
);
if (run.status !== 0) process.exit(run.status ?? 1);

console.log('\n$ runsafe verify <transcript> --trust .runsafe/demo/trust.yaml');
runsafe(['verify', transcript, '--trust', trust]);
console.log('\n$ runsafe transcript summary <transcript> --trust .runsafe/demo/trust.yaml');
runsafe(['transcript', 'summary', transcript, '--trust', trust], { allowFail: true });
