// Every rule's docs page is tested data: one template, and each Bad example is flagged by its rule,
// each Good example is not, each suppression example suppresses. Pages and rules come from the
// registry and docs/rules/, never from a list kept here.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import Ajv2020 from 'ajv/dist/2020';
import { lintRunbook } from '../../server/src/lint';
import { initShellFromDisk } from '../../server/src/shell-wasm';
import { engineCodes, rules } from '../../server/src/rules/registry';
import configSchema from '../../schemas/runsafe-config.schema.json';

before(() => initShellFromDisk());

const docs = resolve(__dirname, '../../docs/rules');
/** The template, in order (docs/rules/README.md). Other `##` sections may sit between them. */
const sections = ['What it catches', 'Why it matters', 'Bad', 'Good', 'Fix', 'How to suppress'];
const codes = [...rules.map((r) => r.name), ...Object.keys(engineCodes)].sort();
const pageOf = (code: string) => readFileSync(join(docs, `${code}.md`), 'utf8');

/** The body under `## heading`, up to the next `## `. */
function section(page: string, heading: string): string | undefined {
  const start = page.indexOf(`\n## ${heading}\n`);
  if (start < 0) return undefined;
  const end = page.indexOf('\n## ', start + 4);
  return page.slice(start, end < 0 ? undefined : end);
}

const yamlBlocks = (body: string | undefined) => [...(body ?? '').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

/**
 * An example as a runbook: a whole runbook as written, the body after the header (`steps:`,
 * `inputs:` ...), or a list of steps.
 */
function asRunbook(block: string): string {
  const head = 'runsafe: 1\nid: example\ntitle: Example\n';
  if (/^runsafe:/m.test(block)) return block;
  if (/^\s*- /.test(block.replace(/^\s*#.*\n/gm, ''))) return `${head}steps:\n${block.replace(/^(?=.)/gm, '  ')}`;
  return `${head}${block}`;
}

function findings(block: string, code: string) {
  const text = asRunbook(block);
  const { problems } = lintRunbook(text);
  // An example that is not a valid runbook would prove nothing about its rule.
  const broken = problems.filter((p) => p.severity === 'error' && (p.code.startsWith('yaml-') || p.code.startsWith('schema-')));
  assert.deepEqual(broken.map((p) => `${p.code}: ${p.message}`), [], `not a valid runbook:\n${text}`);
  return { all: problems, mine: problems.filter((p) => p.code === code) };
}

test('every rule and engine code has a page, and every page is a rule', () => {
  const pages = readdirSync(docs).filter((f) => f.endsWith('.md') && f !== 'README.md').map((f) => f.slice(0, -3)).sort();
  assert.deepEqual(pages, codes);
});

for (const code of codes) {
  test(`${code}.md follows the template; its examples are linted`, () => {
    const page = pageOf(code);
    assert.ok(page.startsWith(`# ${code}\n`), 'opens with the rule name as its title');
    const rule = rules.find((r) => r.name === code);
    const severity = /\*\*Default severity:\*\* (error|warning|info)\b/.exec(page)?.[1];
    assert.equal(severity, rule?.severity ?? 'warning', 'states the default severity the engine uses');
    let at = 0;
    for (const h of sections) {
      const i = page.indexOf(`\n## ${h}\n`);
      assert.ok(i > at, `has "## ${h}" after the sections before it`);
      at = i;
    }
    const bad = yamlBlocks(section(page, 'Bad'));
    const good = yamlBlocks(section(page, 'Good'));
    assert.ok(bad.length > 0 && good.length > 0, 'has yaml examples under Bad and Good');
    for (const b of bad) assert.ok(findings(b, code).mine.length > 0, `this Bad example is not flagged by ${code}:\n${b}`);
    for (const g of good) assert.deepEqual(findings(g, code).mine.map((p) => p.message), [], `this Good example is flagged by ${code}:\n${g}`);

    const suppress = yamlBlocks(section(page, 'How to suppress'));
    assert.ok(suppress.length > 0, 'shows how to suppress in a yaml example');
    for (const s of suppress) {
      if (code in engineCodes) {
        // The engine's own codes are turned off in .runsafe.yaml (a comment cannot excuse a comment).
        const config = parseYaml(s) as { severity?: Record<string, string> };
        assert.ok(new Ajv2020({ strict: false }).validate(configSchema, config), 'a valid .runsafe.yaml');
        assert.equal(config.severity?.[code], 'off');
        continue;
      }
      assert.match(s, new RegExp(`# runsafe-ignore ${code}: \\S`), 'a suppression names the rule and gives a reason');
      const r = findings(s, code);
      assert.deepEqual(r.mine.map((p) => p.message), [], `the suppression example still reports ${code}`);
      const unused = r.all.filter((p) => p.code === 'unused-suppression' || p.code === 'invalid-suppression');
      assert.deepEqual(unused.map((p) => p.message), [], 'the suppression excuses a real finding');
    }
  });
}
