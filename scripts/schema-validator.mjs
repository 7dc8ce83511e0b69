// Generates the runbook schema validator as ajv standalone code, for the bundles (scripts/build.mjs):
// the same schema and options server/src/language/schema-validator.ts compiles at run time from sources.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

/** The source file the bundles replace with generated code. */
export const validatorModule = join(root, 'server/src/language/schema-validator.ts');

/** ES module source exporting `runbookValidator()`, as schema-validator.ts does. */
export function standaloneValidatorSource() {
  const Ajv2020 = require('ajv/dist/2020').default;
  const addFormats = require('ajv-formats').default;
  const standaloneCode = require('ajv/dist/standalone').default;
  const schema = JSON.parse(readFileSync(join(root, 'schemas/runbook.schema.json'), 'utf8'));
  const options = JSON.parse(readFileSync(join(root, 'server/src/language/ajv-options.json'), 'utf8'));
  const ajv = new Ajv2020({ ...options, code: { source: true, esm: true } });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return `// Generated at build time by scripts/schema-validator.mjs from schemas/runbook.schema.json.\n${standaloneCode(ajv, validate)}\nexport function runbookValidator() { return validate; }\n`;
}
