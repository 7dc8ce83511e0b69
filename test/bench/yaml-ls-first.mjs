// The peer's first validation in a fresh process (lsp.bench.ts's "first open" baseline): after its
// modules are loaded, a new yaml-language-server language service validates one document with the
// runbook schema. Prints {"ms": …, "diagnostics": …}. Usage: node yaml-ls-first.mjs <runbook file>
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getLanguageService } from 'yaml-language-server';
import { TextDocument } from 'vscode-languageserver-textdocument';

const schemaPath = resolve(import.meta.dirname, '..', '..', 'schemas', 'runbook.schema.json');
const text = readFileSync(process.argv[2], 'utf8');
const t0 = performance.now();
const service = getLanguageService({ schemaRequestService: async () => readFileSync(schemaPath, 'utf8'), workspaceContext: { resolveRelativePath: (p) => p } });
service.configure({ validate: true, schemas: [{ uri: pathToFileURL(schemaPath).href, fileMatch: ['*.runbook.yaml'] }] });
const diagnostics = await service.doValidation(TextDocument.create('file:///bench/first.runbook.yaml', 'yaml', 1, text), false);
process.stdout.write(JSON.stringify({ ms: performance.now() - t0, diagnostics: diagnostics.length }));
