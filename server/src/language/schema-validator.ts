// The runbook schema's ajv validator. From sources (tests, tsx) it is compiled here at first use;
// the bundles replace this module with the same validator generated at build time (ajv standalone
// code, scripts/schema-validator.mjs), so a CLI start compiles no schema.
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import runbookSchema from '../../../schemas/runbook.schema.json';
import ajvOptions from './ajv-options.json';

let compiled: ValidateFunction | undefined;

/** The compiled validator; ajv compiles the schema on first use only. */
export function runbookValidator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv2020(ajvOptions);
    addFormats(ajv);
    compiled = ajv.compile(runbookSchema);
  }
  return compiled;
}
