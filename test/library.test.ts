// The runbook library: the shipped runbooks lint clean through the real CLI, and docs/runbooks.md maps every step.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const root = resolve(__dirname, '..');
const cli = join(root, 'client/out/cli.js');

/** The five reference documents and the runbook each became, with its heading in docs/runbooks.md. */
const library = [
  { file: 'trace-signing-key-rotation.runbook.yaml', doc: 'trace-signing-key-rotation.txt' },
  { file: 'strict-signature-quarantine-drill.runbook.yaml', doc: 'strict-signature-quarantine-drill.txt' },
  { file: 'secret-rotation-90-day.runbook.yaml', doc: 'secret-rotation-90-day.md' },
  { file: 'operator.runbook.yaml', doc: 'operator-runbook.md' },
  { file: 'encryption-key-rotation.runbook.yaml', doc: 'encryption-key-rotation.txt' },
];

function runsafe(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every id a runbook declares: steps, sections, preconditions and rollbacks, at any depth. */
function declaredIds(doc: { steps?: unknown[]; preconditions?: unknown[]; rollback?: unknown[] }): string[] {
  const ids: string[] = [];
  const walk = (items: unknown[] | undefined) => {
    for (const item of items ?? []) {
      const o = item as { id?: string; steps?: unknown[] };
      if (o.id) ids.push(o.id);
      if (Array.isArray(o.steps)) walk(o.steps);
    }
  };
  walk(doc.steps);
  walk(doc.preconditions);
  walk(doc.rollback);
  return ids;
}

before(() => {
  if (spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' }).status !== 0) throw new Error('build failed');
});

test('runsafe lint finds nothing, at any severity, in any shipped runbook', () => {
  const r = runsafe(['lint', '--format', 'json', 'runbooks']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const report = JSON.parse(r.stdout) as { files: { path: string; problems: { code: string; severity: string; message: string }[] }[]; unreadable: unknown[] };
  assert.deepEqual(report.unreadable, []);
  const paths = report.files.map((f) => f.path);
  for (const { file } of library) assert.ok(paths.includes(`runbooks/${file}`), `runbooks/${file} was not linted`);
  const findings = report.files.flatMap((f) => f.problems.map((p) => `${f.path}: ${p.severity} ${p.code} ${p.message}`));
  assert.deepEqual(findings, []);
});

test('each library runbook is named for its id', () => {
  for (const { file } of library) {
    const doc = parse(readFileSync(join(root, 'runbooks', file), 'utf8')) as { id: string };
    assert.equal(`${doc.id}.runbook.yaml`, file);
  }
});

test('docs/runbooks.md maps every step of every library runbook, and names no step that does not exist', () => {
  const md = readFileSync(join(root, 'docs/runbooks.md'), 'utf8');
  for (const { file, doc } of library) {
    const start = md.indexOf(`## ${doc} → \`${file}\``);
    assert.ok(start >= 0, `docs/runbooks.md has no section for ${doc}`);
    const end = md.indexOf('\n## ', start + 1);
    const section = md.slice(start, end < 0 ? undefined : end);
    const ids = declaredIds(parse(readFileSync(join(root, 'runbooks', file), 'utf8')));
    const mentioned = new Set([...section.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
    const missing = ids.filter((id) => !mentioned.has(id));
    assert.deepEqual(missing, [], `${doc}: steps with no place in the map`);
    // A backticked kebab-case token in the map is a step id; one that no longer exists is a stale map.
    const stale = [...mentioned].filter((t) => /^[a-z0-9]+(-[a-z0-9]+)+$/.test(t) && !ids.includes(t));
    assert.deepEqual(stale, [], `${doc}: the map names steps the runbook does not have`);
  }
});
