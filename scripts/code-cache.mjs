// Records V8's compiled code for one CLI command bundle (client/out/cli-<name>.js -> cli-<name>.jsc).
// Usage: node scripts/code-cache.mjs <command> [lint paths...]; scripts/build.mjs runs it per command.
//
// The bundle is compiled exactly as client/src/cli/bundle-loader.ts compiles it (Node's CommonJS
// wrapper, the file name, and the CLI's V8 flags set first: V8 refuses a cache made under other
// flags), run (lint: over the given paths, output discarded, so the functions a lint calls are
// compiled too), and then its code cache is written after the SHA-256 of the bundle's text.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Module, createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Writable, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';

// The same flags client/src/cli/main.ts sets before any bundle compiles.
setFlagsFromString('--liftoff-only');
setFlagsFromString('--semi-space-growth-factor=1');
setFlagsFromString('--heap-growing-percent=20');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [name, ...paths] = process.argv.slice(2);
const js = join(root, 'client/out', `cli-${name}.js`);
const source = readFileSync(js, 'utf8');
const script = new Script(Module.wrap(source), { filename: js });
const mod = { exports: {} };
script.runInThisContext().call(mod.exports, mod.exports, createRequire(js), mod, js, dirname(js));

if (paths.length > 0) {
  const command = Object.values(mod.exports).find((c) => c && typeof c.run === 'function');
  const sink = () => new Writable({ write: (_chunk, _enc, done) => done() });
  const io = { stdout: sink(), stderr: sink(), stdin: Readable.from([]), cwd: root, env: {} };
  await command.run(paths, io);
}

const digest = createHash('sha256').update(source).digest();
// Written beside and renamed over, as scripts/build.mjs writes the bundles: a CLI starting now reads a whole cache or the old one.
const target = join(root, 'client/out', `cli-${name}.jsc`);
writeFileSync(`${target}.${process.pid}.tmp`, Buffer.concat([digest, script.createCachedData()]));
renameSync(`${target}.${process.pid}.tmp`, target);
