// Node adapter: reads the tree-sitter runtime and bash grammar wasm for the pure shell layer.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { initShell, type ShellWasm } from './rules/shell/index';
import { initPgParser, takePgMissed } from './rules/sql/index';

const files = {
  treeSitter: ['web-tree-sitter.wasm', 'web-tree-sitter'],
  bash: ['tree-sitter-bash.wasm', 'tree-sitter-bash'],
} as const;

/**
 * Finds each wasm file beside the running bundle (scripts/build.mjs copies them there) or, when run
 * from sources, in node_modules. Throws with the paths tried when neither exists.
 */
export function loadShellWasm(dir: string = __dirname): ShellWasm {
  const read = ([file, pkg]: readonly [string, string]): Uint8Array => {
    const tried = [join(dir, file), join(dir, '..', '..', 'node_modules', pkg, file), join(dir, '..', 'node_modules', pkg, file)];
    const found = tried.find((p) => existsSync(p));
    if (!found) throw new Error(`cannot find ${file}; looked in:\n  ${tried.join('\n  ')}`);
    return readFileSync(found);
  };
  return { treeSitter: read(files.treeSitter), bash: read(files.bash) };
}

/** Loads the shell parser (and PostgreSQL's SQL parser) from disk once; adapters await it before their first lint. */
export function initShellFromDisk(dir?: string): Promise<void> {
  return Promise.all([initShell(loadShellWasm(dir)), initSqlParser()]).then(() => undefined);
}

/**
 * The shell parser alone: PostgreSQL's parser (a 1.1 MB wasm instance in every thread) is loaded by
 * `withSqlParser` for the first runbook that holds SQL; `runsafe lint` over runbooks without SQL never
 * loads it.
 */
export function initShellOnlyFromDisk(dir?: string): Promise<void> {
  return initShell(loadShellWasm(dir));
}

/**
 * Runs `lint` and, when it read SQL before PostgreSQL's parser was loaded, loads the parser and runs it
 * again, so the result is the one an eager load gives. `lint` must not write anything: it may run twice
 * (once per thread at most, for the first runbook with SQL).
 */
export async function withSqlParser<T>(lint: () => T): Promise<T> {
  takePgMissed();
  const first = lint();
  if (!takePgMissed()) return first;
  await initSqlParser();
  return lint();
}

let sqlParser: Promise<void> | null = null;

/**
 * PostgreSQL's parser (libpg-query, wasm; it finds libpg-query.wasm beside its script, which
 * scripts/build.mjs copies beside the bundles). If it cannot load, SQL is read by the tokenizer alone.
 */
export function initSqlParser(): Promise<void> {
  sqlParser ??= import('libpg-query')
    .then(async (pg) => {
      await pg.loadModule();
      initPgParser((sql) => pg.parseSync(sql));
    })
    .catch(() => initPgParser(null));
  return sqlParser;
}
