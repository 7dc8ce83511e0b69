// Measures `runsafe import` and Markdown lint on real documents and prints docs/import.md's tables.
// Usage: node scripts/import-report.mjs [folder-of-public-runbooks-with-sources.json]
// The reference documents (test/fixtures/reference) are compared with their hand conversions in
// runbooks/; public documents (fetched by the maintainer, listed in the folder's sources.json with
// repository, path and commit) are measured for validity, fences kept, inputs, checks and findings.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'client/out/cli.js');
const run = (args, cwd) => spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

function walkSteps(items, out = []) {
  for (const it of items ?? []) {
    if (it && Array.isArray(it.steps)) walkSteps(it.steps, out);
    else if (it) out.push(it);
  }
  return out;
}

function measure(file) {
  const dir = mkdtempSync(join(tmpdir(), 'runsafe-import-report-'));
  const name = file.split('/').pop();
  writeFileSync(join(dir, name), readFileSync(file));
  const imp = run(['import', name, '-o', 'draft.runbook.yaml'], dir);
  if (imp.status !== 0) return { name, error: imp.stderr.trim() };
  const draftText = readFileSync(join(dir, 'draft.runbook.yaml'), 'utf8');
  const draft = parse(draftText);
  const steps = walkSteps(draft.steps);
  const lintDraft = JSON.parse(run(['lint', '--format', 'json', 'draft.runbook.yaml'], dir).stdout).files[0].problems;
  const md = name.endsWith('.md') ? JSON.parse(run(['lint', '--format', 'json', name], dir).stdout).files[0].problems : null;
  const commands = steps.filter((s) => typeof s.run === 'string' || typeof s.sql === 'string').length;
  return {
    name,
    valid: !lintDraft.some((p) => /^(schema|yaml)-/.test(p.code)),
    sections: (draftText.match(/^\s*- section:/gm) ?? []).length,
    steps: steps.length,
    commands,
    inputs: Object.keys(draft.inputs ?? {}),
    checks: steps.filter((s) => s.expect).length,
    draftFindings: lintDraft.filter((p) => !/^(schema|yaml)-/.test(p.code)).length,
    mdFindings: md ? md.length : null,
  };
}

function handConverted(doc) {
  const base = doc.replace(/\.(md|txt)$/, '').replace(/-runbook$/, '');
  const candidates = readdirSync(join(root, 'runbooks')).filter((f) => f.endsWith('.runbook.yaml'));
  const hit = candidates.find((f) => f.startsWith(base)) ?? candidates.find((f) => base.startsWith(f.replace('.runbook.yaml', '')));
  if (!hit) return null;
  const rb = parse(readFileSync(join(root, 'runbooks', hit), 'utf8'));
  const steps = walkSteps(rb.steps);
  return { file: hit, steps: steps.length, commands: steps.filter((s) => s.run || s.sql).length, inputs: Object.keys(rb.inputs ?? {}), checks: steps.filter((s) => s.expect).length };
}

const out = [];
out.push('| reference document | draft valid | sections | steps (commands) | inputs | checks | findings on draft | hand conversion: steps (commands) / inputs / checks | inputs in both |', '|---|---|---|---|---|---|---|---|---|');
for (const f of readdirSync(join(root, 'test/fixtures/reference')).filter((x) => x !== 'README.md').sort()) {
  const m = measure(join(root, 'test/fixtures/reference', f));
  const h = handConverted(f);
  const shared = h ? m.inputs.filter((i) => h.inputs.includes(i)).length : 0;
  out.push(`| ${f} | ${m.valid ? 'yes' : 'NO'} | ${m.sections} | ${m.steps} (${m.commands}) | ${m.inputs.length} | ${m.checks} | ${m.draftFindings}${m.mdFindings !== null ? ` (Markdown: ${m.mdFindings})` : ''} | ${h ? `${h.file}: ${h.steps} (${h.commands}) / ${h.inputs.length} / ${h.checks}` : '-'} | ${h ? `${shared} of ${h.inputs.length}` : '-'} |`);
}
const folder = process.argv[2];
if (folder && existsSync(join(folder, 'sources.json'))) {
  const sources = JSON.parse(readFileSync(join(folder, 'sources.json'), 'utf8'));
  out.push('', '| public document (repository, path, commit) | draft valid | sections | steps (commands) | inputs | checks | lint findings: Markdown / draft |', '|---|---|---|---|---|---|---|');
  for (const [name, s] of Object.entries(sources).sort()) {
    const m = measure(join(folder, name));
    out.push(`| ${s.repository} \`${s.path}\` @${s.commit.slice(0, 7)}${s.excerpt ? ' (excerpt)' : ''} | ${m.valid ? 'yes' : 'NO'} | ${m.sections} | ${m.steps} (${m.commands}) | ${m.inputs.join(', ') || '-'} | ${m.checks} | ${m.mdFindings} / ${m.draftFindings} |`);
  }
}
console.log(out.join('\n'));
