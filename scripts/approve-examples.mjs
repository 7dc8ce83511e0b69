// Re-approves the shipped runbooks (runbooks/**/*.runbook.yaml) with the demo approver after an edit.
// The demo approver's key is a PUBLIC TEST KEY (test/fixtures/keys/README.md): anyone can sign with it,
// so its approvals mean "these examples are consistent", never "a person reviewed this".
// Usage: npm run approve-examples            (builds first; re-signs only runbooks whose approval no longer verifies)
import { readFileSync, readdirSync, rmSync, existsSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const cli = join(root, 'client/out/cli.js');
const trust = 'runbooks/trust.yaml';
const keyFile = join(root, 'test/fixtures/keys/demo-approver.key');
// Git does not keep a key file's 0600 mode, and `runsafe sign --key` refuses a readable key file,
// so the seed reaches the CLI through its environment instead (never through argv).
const keyEnv = 'RUNSAFE_DEMO_APPROVER_KEY';

function runbooks(dir) {
  const out = [];
  for (const name of readdirSync(join(root, dir)).sort()) {
    const p = join(dir, name);
    if (statSync(join(root, p)).isDirectory()) out.push(...runbooks(p));
    else if (name.endsWith('.runbook.yaml')) out.push(p);
  }
  return out;
}

function runsafe(args, env = {}) {
  return spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
}

if (!existsSync(cli)) {
  console.error('client/out/cli.js is missing: run `npm run build` first (npm run approve-examples does).');
  process.exit(2);
}
const seed = readFileSync(keyFile, 'utf8').trim();
let failed = 0;
for (const file of runbooks('runbooks')) {
  const verdict = runsafe(['verify', file, '--trust', trust, '--kind', 'runbook']);
  if (verdict.status === 0) {
    console.log(`approved  ${file}`);
    continue;
  }
  // A stale approval (the file changed) is replaced, not extended: the demo has one approver.
  rmSync(join(root, `${file}.sig`), { force: true });
  const signed = runsafe(['sign', file, '--key-env', keyEnv, '--trust', trust], { [keyEnv]: seed });
  const check = signed.status === 0 ? runsafe(['verify', file, '--trust', trust, '--kind', 'runbook']) : signed;
  if (check.status === 0) console.log(`re-signed ${relative(root, join(root, file))}`);
  else {
    failed++;
    console.error(`FAILED    ${file}\n${signed.stdout}${signed.stderr}${check === signed ? '' : check.stdout + check.stderr}`);
  }
}
process.exit(failed ? 1 : 0);
