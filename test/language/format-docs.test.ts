// docs/format.md is generated from the schema; this fails when someone forgets to regenerate it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

test('docs/format.md matches schemas/runbook.schema.json', () => {
  const r = spawnSync(process.execPath, [join(__dirname, '../../scripts/format-docs.mjs'), '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('every schema property has a description (hover text comes from it)', async () => {
  const { runbookSchema } = await import('../../server/src/language/index');
  const missing: string[] = [];
  const walk = (s: unknown, path: string) => {
    if (!s || typeof s !== 'object') return;
    const o = s as Record<string, unknown>;
    if (o.properties && typeof o.properties === 'object') {
      for (const [k, v] of Object.entries(o.properties as Record<string, Record<string, unknown>>)) {
        if (!v.description && !v.$ref) missing.push(`${path}.${k}`);
        walk(v, `${path}.${k}`);
      }
    }
    for (const key of ['items', 'additionalProperties', 'then', 'else']) walk(o[key], `${path}/${key}`);
    for (const key of ['oneOf', 'anyOf']) if (Array.isArray(o[key])) (o[key] as unknown[]).forEach((b, i) => walk(b, `${path}/${key}/${i}`));
    if (o.$defs) for (const [k, v] of Object.entries(o.$defs as object)) walk(v, `#/$defs/${k}`);
  };
  walk(runbookSchema, '#');
  assert.deepEqual(missing, []);
});
