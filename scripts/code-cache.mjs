// Records V8's compiled code for a bundle after a representative run, for server/src/code-cache.ts:
//   node scripts/code-cache.mjs <command> [lint paths...]   client/out/cli-<command>.js -> cli-<command>.jsc
//   node scripts/code-cache.mjs --server [runbook dirs...]   server/out/server-core.js -> server-core.jsc
// scripts/build.mjs runs it per command and for the server.
//
// The bundle is compiled exactly as server/src/code-cache.ts compiles it (Node's CommonJS wrapper, the
// file name, and the V8 flags of the process that will load it: V8 refuses a cache made under other
// flags), run, so the functions a lint or an editing session calls are compiled too, and then its code
// cache is written after the SHA-256 of the bundle's text.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { Module, createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Writable, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [name, ...paths] = process.argv.slice(2);
const server = name === '--server';

// The same flags client/src/cli/v8-flags.ts sets before any command bundle compiles; the language
// server runs under V8's defaults.
if (!server) for (const f of ['--liftoff-only', '--semi-space-growth-factor=1', '--heap-growing-percent=20']) setFlagsFromString(f);

const js = server ? join(root, 'server/out/server-core.js') : join(root, 'client/out', `cli-${name}.js`);
const source = readFileSync(js, 'utf8');
const script = new Script(Module.wrap(source), { filename: js });
const mod = { exports: {} };
script.runInThisContext().call(mod.exports, mod.exports, createRequire(js), mod, js, dirname(js));
const sink = () => new Writable({ write: (_chunk, _enc, done) => done() });

if (server) await session(paths);
else if (paths.length > 0) {
  const command = Object.values(mod.exports).find((c) => c && typeof c.run === 'function');
  const io = { stdout: sink(), stderr: sink(), stdin: Readable.from([]), cwd: root, env: {} };
  await command.run(paths, io);
}

const digest = createHash('sha256').update(source).digest();
// Written beside and renamed over, as scripts/build.mjs writes the bundles: a process starting now reads a whole cache or the old one.
const target = js.replace(/\.js$/, '.jsc');
writeFileSync(`${target}.${process.pid}.tmp`, Buffer.concat([digest, script.createCachedData()]));
renameSync(`${target}.${process.pid}.tmp`, target);
// The server's connection keeps its input open.
process.exit(0);

/**
 * An editing session over in-memory stdio: initialize, open every runbook in `dirs`, edit the first
 * one (the incremental path), and wait for each document's diagnostics (at most 60 s).
 */
async function session(dirs) {
  const files = dirs.flatMap((d) => readdirSync(join(root, d)).filter((f) => /\.runbook\.ya?ml$/.test(f)).map((f) => join(root, d, f)));
  if (files.length === 0) throw new Error(`no runbooks in ${dirs.join(', ')}`);
  const stdin = new Readable({ read() {} });
  const send = (message) => {
    const body = JSON.stringify({ jsonrpc: '2.0', ...message });
    stdin.push(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  };
  const uri = (i) => `file:///code-cache/${i}.runbook.yaml`;
  let waiting = new Set();
  let wake;
  const published = () => new Promise((resolve) => (wake = resolve));
  let seen = '';
  const stdout = new Writable({
    write(chunk, _enc, done) {
      seen += chunk.toString();
      for (const m of seen.matchAll(/"method":"textDocument\/publishDiagnostics","params":\{"uri":"([^"]+)"/g)) waiting.delete(m[1]);
      // A session without the shell parser would record a cache of everything but the rules that matter.
      if (seen.includes('"shell-parser-unavailable"')) {
        process.stderr.write('code cache for the server: the shell parser did not load in the recording session\n');
        process.exit(1);
      }
      seen = seen.slice(seen.lastIndexOf('Content-Length'));
      if (waiting.size === 0) wake?.();
      done();
    },
  });
  mod.exports.main([process.execPath, js, '--stdio'], { stdin, stdout, stderr: sink() });
  send({ id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {}, initializationOptions: { debounceMs: 0 } } });
  send({ method: 'initialized', params: {} });
  const timer = setTimeout(() => {
    process.stderr.write(`code cache for the server: no diagnostics for ${[...waiting].join(', ')} within 60 s\n`);
    process.exit(1);
  }, 60_000);
  waiting = new Set(files.map((_, i) => uri(i)));
  let next = published();
  files.forEach((f, i) => send({ method: 'textDocument/didOpen', params: { textDocument: { uri: uri(i), languageId: 'runsafe', version: 1, text: readFileSync(f, 'utf8') } } }));
  await next;
  waiting = new Set([uri(0)]);
  next = published();
  send({ method: 'textDocument/didChange', params: { textDocument: { uri: uri(0), version: 2 }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edited\n' }] } });
  await next;
  clearTimeout(timer);
}
