// Loads a sub-command's own bundle (client/out/cli-<name>.js) with the V8 code cache built beside it.
//
// Why: a cold `runsafe lint` spent most of its time compiling JavaScript (one 1.9 MB bundle for every
// command, parsed on each start). scripts/build.mjs bundles each command on its own and records V8's
// compiled code for it after a representative run (scripts/code-cache.mjs), so a start parses only what
// the command uses and reads the rest as compiled code. A cache is used only when its first 32 bytes are
// the SHA-256 of the bundle's exact text (V8 itself checks only the length, its version and its flags);
// any other cache, or none, means an ordinary compile: slower, never different.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Module, createRequire } from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';

/** Where the bundles live: beside the main bundle that includes this module. */
const outDir = __dirname;

/** `cli-<name>.js` and its cache `cli-<name>.jsc` (SHA-256 of the bundle, then V8's data). */
export const bundleFiles = (name: string, dir: string = outDir) => ({ js: join(dir, `cli-${name}.js`), cache: join(dir, `cli-${name}.jsc`) });

/** The cache's V8 data when it was made from exactly this source, else undefined. */
export function matchingCache(source: string, cache: Buffer | null): Buffer | undefined {
  if (!cache || cache.length <= 32) return undefined;
  const digest = createHash('sha256').update(source).digest();
  return digest.equals(cache.subarray(0, 32)) ? cache.subarray(32) : undefined;
}

/** Compiles a CommonJS bundle as Node's loader would (the same wrapper), with a cache when it fits. */
export function compileBundle(file: string, source: string, cachedData?: Buffer): Script {
  return new Script(Module.wrap(source), { filename: file, cachedData });
}

/** Runs a compiled bundle as a CommonJS module and returns its exports. */
export function runBundle(script: Script, file: string, dir: string): Record<string, unknown> {
  const mod = { exports: {} as Record<string, unknown> };
  const fn = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  fn.call(mod.exports, mod.exports, createRequire(file), mod, file, dir);
  return mod.exports;
}

/** The exports of the named command's bundle. */
export function loadBundled(name: string): Record<string, unknown> {
  const { js, cache } = bundleFiles(name);
  const source = readFileSync(js, 'utf8');
  let data: Buffer | null = null;
  try {
    data = readFileSync(cache);
  } catch {
    // No cache (a build without one, or a copied bundle): compile normally.
  }
  return runBundle(compileBundle(js, source, matchingCache(source, data)), js, outDir);
}
