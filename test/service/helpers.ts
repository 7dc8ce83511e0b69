// Test helpers for the language service: caret fixtures, golden outputs, applying edits.
import assert from 'node:assert/strict';
import { before } from 'node:test';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineIndex } from '../../server/src/language/index';
import { analyze, type RunbookDocument, type ServiceSettings, type TextEdit } from '../../server/src/service/index';
import { defaultSettings } from '../../server/src/service/settings';
import { initShellFromDisk } from '../../server/src/shell-wasm';

// The safety rules parse shell with tree-sitter; load it once per test file, as the server does.
before(() => initShellFromDisk());

export const fixtures = join(__dirname, 'fixtures');
export const uri = 'file:///work/test.runbook.yaml';

export function fixture(name: string): string {
  return readFileSync(join(fixtures, name), 'utf8');
}

/**
 * A caret fixture: `|` marks the cursor. A YAML block indicator in such a fixture is written
 * `\|` so it is not taken for the cursor.
 */
export function caret(src: string): { text: string; offset: number } {
  const marks = [...src.matchAll(/(?<!\\)\|/g)];
  assert.equal(marks.length, 1, 'a caret fixture has exactly one unescaped |');
  const offset = marks[0]!.index;
  const text = (src.slice(0, offset) + src.slice(offset + 1)).replace(/\\\|/g, '|');
  // Escapes before the caret shift it left by one each.
  const escapesBefore = (src.slice(0, offset).match(/\\\|/g) ?? []).length;
  return { text, offset: offset - escapesBefore };
}

export function docAt(src: string, settings: ServiceSettings = defaultSettings): { doc: RunbookDocument; offset: number } {
  const { text, offset } = caret(src);
  return { doc: analyze(uri, text, settings), offset };
}

/** Compares with test/service/fixtures/golden/<name>.json; UPDATE_GOLDEN=1 rewrites it. */
export function golden(name: string, actual: unknown): void {
  const file = join(fixtures, 'golden', `${name}.json`);
  const json = `${JSON.stringify(actual, null, 2)}\n`;
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, json);
  assert.ok(existsSync(file), `golden file ${name}.json is missing; run with UPDATE_GOLDEN=1 and review it`);
  assert.equal(json, readFileSync(file, 'utf8'), `output differs from golden ${name}.json`);
}

/** The format's own findings (parse and schema), leaving out the safety rules' findings on a real runbook. */
export function formatOnly<D extends { code: string }>(diagnostics: D[]): D[] {
  return diagnostics.filter((d) => /^(schema|yaml)-/.test(d.code));
}

/** Applies LSP text edits (non-overlapping) to a text. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = new LineIndex(text);
  const spans = edits.map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), newText: e.newText })).sort((a, b) => b.start - a.start);
  let out = text;
  for (const s of spans) out = out.slice(0, s.start) + s.newText + out.slice(s.end);
  return out;
}
