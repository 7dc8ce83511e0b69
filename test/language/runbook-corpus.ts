// The shipped runbooks and the test fixtures, as files and texts: the corpus the property tests edit.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

function runbooksUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return runbooksUnder(p);
    return f.endsWith('.runbook.yaml') ? [p] : [];
  });
}

/** Every `*.runbook.yaml` under runbooks/ and test/fixtures/, sorted. */
export const corpusFiles = [...runbooksUnder(join(root, 'runbooks')), ...runbooksUnder(join(root, 'test', 'fixtures'))].sort();

/** Each corpus file's text. */
export const corpusTexts = new Map(corpusFiles.map((f) => [f, readFileSync(f, 'utf8')]));
