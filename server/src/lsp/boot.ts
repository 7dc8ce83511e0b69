// Entry of the bundled language server (`server/out/server.js`, `runsafe-language-server`): loads the
// server's own bundle (server-core.js, main.ts) with the V8 code cache scripts/code-cache.mjs recorded
// for it after a representative session. Without it a fresh server spent about 40 ms compiling the
// bundle before `initialize` and, on its first document, ran 110-130 ms instead of 50-60 ms, most of it
// compiling each function on its first call (448-line runbook). Under another Node or other V8 flags
// (VS Code's Electron) V8 rejects the cache and the server compiles as it did before.
import { join } from 'node:path';
import { loadWithCodeCache } from '../code-cache';
import type { main } from './main';

const core = loadWithCodeCache(join(__dirname, 'server-core.js'), join(__dirname, 'server-core.jsc')) as { main: typeof main };
core.main();
