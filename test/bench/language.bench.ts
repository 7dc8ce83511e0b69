// Parse + schema validation time per runbook, beside a bare `yaml` parse of the same text.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as yamlParse } from 'yaml';
import { parseRunbook } from '../../server/src/language/index';
import { generateRunbook } from './generate';
import { median } from './timing';

function figure(text: string, runs: number) {
  const yamlMs = median(() => yamlParse(text), runs);
  const parseMs = median(() => parseRunbook(text), runs);
  return { lines: text.split('\n').length, yaml_parse_ms: +yamlMs.toFixed(3), parse_validate_ms: +parseMs.toFixed(3), ratio: +(parseMs / yamlMs).toFixed(2) };
}

function shipped(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...shipped(p));
    else if (/\.runbook\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out;
}

export async function bench(): Promise<Record<string, unknown>> {
  const root = join(__dirname, '../..');
  const runbooks: Record<string, unknown> = {};
  for (const f of shipped(join(root, 'runbooks'))) runbooks[f.slice(root.length + 1)] = figure(readFileSync(f, 'utf8'), 30);
  return {
    what: 'parse + schema validation (ms, median) vs bare yaml.parse of the same text',
    shipped_runbooks: runbooks,
    generated_2000_lines: figure(generateRunbook(2000), 30),
  };
}
