// `runsafe import` on the five reference documents (Markdown and plain text) through the bundled
// CLI: each draft parses with no schema error, every fenced command is a step, and no line of
// the source is lost (every non-blank line is found in the draft's strings).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { extractFences } from '../../server/src/markdown/fences';

const root = resolve(__dirname, '../..');
const cli = join(root, 'client/out/cli.js');
const docs = readdirSync(join(root, 'test/fixtures/reference')).filter((f) => f !== 'README.md');

function runsafe(cwd: string, args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every string in a parsed YAML value, joined: what the draft says, wherever it says it. */
function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => strings(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => strings(x, out));
  return out;
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

for (const name of docs) {
  test(`import ${name}: parses, keeps every line, every fenced command is a step`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'runsafe-import-'));
    const source = readFileSync(join(root, 'test/fixtures/reference', name), 'utf8');
    writeFileSync(join(dir, name), source);
    const w = runsafe(dir, ['import', name, '-o', 'draft.runbook.yaml']);
    assert.equal(w.code, 0, w.stderr);
    assert.match(w.stderr, /wrote draft\.runbook\.yaml: \d+ sections, \d+ steps/);
    const lint = JSON.parse(runsafe(dir, ['lint', '--format', 'json', 'draft.runbook.yaml']).stdout);
    const structural = lint.files[0].problems.filter((p: { code: string }) => /^(schema|yaml)-/.test(p.code));
    assert.deepEqual(structural, [], 'the draft is a valid runbook');
    const draftText = readFileSync(join(dir, 'draft.runbook.yaml'), 'utf8');
    const all = squash(strings(parseYaml(draftText)).join('\n'));
    // Markdown markup is not text: a heading is kept as its title without the `#` marks, and a
    // fence's delimiter lines become the step's kind (run or sql).
    for (const line of source.split('\n').map((l) => squash(name.endsWith('.md') ? l.replace(/^#{1,6}\s+/, '') : l)).filter((l) => l && !(name.endsWith('.md') && /^(```|~~~)/.test(l)))) assert.ok(all.includes(line), `line kept: ${JSON.stringify(line)}`);
    if (name.endsWith('.md')) {
      const draft = parseYaml(draftText);
      const scripts: string[] = [];
      const walk = (items: { steps?: unknown[]; run?: string; sql?: string; manual?: string; notes?: string }[]) => {
        for (const it of items ?? []) {
          if (it.steps) walk(it.steps as typeof items);
          for (const k of ['run', 'sql', 'manual', 'notes'] as const) if (typeof it[k] === 'string') scripts.push(it[k]!);
        }
      };
      walk(draft.steps);
      for (const f of extractFences(source).filter((x) => x.kind !== 'other')) {
        const text = squash(f.lines.map((l) => l.text).join('\n'));
        if (text) assert.ok(scripts.some((s) => squash(s).includes(text)), `fence at line ${f.openLine + 1} is a step`);
      }
    }
  });
}

test('import refuses to overwrite and names unreadable documents', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runsafe-import-'));
  writeFileSync(join(dir, 'a.md'), '# A\n\n```bash\necho hi\n```\n');
  writeFileSync(join(dir, 'taken.yaml'), 'x');
  const taken = runsafe(dir, ['import', 'a.md', '-o', 'taken.yaml']);
  assert.equal(taken.code, 2);
  assert.match(taken.stderr, /taken\.yaml already exists; pass --force/);
  const missing = runsafe(dir, ['import', 'nope.md']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read nope\.md: no such file/);
  const out = runsafe(dir, ['import', 'a.md']);
  assert.equal(out.code, 0);
  assert.match(out.stdout, /run: \|2-\n {6}echo hi\n/);
});
