// Bundles each entry point with esbuild; tsc -b only type-checks.
// esbuild is used because one self-contained file per entry starts fast (CLI, server,
// extension) and inlines the JSON schemas, so nothing is resolved at run time.
import { build } from 'esbuild';
import { existsSync, mkdirSync, copyFileSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { standaloneValidatorSource, validatorModule } from './schema-validator.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
// --no-minify keeps names and lines readable in CPU profiles.
const minify = !watch && !process.argv.includes('--no-minify');

// The runbook schema's validator is generated here (ajv standalone code) in place of the module that
// compiles it at run time from sources: ajv compiling the schema cost 150-290 ms of every CLI start.
const validatorSource = standaloneValidatorSource();
const standaloneSchema = {
  name: 'standalone-schema-validator',
  setup(b) {
    b.onLoad({ filter: /schema-validator\.ts$/ }, (args) => (args.path === validatorModule ? { contents: validatorSource, loader: 'js', resolveDir: dirname(validatorModule) } : undefined));
  },
};

// Each entry is built only once its source exists, so the build works while features land.
const entries = [
  // pg-native: node-postgres's optional libpq binding, never installed or used (pg's pure-JS client is).
  { in: 'client/src/cli/main.ts', out: 'client/out/cli.js', banner: '#!/usr/bin/env node', external: ['pg-native'] },
  { in: 'server/src/lsp/main.ts', out: 'server/out/server.js', banner: '#!/usr/bin/env node' },
  { in: 'client/src/extension/main.ts', out: 'client/out/extension.js', external: ['vscode'] },
];

// WebAssembly files the bundles load at run time (the shell grammar), copied beside them.
const assets = [
  ['node_modules/web-tree-sitter/web-tree-sitter.wasm', 'web-tree-sitter.wasm'],
  ['node_modules/tree-sitter-bash/tree-sitter-bash.wasm', 'tree-sitter-bash.wasm'],
  ['node_modules/libpg-query/wasm/libpg-query.wasm', 'libpg-query.wasm'],
];

for (const e of entries) {
  if (!existsSync(join(root, e.in))) continue;
  await build({
    entryPoints: [join(root, e.in)],
    outfile: join(root, e.out),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    minify,
    keepNames: true,
    external: e.external ?? [],
    banner: e.banner ? { js: e.banner } : undefined,
    logLevel: 'warning',
    plugins: [standaloneSchema],
    // import.meta.url is used by some ESM dependencies; give them the bundle's own URL.
    define: { 'import.meta.url': 'import_meta_url' },
    inject: [join(root, 'scripts/import-meta-url.js')],
  });
  if (e.banner) chmodSync(join(root, e.out), 0o755);
  for (const [from, name] of assets) {
    const src = join(root, from);
    if (existsSync(src)) {
      mkdirSync(dirname(join(root, e.out)), { recursive: true });
      copyFileSync(src, join(root, dirname(e.out), name));
    }
  }
}
