// `npm run bench`: runs every test/bench/*.bench.ts and prints one JSON object.
// Each module exports `bench(): Promise<Record<string, unknown>>`; figures are ratios against
// a baseline timed in the same run (or latencies with their baseline beside them), because
// absolute times on shared machines mean little.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
  const result: Record<string, unknown> = {
    machine: { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model },
  };
  for (const f of files) {
    const name = f.replace(/\.bench\.ts$/, '');
    process.stderr.write(`bench: ${name}…\n`);
    const mod = (await import(join(__dirname, f))) as { bench: () => Promise<Record<string, unknown>> };
    try {
      result[name] = await mod.bench();
    } catch (err) {
      result[name] = { error: err instanceof Error ? err.message : String(err) };
      process.exitCode = 1;
    }
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

void main();
