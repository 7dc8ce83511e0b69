// Node adapter: compiles a CommonJS bundle with the V8 code cache recorded beside it.
//
// Why: starting a bundle means compiling it, and the first call of every function compiles that function
// (V8 compiles lazily). scripts/code-cache.mjs records V8's compiled code after a representative run, so
// a start reads compiled code instead. A cache is used only when its first 32 bytes are the SHA-256 of the
// bundle's exact text (V8 itself checks only the length, its version and its flags); any other cache, or
// none, or one V8 rejects (another Node, other flags), means an ordinary compile: slower, never different.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Module, createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

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
export function runBundle(script: Script, file: string, dir: string = dirname(file)): Record<string, unknown> {
  const mod = { exports: {} as Record<string, unknown> };
  const fn = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  fn.call(mod.exports, mod.exports, createRequire(file), mod, file, dir);
  return mod.exports;
}

/** Loads the bundle `js` with the cache file `cache` when it matches; without one, compiles normally. */
export function loadWithCodeCache(js: string, cache: string): Record<string, unknown> {
  const source = readFileSync(js, 'utf8');
  let data: Buffer | null = null;
  try {
    data = readFileSync(cache);
  } catch {
    // No cache (a build without one, or a copied bundle): compile normally.
  }
  return runBundle(compileBundle(js, source, matchingCache(source, data)), js);
}
