// The validator the bundles use (ajv standalone code generated at build time) reports exactly what
// the validator compiled at run time from sources does, error for error, over every runbook in the
// repository and random mutations of them (keys dropped, renamed, values of the wrong type).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import fc from 'fast-check';
import { parse } from 'yaml';
import { runbookValidator } from '../../server/src/language/schema-validator';

const root = join(__dirname, '..', '..');

type Validate = ((data: unknown) => boolean) & { errors?: unknown[] | null };

async function standalone(): Promise<Validate> {
  const { standaloneValidatorSource } = (await import(join(root, 'scripts', 'schema-validator.mjs'))) as { standaloneValidatorSource: () => string };
  const { code } = transformSync(standaloneValidatorSource(), { format: 'cjs', loader: 'js' });
  const mod = { exports: {} as { runbookValidator?: () => Validate } };
  new Function('module', 'exports', 'require', code)(mod, mod.exports, createRequire(join(root, 'package.json')));
  return mod.exports.runbookValidator!();
}

function runbooks(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) runbooks(p, out);
    else if (/\.runbook\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

const documents = [...runbooks(join(root, 'runbooks')), ...runbooks(join(root, 'test', 'fixtures'))].flatMap((f) => {
  try {
    return [parse(readFileSync(f, 'utf8')) as unknown];
  } catch {
    return [];
  }
});

/** What a validator says about a document: its verdict and its errors, as plain data. */
function verdict(v: Validate, data: unknown): unknown {
  const ok = v(structuredClone(data));
  return JSON.parse(JSON.stringify({ ok, errors: v.errors ?? null }));
}

/** Applies one mutation at a pseudo-random place in the document. */
function mutate(data: unknown, pick: number, kind: number): unknown {
  const copy = structuredClone(data);
  const containers: Record<string, unknown>[] = [];
  const walk = (v: unknown): void => {
    if (v && typeof v === 'object') {
      containers.push(v as Record<string, unknown>);
      Object.values(v).forEach(walk);
    }
  };
  walk(copy);
  const target = containers[pick % containers.length];
  if (!target || Array.isArray(target)) return copy;
  const keys = Object.keys(target);
  const key = keys[pick % Math.max(1, keys.length)];
  if (key === undefined) return copy;
  const junk = [42, 'x', true, null, [], {}, [1, 'a'], { nope: 1 }];
  if (kind === 0) delete target[key];
  else if (kind === 1) {
    target[`${key}x`] = target[key];
    delete target[key];
  } else target[key] = junk[(pick + kind) % junk.length];
  return copy;
}

test('the standalone validator agrees with the run-time compiled one on every runbook in the repository', async () => {
  const built = await standalone();
  const compiled = runbookValidator() as unknown as Validate;
  assert.ok(documents.length > 20, `only ${documents.length} runbooks found`);
  for (const d of documents) assert.deepEqual(verdict(built, d), verdict(compiled, d));
});

test('the standalone validator agrees with the run-time compiled one on mutated runbooks', async () => {
  const built = await standalone();
  const compiled = runbookValidator() as unknown as Validate;
  fc.assert(
    fc.property(fc.nat(documents.length - 1), fc.array(fc.tuple(fc.nat(), fc.nat(9)), { minLength: 1, maxLength: 4 }), (doc, edits) => {
      const data = edits.reduce((d, [pick, kind]) => mutate(d, pick, kind), documents[doc]);
      assert.deepEqual(verdict(built, data), verdict(compiled, data));
    }),
    { numRuns: 300 },
  );
});
