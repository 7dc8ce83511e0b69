// `npm run demo`: runs runbooks/demo/signing-demo.runbook.yaml non-interactively (its two
// confirmations supplied), signs the run's transcript with a local operator key, and verifies
// the transcript against a signed trust store (local root key) that holds that key: the run's
// closing check and `runsafe verify` use the same store.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'client/out/cli.js');
const dir = join(root, '.runsafe/demo');
const key = join(dir, 'operator.key');
const rootKey = join(dir, 'root.key');
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
// The operator's signing key and a signed trust store naming it (its own local root key), created
// once and kept for later runs. A store from before signed stores is replaced with its keys.
if (!existsSync(trust) || !readFileSync(trust, 'utf8').includes('runsafe_trust: 2')) {
  for (const f of [key, rootKey, trust]) rmSync(f, { force: true });
  const out = JSON.parse(runsafe(['keygen', '--out', key, '--format', 'json'], { capture: true }).stdout);
  runsafe(['keygen', '--out', rootKey], { capture: true });
  runsafe(['trust', 'init', trust, '--root-key', rootKey], { capture: true });
  // `--public-key=…` because a base64url key may start with "-" and would then read as an option.
  runsafe(['trust', 'add', trust, `--public-key=${out.public_key}`, '--name', 'demo-operator', '--role', 'operator', '--root-key', rootKey]);
}

console.log('$ runsafe run --non-interactive --confirm rotate-key --confirm clean-up --key .runsafe/demo/operator.key --trust .runsafe/demo/trust.yaml runbooks/demo/signing-demo.runbook.yaml\n');
const run = runsafe(
  ['run', '--non-interactive', '--confirm', 'rotate-key', '--confirm', 'clean-up', '--key', key, '--trust', trust, '--operator', 'demo-operator', '--transcript', transcript, 'runbooks/demo/signing-demo.runbook.yaml'],
  { allowFail: true },
);
if (run.status !== 0) process.exit(run.status ?? 1);

console.log('\n$ runsafe verify <transcript> --trust .runsafe/demo/trust.yaml');
runsafe(['verify', transcript, '--trust', trust]);
console.log('\n$ runsafe transcript summary <transcript> --trust .runsafe/demo/trust.yaml');
runsafe(['transcript', 'summary', transcript, '--trust', trust], { allowFail: true });
