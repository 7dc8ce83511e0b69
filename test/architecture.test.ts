// Enforces the one-way import rules of DESIGN.md §2 so they do not live in memory only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const root = resolve(__dirname, '..');

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

/** Every module specifier a file imports, requires or re-exports. */
export function importsOf(text: string): string[] {
  const specs: string[] = [];
  const re = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|\brequire\(\s*['"]([^'"]+)['"]\s*\)|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (const m of text.matchAll(re)) specs.push((m[1] ?? m[2] ?? m[3])!);
  return specs;
}

function resolvedTarget(file: string, spec: string): string {
  return spec.startsWith('.') ? relative(root, resolve(root, dirname(file), spec)) : spec;
}

interface Rule {
  dirs: string[];
  forbidden: (target: string) => boolean;
  why: string;
}

const nodeBuiltins = /^(node:)?(fs|fs\/promises|process|child_process|os|net|http|https|worker_threads|cluster|readline|tty)$/;

const rules: Rule[] = [
  { dirs: ['server/src'], forbidden: (t) => t.startsWith('client/') || t === 'client', why: 'server never imports client' },
  {
    dirs: ['server/src/language', 'server/src/rules', 'server/src/service', 'client/src/signing'],
    forbidden: (t) => nodeBuiltins.test(t) || t === 'vscode' || t.startsWith('vscode-languageserver') || t.startsWith('execa'),
    why: 'pure layers get files, processes, time and editors as arguments',
  },
  { dirs: ['server/src/language', 'server/src/rules', 'server/src/service'], forbidden: (t) => t.startsWith('server/src/lsp'), why: 'pure layers never import the LSP adapter' },
  { dirs: ['server/src', 'client/src/signing', 'client/src/runner', 'client/src/cli'], forbidden: (t) => t === 'vscode', why: 'only client/src/extension imports vscode' },
  {
    dirs: ['server/src/language', 'server/src/rules', 'client/src'],
    forbidden: (t) => t.startsWith('vscode-languageserver') && t !== 'vscode-languageserver-protocol',
    why: 'only server/src/lsp imports vscode-languageserver',
  },
  { dirs: ['client/src/signing', 'client/src/runner'], forbidden: (t) => t.startsWith('client/src/cli') || t.startsWith('client/src/extension'), why: 'cores never import their adapters' },
];

test('imports flow one way (DESIGN.md §2)', () => {
  const violations: string[] = [];
  for (const rule of rules) {
    for (const dir of rule.dirs) {
      for (const file of sources(dir)) {
        for (const spec of importsOf(readFileSync(join(root, file), 'utf8'))) {
          const target = resolvedTarget(file, spec);
          if (rule.forbidden(target)) violations.push(`${file} imports '${spec}': ${rule.why}`);
        }
      }
    }
  }
  assert.deepEqual(violations, []);
});

test('pure layers read no clock and no process globals', () => {
  const violations: string[] = [];
  for (const dir of ['server/src/language', 'server/src/rules', 'server/src/service', 'client/src/signing']) {
    for (const file of sources(dir)) {
      const text = readFileSync(join(root, file), 'utf8').replace(/\/\/.*$/gm, '');
      if (/\bDate\.now\(|new Date\(\s*\)/.test(text)) violations.push(`${file} reads the clock`);
      if (/\bprocess\.(env|exit|cwd|argv|stdout|stderr|stdin)\b/.test(text)) violations.push(`${file} touches process`);
    }
  }
  assert.deepEqual(violations, []);
});

test('process.exit appears only in the CLI entry', () => {
  const offenders = [...sources('server/src'), ...sources('client/src')].filter(
    (f) => f !== 'client/src/cli/main.ts' && /\bprocess\.exit\(/.test(readFileSync(join(root, f), 'utf8')),
  );
  assert.deepEqual(offenders, []);
});

test('the import scanner sees every import form (so the rules above can fail)', () => {
  const text = `import fs from 'node:fs';\nimport { a } from "../x";\nexport * from './y';\nconst p = require('child_process');\nawait import('vscode');\nimport type { T } from 'vscode-languageserver';\nimport './side-effect';`;
  assert.deepEqual(importsOf(text), ['node:fs', '../x', './y', 'child_process', 'vscode', 'vscode-languageserver', './side-effect']);
  assert.ok(nodeBuiltins.test('node:fs') && nodeBuiltins.test('fs') && !nodeBuiltins.test('node:crypto'));
});
