// Bundles each entry point with esbuild; tsc -b only type-checks.
// esbuild is used because one self-contained file per entry starts fast (CLI, server,
// extension) and inlines the JSON schemas, so nothing is resolved at run time.
import { build } from 'esbuild';
import { existsSync, mkdirSync, copyFileSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');

// Each entry is built only once its source exists, so the build works while features land.
const entries = [
  { in: 'client/src/cli/main.ts', out: 'client/out/cli.js', banner: '#!/usr/bin/env node' },
  { in: 'server/src/lsp/main.ts', out: 'server/out/server.js', banner: '#!/usr/bin/env node' },
  { in: 'client/src/extension/main.ts', out: 'client/out/extension.js', external: ['vscode'] },
];

// WebAssembly files the bundles load at run time (the shell grammar), copied beside them.
const assets = [
  ['node_modules/web-tree-sitter/web-tree-sitter.wasm', 'web-tree-sitter.wasm'],
  ['node_modules/tree-sitter-bash/tree-sitter-bash.wasm', 'tree-sitter-bash.wasm'],
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
    minify: !watch,
    keepNames: true,
    external: e.external ?? [],
    banner: e.banner ? { js: e.banner } : undefined,
    logLevel: 'warning',
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
