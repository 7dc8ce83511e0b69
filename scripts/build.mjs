// Bundles each entry point with esbuild; tsc -b only type-checks.
// esbuild is used because one self-contained file per entry starts fast (CLI, server,
// extension) and inlines the JSON schemas, so nothing is resolved at run time.
import { build } from 'esbuild';
import { existsSync, mkdirSync, copyFileSync, chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { standaloneValidatorSource, validatorModule } from './schema-validator.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// Every output is written beside its final name and renamed over it, so a `runsafe` started during a
// build (another test, an editor's lint task) runs the old file or the new one, never a truncated one:
// esbuild's own writes truncate first, and an empty client/out/cli.js is a CLI that exits 0 saying nothing.
const atomicWrite = (file, data, mode) => {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data, mode === undefined ? undefined : { mode });
  renameSync(tmp, file);
};
const atomicCopy = (from, to) => {
  const tmp = `${to}.${process.pid}.tmp`;
  copyFileSync(from, tmp);
  renameSync(tmp, to);
};
const watch = process.argv.includes('--watch');
// --no-minify keeps names and lines readable in CPU profiles.
const minify = !watch && !process.argv.includes('--no-minify');

// The runbook schema's validator is generated here (ajv standalone code) in place of the module that
// compiles it at run time from sources: ajv compiling the schema cost 150-290 ms of every CLI start.
const validatorSource = standaloneValidatorSource();

// The registered sub-commands, read from the registry's `import('./<name>')` calls.
const registry = join(root, 'client/src/cli/commands/index.ts');
const commandNames = [...readFileSync(registry, 'utf8').matchAll(/import\('\.\/([a-z-]+)'\)/g)].map((m) => m[1]);

// In the main CLI bundle a command's `import('./lint')` becomes a load of client/out/cli-lint.js.
const lazyCommands = {
  name: 'lazy-commands',
  setup(b) {
    b.onResolve({ filter: /^\.\/[a-z-]+$/ }, (args) => (args.importer === registry && args.kind === 'dynamic-import' ? { path: args.path.slice(2), namespace: 'runsafe-command' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'runsafe-command' }, (args) => ({
      contents: `module.exports = require('./bundle-loader').loadBundled(${JSON.stringify(args.path)});`,
      loader: 'js',
      resolveDir: join(root, 'client/src/cli'),
    }));
  },
};

// web-tree-sitter's ESM build loads node:module with a dynamic import(), which code compiled through
// node:vm (server/src/code-cache.ts: the command bundles and the server's) cannot run; its CommonJS build is the same parser and uses require.
const treeSitterCjs = {
  name: 'web-tree-sitter-cjs',
  setup(b) {
    b.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: join(root, 'node_modules/web-tree-sitter/web-tree-sitter.cjs') }));
  },
};
const standaloneSchema = {
  name: 'standalone-schema-validator',
  setup(b) {
    b.onLoad({ filter: /schema-validator\.ts$/ }, (args) => (args.path === validatorModule ? { contents: validatorSource, loader: 'js', resolveDir: dirname(validatorModule) } : undefined));
  },
};

// Each entry is built only once its source exists, so the build works while features land.
// An entry maps output names (in `dir`) to sources; one esbuild call builds them all, each bundle
// self-contained, parsing shared modules once.
const entries = [
  { in: { cli: 'client/src/cli/main.ts' }, dir: 'client/out', banner: '#!/usr/bin/env node', plugins: [lazyCommands] },
  // The language server: server.js (boot.ts) loads server-core.js (main.ts) with its code cache.
  { in: { server: 'server/src/lsp/boot.ts' }, dir: 'server/out', banner: '#!/usr/bin/env node' },
  { in: { 'server-core': 'server/src/lsp/main.ts' }, dir: 'server/out', plugins: [treeSitterCjs] },
  // The worker thread `runsafe verify` runs a chain verification in (client/src/node/verify-worker.ts).
  { in: { 'verify-worker': 'client/src/node/verify-worker-main.ts' }, dir: 'client/out', external: ['pg-native'] },
  { in: { extension: 'client/src/extension/main.ts' }, dir: 'client/out', external: ['vscode'] },
  // Each `runsafe` sub-command is a bundle of its own, loaded by the main one when that command runs
  // (client/src/cli/bundle-loader.ts): `runsafe --help` parses no linter, `lint` no runner or signing.
  // pg-native: node-postgres's optional libpq binding, never installed or used (pg's pure-JS client is).
  { in: Object.fromEntries(commandNames.map((name) => [`cli-${name}`, `client/src/cli/commands/${name}.ts`])), dir: 'client/out', external: ['pg-native'], plugins: [treeSitterCjs], commands: true },
];

// WebAssembly files the bundles load at run time (the shell grammar), copied beside them.
const assets = [
  ['node_modules/web-tree-sitter/web-tree-sitter.wasm', 'web-tree-sitter.wasm'],
  ['node_modules/tree-sitter-bash/tree-sitter-bash.wasm', 'tree-sitter-bash.wasm'],
  ['node_modules/libpg-query/wasm/libpg-query.wasm', 'libpg-query.wasm'],
];

await Promise.all(entries.map(async (e) => {
  const entryPoints = Object.fromEntries(Object.entries(e.in).filter(([, src]) => existsSync(join(root, src))).map(([out, src]) => [out, join(root, src)]));
  if (Object.keys(entryPoints).length === 0) return;
  const result = await build({
    entryPoints,
    write: false,
    outdir: join(root, e.dir),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    // The command bundles' maps point at the sources rather than copying them (ten copies otherwise).
    sourcesContent: !e.commands,
    minify,
    // No keepNames: it wraps every function and class that esbuild renames in a call that redefines its
    // `name`, at each creation, closures in hot paths included (0.12 ms of each edit in the server's
    // profile, and more on a cold first open). Nothing reads those names; a CPU profile maps them back
    // through the bundle's source map.
    keepNames: false,
    external: e.external ?? [],
    banner: e.banner ? { js: e.banner } : undefined,
    logLevel: 'warning',
    plugins: [standaloneSchema, ...(e.plugins ?? [])],
    // import.meta.url is used by some ESM dependencies; give them the bundle's own URL.
    define: { 'import.meta.url': 'import_meta_url' },
    inject: [join(root, 'scripts/import-meta-url.js')],
  });
  mkdirSync(join(root, e.dir), { recursive: true });
  for (const f of result.outputFiles) atomicWrite(f.path, f.contents, e.banner && f.path.endsWith('.js') ? 0o755 : undefined);
  if (e.banner) for (const out of Object.keys(entryPoints)) chmodSync(join(root, e.dir, `${out}.js`), 0o755);
  for (const [from, name] of assets) {
    const src = join(root, from);
    if (existsSync(src)) atomicCopy(src, join(root, e.dir, name));
  }
}));

// V8's compiled code for each command bundle, recorded after a representative run (a lint of shipped
// runbooks; the other commands are loaded only), for bundle-loader.ts, and for the language server after
// a session that opens and edits the shipped runbooks, for boot.ts. Skipped under --watch.
if (!watch) {
  const workloads = { lint: ['runbooks/examples/hello.runbook.yaml', 'runbooks/examples'], '--server': ['runbooks', 'runbooks/examples'] };
  const run = (name) =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [join(root, 'scripts/code-cache.mjs'), name, ...(workloads[name] ?? [])], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`code cache for ${name}: ${err}`))));
    });
  await Promise.all([...commandNames, '--server'].map(run));
}
