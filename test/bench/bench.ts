// Runs every test/bench/*.bench.ts and prints one JSON object: { "<file>": { figures… } }.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

async function main(): Promise<void> {
  const dir = __dirname;
  const filters = process.argv.slice(2);
  const out: Record<string, unknown> = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort()) {
    const name = file.replace(/\.bench\.ts$/, '');
    if (filters.length > 0 && !filters.some((f) => name.includes(f))) continue;
    const mod = (await import(join(dir, file))) as { bench?: () => Promise<Record<string, unknown>> };
    if (typeof mod.bench !== 'function') throw new Error(`${file} does not export bench()`);
    out[name] = await mod.bench();
  }
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
