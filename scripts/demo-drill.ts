// `npm run demo:drill`: the strict-signature quarantine drill (runbooks/demo/quarantine-drill.runbook.yaml)
// against a throwaway local PostgreSQL cluster (the database tests' helper: initdb in a temp folder,
// Unix socket only, stopped at the end), run non-interactively with its three confirmations supplied.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startCluster } from '../test/db/cluster';

const root = join(__dirname, '..');
// --transcript-dir DIR (the test passes a temp folder); by default beside the signing demo's.
const at = process.argv.indexOf('--transcript-dir');
const transcripts = at > 0 && process.argv[at + 1] ? resolve(process.argv[at + 1]!) : join(root, '.runsafe/demo/transcripts');

async function main(): Promise<number> {
  let pg;
  try {
    pg = await startCluster();
  } catch (err) {
    process.stderr.write(`npm run demo:drill: ${(err as Error).message}\n`);
    return 2;
  }
  try {
    pg.psql('CREATE DATABASE spendguard_canonical');
    const url = pg.url('postgres', undefined, 'spendguard_canonical');
    console.log(`PostgreSQL ${pg.psql('SHOW server_version').trim()} on a Unix socket in ${pg.socketDir} (no TCP), database spendguard_canonical\n`);
    mkdirSync(transcripts, { recursive: true });
    const transcript = join(transcripts, `quarantine-drill-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);
    const args = ['run', '--non-interactive', '--confirm', 'trust-v2', '--confirm', 'tamper', '--confirm', 'clean-up', '--transcript', transcript, 'runbooks/demo/quarantine-drill.runbook.yaml'];
    console.log(`$ CANONICAL_DB_URL=… runsafe ${args.join(' ')}\n`);
    const r = spawnSync(process.execPath, [join(root, 'client/out/cli.js'), ...args], { cwd: root, stdio: 'inherit', env: { ...process.env, CANONICAL_DB_URL: url }, timeout: 600_000 });
    if (r.status !== 0) process.stderr.write(`\nnpm run demo:drill: the drill exited with ${r.status ?? r.signal}\n`);
    return r.status ?? 1;
  } finally {
    await pg.stop();
  }
}

main().then((code) => process.exit(code));
