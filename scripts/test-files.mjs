// Runs the given test files with node:test's run() (started by scripts/test.mjs under `--import tsx`,
// which each file's process inherits), in the order given, and adds each file's time into
// build/test-durations.json so the next run can start the longest files first.
// (The `node --test` command line sorts its files by name; run() keeps their order.)
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const durationsFile = join(root, 'build/test-durations.json');
const concurrency = Number(process.env.RUNSAFE_TEST_CONCURRENCY) || 2;
const files = process.argv.slice(2).map((f) => resolve(root, f));

const out = new spec();
out.pipe(process.stdout);
const perFile = {};
let failed = false;
for await (const event of run({ files, concurrency })) {
  if (event.type === 'test:fail') failed = true;
  if ((event.type === 'test:pass' || event.type === 'test:fail') && event.data.nesting === 0 && event.data.file) {
    const file = relative(root, event.data.file);
    perFile[file] = (perFile[file] ?? 0) + (event.data.details?.duration_ms ?? 0);
  }
  out.write(event);
}
out.end();

let known = {};
try {
  known = JSON.parse(readFileSync(durationsFile, 'utf8'));
} catch {
  // first run here, or the file was removed: start afresh
}
mkdirSync(dirname(durationsFile), { recursive: true });
writeFileSync(durationsFile, `${JSON.stringify({ ...known, ...perFile }, null, 1)}\n`);
await new Promise((done) => out.on('close', done).on('finish', done));
process.exitCode = failed ? 1 : 0;
