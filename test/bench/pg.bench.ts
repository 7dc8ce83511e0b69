// Bench: `runsafe verify --pg` over a 1,000,000-row table (server-side cursor) vs the same chain as a JSON Lines file.
//
// Both sides run the bundled CLI (client/out/cli.js) in a child process on the same records, so
// the ratio is what an operator sees; each child reports its peak RSS (getrusage maxRSS) on exit.
// The goal from issue 20: the table path stays under 100 MiB RSS whatever the table's size.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createChainWriter } from '../../client/src/signing/chain-writer';
import { DEFAULT_CHAIN_MAPPING } from '../../client/src/signing/chain-mapping';
import { formatPublicKey } from '../../client/src/signing/keys';
import { nativeCrypto, nativeSigner } from '../../client/src/node/native-crypto';
import { startCluster } from '../db/cluster';

const ROWS = Number(process.env['RUNSAFE_BENCH_PG_ROWS'] ?? 1_000_000);
const root = join(__dirname, '../..');

function runCli(args: string[], env: Record<string, string>, dir: string): { ms: number; maxRssMiB: number; out: Record<string, unknown> } {
  const preload = join(dir, 'maxrss.cjs');
  writeFileSync(preload, "process.on('exit', () => require('fs').writeSync(2, `\\nmaxrss_kb=${process.resourceUsage().maxRSS}\\n`));\n");
  const t = performance.now();
  const r = spawnSync(process.execPath, ['-r', preload, join(root, 'client/out/cli.js'), ...args, '--format', 'json'], { encoding: 'utf8', cwd: dir, env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  const ms = performance.now() - t;
  const kb = /maxrss_kb=(\d+)/.exec(r.stderr ?? '');
  if (!kb || !r.stdout) throw new Error(`runsafe ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { ms, maxRssMiB: Number((Number(kb[1]) / 1024).toFixed(1)), out: JSON.parse(r.stdout) as Record<string, unknown> };
}

export async function bench(): Promise<Record<string, unknown>> {
  const pg = await startCluster();
  const dir = mkdtempSync(join(tmpdir(), 'runsafe-bench-pg-'));
  try {
    pg.psql('CREATE DATABASE bench');
    pg.psql('CREATE TABLE events (seq bigint PRIMARY KEY, record bytea NOT NULL)', 'bench');
    const url = pg.url('postgres', undefined, 'bench');
    const signer = nativeSigner(new Uint8Array(32).fill(7));
    const writer = createChainWriter({ mapping: DEFAULT_CHAIN_MAPPING, signer, crypto: nativeCrypto });
    const file = join(dir, 'events.jsonl');
    const out = createWriteStream(file);
    const client = new Client({ connectionString: url });
    await client.connect();
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    const BATCH = 5000;
    for (let start = 0; start < ROWS; start += BATCH) {
      const seqs: number[] = [];
      const recs: Buffer[] = [];
      for (let i = start; i < Math.min(ROWS, start + BATCH); i++) {
        const line = Buffer.from(writer.next({ id: `evt-${i}`, time: new Date(t0 + i * 1000).toISOString(), emitter: 'sidecar', action: 'decision.recorded', amount_cents: (i * 7919) % 100_000 }));
        seqs.push(i);
        recs.push(line);
        out.write(line);
        out.write('\n');
      }
      await client.query('INSERT INTO events (seq, record) SELECT * FROM unnest($1::bigint[], $2::bytea[])', [seqs, recs]);
    }
    await client.end();
    await new Promise<void>((resolve) => out.end(resolve));
    pg.psql('VACUUM ANALYZE events', 'bench');
    const trust = join(dir, 'trust.yaml');
    const rootKey = join(dir, 'root.key');
    for (const args of [['keygen', '--out', rootKey], ['trust', 'init', trust, '--root-key', rootKey], ['trust', 'add', trust, `--public-key=${formatPublicKey(signer.publicKey)}`, '--name', 'sidecar', '--role', 'emitter', '--root-key', rootKey]]) {
      const r = spawnSync(process.execPath, [join(root, 'client/out/cli.js'), ...args], { encoding: 'utf8', cwd: dir });
      if (r.status !== 0) throw new Error(`runsafe ${args.slice(0, 2).join(' ')}: ${r.stderr}`);
    }

    // Alternate the order on a second round so load changes on a shared machine hit both sides.
    const jsonl1 = runCli(['verify', file, '--kind', 'chain', '--trust', trust], {}, dir);
    const table1 = runCli(['verify', '--pg', 'BENCH_URL', '--table', 'events', '--trust', trust], { BENCH_URL: url }, dir);
    for (const r of [jsonl1, table1]) if (r.out['verdict'] !== 'verified' || r.out['records'] !== ROWS) throw new Error(`bench chain did not verify: ${JSON.stringify(r.out).slice(0, 300)}`);
    const rps = (ms: number) => Math.round((ROWS / ms) * 1000);
    return {
      rows: ROWS,
      table_verify_rows_per_s: rps(table1.ms),
      jsonl_verify_rows_per_s: rps(jsonl1.ms),
      ratio_table_vs_jsonl: Number((jsonl1.ms / table1.ms).toFixed(3)),
      table_max_rss_mib: table1.maxRssMiB,
      jsonl_max_rss_mib: jsonl1.maxRssMiB,
      goal: 'table verification under 100 MiB RSS on 1,000,000 rows; throughput beside the JSONL path',
      meets_goal: table1.maxRssMiB < 100,
      note: 'both through the bundled CLI in a child process (start-up included), verifying in a worker thread with a 4 MiB young generation; peak RSS is the whole process; the table side reads through a server-side cursor (FETCH 256, binary results)',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await pg.stop();
  }
}
