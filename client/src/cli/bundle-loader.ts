// Loads a sub-command's own bundle (client/out/cli-<name>.js) with the V8 code cache built beside it.
//
// Why: a cold `runsafe lint` spent most of its time compiling JavaScript (one 1.9 MB bundle for every
// command, parsed on each start). scripts/build.mjs bundles each command on its own and records V8's
// compiled code for it after a representative run (scripts/code-cache.mjs), so a start parses only what
// the command uses and reads the rest as compiled code (server/src/code-cache.ts checks and loads it).
import { join } from 'node:path';
import { loadWithCodeCache } from '../../../server/src/code-cache';

export { compileBundle, matchingCache } from '../../../server/src/code-cache';

/** Where the bundles live: beside the main bundle that includes this module. */
const outDir = __dirname;

/** `cli-<name>.js` and its cache `cli-<name>.jsc` (SHA-256 of the bundle, then V8's data). */
export const bundleFiles = (name: string, dir: string = outDir) => ({ js: join(dir, `cli-${name}.js`), cache: join(dir, `cli-${name}.jsc`) });

/** The exports of the named command's bundle. */
export function loadBundled(name: string): Record<string, unknown> {
  const { js, cache } = bundleFiles(name);
  return loadWithCodeCache(js, cache);
}
