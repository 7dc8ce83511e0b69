// The language server's V8 code cache (server/out/server-core.jsc, scripts/code-cache.mjs --server,
// loaded by server/src/lsp/boot.ts): made from the bundle's exact text, accepted by V8 under the flags
// the server runs with, and a stale or missing cache changes nothing an editor sees.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { matchingCache } from '../../server/src/code-cache';
import { startClient } from './client';

const root = resolve(__dirname, '../..');
const out = join(root, 'server/out');
const core = join(out, 'server-core.js');
const cache = join(out, 'server-core.jsc');
let dir: string;

before(() => {
  if (!existsSync(core)) throw new Error(`${core} is missing: run npm run build`);
  dir = mkdtempSync(join(tmpdir(), 'runsafe-server-cache-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('the server bundle has a cache made from its exact text, and the entry holds no server code', () => {
  const source = readFileSync(core, 'utf8');
  const data = readFileSync(cache);
  assert.deepEqual(data.subarray(0, 32), createHash('sha256').update(source).digest());
  assert.ok(matchingCache(source, data));
  assert.equal(matchingCache(`${source} `, data), undefined, 'a changed bundle must not use the old cache');
  // The cache holds the code a session compiled (the rules, the parser), not only the top level.
  assert.ok(data.length > source.length / 2, `cache of ${data.length} bytes for a ${source.length}-byte bundle`);
  assert.ok(readFileSync(join(out, 'server.js')).length < 8 * 1024);
});

test('V8 accepts the cache as the server loads it (a rejected cache would silently cost the whole compile)', () => {
  // In a child process started as editors start the server: plain `node`, no flags.
  const script = `
    const { readFileSync } = require('node:fs');
    const { compileBundle, matchingCache } = require(${JSON.stringify(join(root, 'server/src/code-cache.ts'))});
    const source = readFileSync(${JSON.stringify(core)}, 'utf8');
    const s = compileBundle(${JSON.stringify(core)}, source, matchingCache(source, readFileSync(${JSON.stringify(cache)})));
    process.stdout.write(String(s.cachedDataRejected));`;
  // As in test/cli/code-cache.test.ts: on a machine loaded far beyond its cores V8 once rejected a
  // good cache in one child and accepted it in the next, so a second child decides.
  let rejected = '';
  for (let attempt = 0; attempt < 2; attempt++) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    rejected = r.stdout;
    if (rejected === 'false') break;
  }
  assert.equal(rejected, 'false');
});

/** The diagnostics a fresh server at `serverPath` publishes for a shipped runbook, as JSON. */
async function firstDiagnostics(serverPath: string): Promise<string> {
  const c = startClient({ serverPath });
  try {
    await c.initialize({}, { debounceMs: 0 });
    await c.conn.sendNotification('initialized', {});
    const text = readFileSync(join(root, 'runbooks/examples/hello.runbook.yaml'), 'utf8').replace('run: printf', 'run: git push --force origin main; printf');
    await c.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: 'file:///w/hello.runbook.yaml', languageId: 'runsafe', version: 1, text } });
    const published = await c.waitForDiagnostics((p) => p.uri === 'file:///w/hello.runbook.yaml');
    assert.equal(c.stderr(), '');
    return JSON.stringify(published.diagnostics);
  } finally {
    await c.close();
  }
}

test('a stale or missing cache gives the same diagnostics', { timeout: 120_000 }, async () => {
  const expected = await firstDiagnostics(join(out, 'server.js'));
  assert.match(expected, /"code":"history-rewrite"/, 'a finding of a shell rule: the parser loaded, and equality means something');
  for (const variant of ['stale', 'missing'] as const) {
    const copy = join(dir, variant);
    cpSync(out, copy, { recursive: true, filter: (f) => !f.endsWith('.map') });
    const copied = join(copy, 'server-core.jsc');
    if (variant === 'missing') rmSync(copied);
    else writeFileSync(copied, Buffer.concat([Buffer.alloc(32), readFileSync(copied).subarray(32)]));
    assert.equal(await firstDiagnostics(join(copy, 'server.js')), expected, variant);
  }
});
