// Runs every test/**/*.test.ts with node:test through tsx (TypeScript without a build step).
// Usage: node scripts/test.mjs [--typecheck] [substring filter...]
// It bundles once first (the CLI and server tests spawn client/out and server/out, and a bundle
// rewritten while another test file spawns it would be read half-written), then runs test files
// concurrently: each file is its own process with its own temp dirs and port-0 servers.
// --typecheck (what `npm test` passes) runs `tsc -b` beside the tests instead of before them.
// RUNSAFE_TEST_CONCURRENCY=1 runs the files one at a time. The longest files (as timed in earlier
// runs, build/test-durations.json) start first, so no slow file is left running alone at the end.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const args = process.argv.slice(2);
const typecheck = args.includes('--typecheck');
const filters = args.filter((a) => a !== '--typecheck');
const skipDirs = new Set(['node_modules', 'fixtures', 'e2e', 'vscode']);

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (!skipDirs.has(name)) walk(p, out);
    } else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

const durationsFile = join(root, 'build/test-durations.json');
let durations = {};
try {
  durations = JSON.parse(readFileSync(durationsFile, 'utf8'));
} catch {
  // never timed here yet: alphabetical order
}
// Files never timed go first: a new file may be a slow one.
const cost = (f) => durations[f] ?? Infinity;
const files = walk(join(root, 'test'), [])
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort()
  .sort((a, b) => cost(b) - cost(a));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

/** Runs a child to completion; resolves with its exit code (output collected when asked). */
function run(cmd, argv, collect, env = {}) {
  return new Promise((done) => {
    const child = spawn(cmd, argv, { cwd: root, stdio: collect ? ['ignore', 'pipe', 'pipe'] : 'inherit', env: { ...process.env, ...env } });
    let out = '';
    if (collect) for (const s of [child.stdout, child.stderr]) s.on('data', (d) => (out += d));
    child.on('close', (code, signal) => done({ code: code ?? (signal ? 1 : 0), out }));
  });
}

const concurrency = Number(process.env.RUNSAFE_TEST_CONCURRENCY) || Math.max(2, availableParallelism());
const started = Date.now();
const [tests, types] = await Promise.all([
  run(process.execPath, ['--import', 'tsx', join(root, 'scripts/test-files.mjs'), ...files], false, { RUNSAFE_TEST_CONCURRENCY: String(concurrency) }),
  typecheck ? run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b'], true) : Promise.resolve({ code: 0, out: '' }),
]);
if (typecheck) {
  if (types.code !== 0) console.error(`\ntsc -b failed:\n${types.out}`);
  else console.log('tsc -b: no type errors');
}
console.log(`${files.length} test files in ${((Date.now() - started) / 1000).toFixed(1)} s (concurrency ${concurrency})`);
process.exit(tests.code !== 0 ? tests.code : types.code);
