// The per-command bundles and their V8 code caches (scripts/code-cache.mjs, client/src/cli/bundle-loader.ts):
// every cache is made from its bundle's exact text and V8 accepts it under the CLI's flags; a cache that
// does not match, or none, changes nothing a user sees.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleFiles, compileBundle, matchingCache } from '../../client/src/cli/bundle-loader';

const root = resolve(__dirname, '../..');
const out = join(root, 'client/out');
let dir: string;

const commandNames = [...readFileSync(join(root, 'client/src/cli/commands/index.ts'), 'utf8').matchAll(/import\('\.\/([a-z-]+)'\)/g)].map((m) => m[1]!);

before(() => {
  if (!existsSync(join(out, 'cli.js'))) throw new Error('client/out/cli.js is missing: run npm run build');
  dir = mkdtempSync(join(tmpdir(), 'runsafe-code-cache-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('each registered command has its own bundle and a cache made from its exact text', () => {
  assert.ok(commandNames.length >= 10, commandNames.join(','));
  for (const name of commandNames) {
    const { js, cache } = bundleFiles(name, out);
    const source = readFileSync(js, 'utf8');
    const data = readFileSync(cache);
    assert.deepEqual(data.subarray(0, 32), createHash('sha256').update(source).digest(), `${name}: digest`);
    assert.ok(matchingCache(source, data), name);
    assert.equal(matchingCache(`${source} `, data), undefined, `${name}: a changed bundle must not use the old cache`);
  }
  // The main bundle holds no command: `runsafe --help` parses only the registry.
  assert.ok(readFileSync(join(out, 'cli.js')).length < 64 * 1024);
});

test('V8 accepts each cache under the flags the CLI sets (a rejected cache would silently cost the whole compile)', () => {
  // In a child process: the flag changes V8 for the whole process, as in the CLI.
  const script = `
    require('node:v8').setFlagsFromString('--liftoff-only');
    require('node:v8').setFlagsFromString('--semi-space-growth-factor=1');
    require('node:v8').setFlagsFromString('--heap-growing-percent=20');
    const { readFileSync } = require('node:fs');
    const { bundleFiles, compileBundle, matchingCache } = require(${JSON.stringify(join(root, 'client/src/cli/bundle-loader.ts'))});
    const rejected = [];
    for (const name of ${JSON.stringify(commandNames)}) {
      const { js, cache } = bundleFiles(name, ${JSON.stringify(out)});
      const source = readFileSync(js, 'utf8');
      const s = compileBundle(js, source, matchingCache(source, readFileSync(cache)));
      if (s.cachedDataRejected !== false) rejected.push(name);
    }
    process.stdout.write(JSON.stringify(rejected));`;
  // A cache built under other flags is rejected every time. Once, on a machine loaded far beyond its
  // cores (fresh-clone CI beside two landing trains), every cache was rejected in one child and
  // accepted in the next: V8 re-derives its flag hash after setFlagsFromString, and a compile on
  // another thread can read it in between. So a second child decides; a wrong build still fails both.
  let rejected: string[] = [];
  for (let attempt = 0; attempt < 2; attempt++) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    rejected = JSON.parse(r.stdout) as string[];
    if (rejected.length === 0) break;
  }
  assert.deepEqual(rejected, []);
  // And without a cache V8 reports nothing rejected, so the check above is not vacuous.
  assert.equal(compileBundle('x.js', 'module.exports = 1;').cachedDataRejected, undefined);
});

test('a stale or missing cache changes no output and no exit code', () => {
  const books = join(root, 'runbooks/examples');
  const lint = (cli: string) => spawnSync(process.execPath, [cli, 'lint', '--format', 'json', books], { cwd: root, encoding: 'utf8' });
  const expected = lint(join(out, 'cli.js'));
  assert.ok(expected.stdout.includes('"files"'), expected.stderr);
  for (const variant of ['stale', 'missing'] as const) {
    const copy = join(dir, variant);
    cpSync(out, copy, { recursive: true, filter: (f) => !f.endsWith('.map') });
    const cache = join(copy, 'cli-lint.jsc');
    if (variant === 'missing') rmSync(cache);
    else writeFileSync(cache, Buffer.concat([Buffer.alloc(32), readFileSync(cache).subarray(32)]));
    const r = lint(join(copy, 'cli.js'));
    assert.equal(r.status, expected.status, r.stderr);
    assert.equal(r.stdout, expected.stdout, variant);
    assert.equal(r.stderr, expected.stderr, variant);
  }
  assert.ok(readdirSync(join(dir, 'stale')).includes('cli-lint.js'));
});
