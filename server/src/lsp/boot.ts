// Entry of the bundled language server (`server/out/server.js`, `runsafe-language-server`): loads the
// server's own bundle (server-core.js, main.ts) with the V8 code cache scripts/code-cache.mjs recorded
// for it after a representative session. Without it a fresh server spent about 40 ms compiling the
// bundle before `initialize` and, on its first document, ran 110-130 ms instead of 50-60 ms, most of it
// compiling each function on its first call (448-line runbook). Under another Node or other V8 flags
// (VS Code's Electron) V8 rejects the cache and the server compiles as it did before.
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { loadWithCodeCache } from '../code-cache';
import type { main } from './main';

const core = loadWithCodeCache(join(__dirname, 'server-core.js'), join(__dirname, 'server-core.jsc')) as { main: typeof main };
// The shell grammar's wasm (1.4 MB) compiles with V8's baseline compiler only. Under V8's default
// dynamic tiering its hot functions are recompiled by the optimising compiler on a background thread
// during the first document, which on a two-core machine competes with the analysis itself: the first
// diagnostics of a 2,000-line runbook took 659 ms against 487 ms (median of 5, load 1-3, 4 Dec 2026),
// and edits were no slower (the parse of one changed step is a small part of an edit). Set after the
// code cache is read: V8 accepts a cache only under the flags it was recorded with (V8's defaults).
setFlagsFromString('--liftoff-only');
core.main();
