// Enforces the layering of docs/design.md §2 (the table in DEVELOPERS.md) on the whole resolved
// import graph, and proves on temporary file graphs that each kind of violation is caught.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { buildGraph, checkGraph, checkPureBundles, importsOf, readLayers } from './architecture/layers';

const root = resolve(__dirname, '..');
const layers = readLayers(readFileSync(join(root, 'DEVELOPERS.md'), 'utf8'));

function sources(dir: string): string[] {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  const out: string[] = [];
  for (const name of readdirSync(abs)) {
    const p = join(abs, name);
    if (statSync(p).isDirectory()) out.push(...sources(relative(root, p)));
    else if (/\.(ts|mts|cts)$/.test(name) && !name.endsWith('.d.ts')) out.push(relative(root, p));
  }
  return out;
}

const pureDirs = layers.filter((l) => l.pure).map((l) => l.path);

test('every layer reaches only what DEVELOPERS.md allows it, through any import path', () => {
  assert.deepEqual(checkGraph(layers, buildGraph(root)), []);
});

test('each pure layer bundles for a neutral platform without a Node built-in', () => {
  assert.deepEqual(checkPureBundles(root, layers, buildGraph(root)), []);
});

test('the table covers what it must: every root file of server/src, the pure layers, lint.ts pure', () => {
  for (const f of readdirSync(join(root, 'server/src')).filter((n) => n.endsWith('.ts'))) {
    assert.ok(layers.some((l) => l.path === `server/src/${f}`), `server/src/${f} has its own row`);
  }
  for (const p of ['server/src/language/', 'server/src/rules/', 'server/src/service/', 'server/src/lint.ts', 'client/src/signing/']) assert.ok(pureDirs.includes(p), `${p} is pure`);
});

test('pure layers read no clock and no process globals', () => {
  const violations: string[] = [];
  for (const dir of pureDirs) {
    for (const file of dir.endsWith('/') ? sources(dir) : [dir]) {
      const text = readFileSync(join(root, file), 'utf8').replace(/\/\/.*$/gm, '');
      if (/\bDate\.now\(|new Date\(\s*\)/.test(text)) violations.push(`${file} reads the clock`);
      if (/\bprocess\.(env|exit|cwd|argv|stdout|stderr|stdin)\b/.test(text)) violations.push(`${file} touches process`);
    }
  }
  assert.deepEqual(violations, []);
});

test('process.exit appears only in the process entries (the CLI, the language server)', () => {
  const entries = ['client/src/cli/main.ts', 'server/src/lsp/main.ts'];
  const offenders = [...sources('server/src'), ...sources('client/src')].filter(
    (f) => !entries.includes(f) && /\bprocess\.exit\(/.test(readFileSync(join(root, f), 'utf8')),
  );
  assert.deepEqual(offenders, []);
});

// ---- the check catches what it must: a small clean graph, then one mutation at a time ----------

/** A clean miniature of the repository's layers, with the real DEVELOPERS.md table. */
const clean: Record<string, string> = {
  'server/src/language/index.ts': `import { parse } from 'yaml';\nimport schema from '../../../schemas/runbook.schema.json';\nexport const parseRunbook = (t: string) => [parse(t), schema];\n`,
  'server/src/rules/engine.ts': `import { parseRunbook } from '../language/index';\nexport const runRules = (t: string) => parseRunbook(t);\n`,
  'server/src/lint.ts': `import { runRules } from './rules/engine';\nexport const lintRunbook = (t: string) => runRules(t);\n`,
  'server/src/shell-wasm.ts': `import { readFileSync } from 'node:fs';\nimport './rules/engine';\nexport const initShellFromDisk = () => readFileSync('x');\n`,
  'server/src/service/diagnostics.ts': `import { lintRunbook } from '../lint';\nexport const diagnostics = (t: string) => lintRunbook(t);\n`,
  'server/src/lsp/main.ts': `import { createConnection } from 'vscode-languageserver/node';\nimport { initShellFromDisk } from '../shell-wasm';\nimport { diagnostics } from '../service/diagnostics';\nexport const go = () => [createConnection, initShellFromDisk, diagnostics];\n`,
  'client/src/signing/keys.ts': `import { ed25519 } from '@noble/ed25519';\nexport const keyId = () => ed25519;\n`,
  'client/src/node/key-file.ts': `import { readFileSync } from 'node:fs';\nimport { keyId } from '../signing/keys';\nexport const readKeyFile = (p: string) => [readFileSync(p), keyId];\n`,
  'client/src/extension/main.ts': `import * as vscode from 'vscode';\nimport { readKeyFile } from '../node/key-file';\nexport const activate = () => [vscode, readKeyFile];\n`,
  'schemas/runbook.schema.json': '{}\n',
};

function miniRepo(mutate: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'runsafe-architecture-'));
  for (const [file, text] of Object.entries({ ...clean, ...mutate })) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  cpSync(join(root, 'DEVELOPERS.md'), join(dir, 'DEVELOPERS.md'));
  return dir;
}

const both = (dir: string) => {
  const graph = buildGraph(dir);
  const r = { graph: checkGraph(layers, graph), bundle: checkPureBundles(dir, layers, graph) };
  rmSync(dir, { recursive: true, force: true });
  return r;
};
const append = (file: string, line: string) => ({ [file]: `${clean[file]}${line}\n` });

test('the miniature graph is clean, so each failure below comes from its mutation', () => {
  assert.deepEqual(both(miniRepo()), { graph: [], bundle: [] });
});

const mutations: { name: string; files: Record<string, string>; graph: RegExp; bundle?: RegExp }[] = [
  { name: 'language/ imports rules/', files: append('server/src/language/index.ts', `import '../rules/engine';`), graph: /^server\/src\/language\/ reaches server\/src\/rules\/engine\.ts/ },
  { name: 'language/ imports service/', files: append('server/src/language/index.ts', `export { diagnostics } from '../service/diagnostics';`), graph: /^server\/src\/language\/ reaches server\/src\/service\/diagnostics\.ts/ },
  { name: 'client/src/node imports vscode', files: append('client/src/node/key-file.ts', `import type { Uri } from 'vscode';`), graph: /^client\/src\/node\/ reaches vscode/ },
  {
    name: 'signing/ reaches fs through ../node/key-file',
    files: append('client/src/signing/keys.ts', `export const load = () => require('../node/key-file');`),
    graph: /^client\/src\/signing\/ reaches node:fs \(client\/src\/signing\/keys\.ts -> client\/src\/node\/key-file\.ts -> node:fs\)/,
    bundle: /bundle of client\/src\/signing\/ .* needs 'node:fs'/,
  },
  { name: 'server/src/lint.ts imports vscode-languageserver', files: append('server/src/lint.ts', `import { TextDocuments } from 'vscode-languageserver';\nexport const docs = TextDocuments;`), graph: /^server\/src\/lint\.ts reaches vscode-languageserver/ },
  {
    name: 'service/ reaches node:fs through lint.ts -> shell-wasm.ts',
    files: append('server/src/lint.ts', `export { initShellFromDisk } from './shell-wasm';`),
    graph: /^server\/src\/service\/ reaches node:fs \(server\/src\/service\/diagnostics\.ts -> server\/src\/lint\.ts -> server\/src\/shell-wasm\.ts -> node:fs\)/,
    bundle: /bundle of server\/src\/service\/ .* needs 'node:fs'/,
  },
  { name: 'a pure layer imports a bare Node built-in by dynamic import', files: append('server/src/rules/engine.ts', `export const os = () => import('os');`), graph: /^server\/src\/rules\/ reaches node:os/, bundle: /needs 'os'/ },
  { name: 'a root file of server/src outside the table', files: { 'server/src/stray.ts': `export const x = 1;\n` }, graph: /^server\/src\/stray\.ts belongs to no row/ },
  { name: 'an import that resolves to no file', files: append('server/src/rules/engine.ts', `import './missing';`), graph: /imports '\.\/missing', which does not resolve/ },
];

for (const m of mutations) {
  test(`the check fails when ${m.name}`, () => {
    const r = both(miniRepo(m.files));
    assert.ok(r.graph.some((p) => m.graph.test(p)), r.graph.join('\n') || '(no graph violation)');
    if (m.bundle) assert.ok(r.bundle.some((p) => m.bundle!.test(p)), r.bundle.join('\n') || '(no bundle violation)');
  });
}

test('the graph sees every import form', () => {
  const dir = miniRepo({
    'server/src/lsp/forms.ts': `import fs from 'node:fs';\nimport { a } from "../lint";\nexport * from '../service/diagnostics';\nconst p = require('child_process');\nawait import('vscode');\nimport type { T } from 'vscode-languageserver';\nimport '../shell-wasm';\n`,
  });
  const seen = importsOf(dir, 'server/src/lsp/forms.ts').map((i) => (i.target && 'file' in i.target ? i.target.file : i.target?.external));
  rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(seen.sort(), ['node:child_process', 'node:fs', 'server/src/lint.ts', 'server/src/service/diagnostics.ts', 'server/src/shell-wasm.ts', 'vscode', 'vscode-languageserver'].sort());
});
