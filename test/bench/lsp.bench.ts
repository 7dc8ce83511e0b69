// Language server figures, measured over stdio against the bundled server as editors use it:
// edit-to-diagnostics latency and first open beside yaml-language-server validating the same
// document with the runbook schema (the peer a user compares), and resident memory with 200 open.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parse as yamlParse } from 'yaml';
import { getLanguageService, type LanguageService as YamlLanguageService } from 'yaml-language-server';
import { lintRunbook } from '../../server/src/lint';
import { initShellFromDisk } from '../../server/src/shell-wasm';
import { startClient, type Client } from '../lsp/client';
import { generateRunbook } from './generate';
import { median } from './timing';

const root = join(__dirname, '..', '..');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}


const ms = (n: number) => +n.toFixed(3);

/** Resident set size of a process in MiB, from /proc (Linux). */
function rssMiB(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? +(Number(m[1]) / 1024).toFixed(1) : undefined;
  } catch {
    return undefined;
  }
}

type Change = { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string };

/**
 * Where the edits type: the runbook title (a top-level key) or the first line of the script of the
 * step in the middle of the document. The first edit inserts a letter, each later one replaces it.
 */
function typingAt(text: string, where: 'title' | 'script'): (v: number) => Change {
  const lines = text.split('\n');
  let line: number;
  let character: number;
  if (where === 'title') {
    line = lines.findIndex((l) => l.startsWith('title: '));
    character = lines[line]!.length;
  } else {
    const runs = lines.flatMap((l, i) => (/^\s*(- )?run: [|>]/.test(l) ? [i + 1] : []));
    line = runs[Math.floor(runs.length / 2)]!;
    const l = lines[line]!;
    // After a trailing backslash a letter would join the next line; type at the command's start then.
    character = /\\\s*$/.test(l) ? l.length - l.trimStart().length : l.length;
  }
  return (v) => ({ range: { start: { line, character }, end: { line, character: v === 2 ? character : character + 1 } }, text: String.fromCharCode(97 + (v % 26)) });
}

const schemaPath = join(root, 'schemas', 'runbook.schema.json');

/** yaml-language-server's language service with the runbook schema, as its server configures it for `*.runbook.yaml`. */
function peerService(): YamlLanguageService {
  const service = getLanguageService({ schemaRequestService: async () => readFileSync(schemaPath, 'utf8'), workspaceContext: { resolveRelativePath: (p: string) => p } });
  service.configure({ validate: true, schemas: [{ uri: pathToFileURL(schemaPath).href, fileMatch: ['*.runbook.yaml'] }] });
  return service;
}

/**
 * `edits` one-character edits, interleaved: Runsafe's edit -> publishDiagnostics over stdio (the
 * bundled server, debounce 0), and the peer applying the same edit and validating in this process
 * (no transport, which favours the peer). Which goes first alternates, so neither always pays the
 * other's garbage.
 */
async function editLatency(c: Client, peer: YamlLanguageService, uri: string, text: string, where: 'title' | 'script', edits: number) {
  const version0 = 1000 * (where === 'title' ? 1 : 2);
  await c.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'runsafe', version: version0, text } });
  await c.waitForDiagnostics((p) => p.uri === uri && p.version === version0);
  let peerDoc = TextDocument.create(uri, 'yaml', version0, text);
  await peer.doValidation(peerDoc, false);
  const change = typingAt(text, where);
  const ours: number[] = [];
  const theirs: number[] = [];
  const runsafe = async (v: number) => {
    const t0 = performance.now();
    const arrived = c.waitForDiagnostics((p) => p.uri === uri && p.version === version0 + v);
    await c.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: version0 + v }, contentChanges: [change(v)] });
    await arrived;
    ours.push(performance.now() - t0);
  };
  const yamlLs = async (v: number) => {
    const t0 = performance.now();
    peerDoc = TextDocument.update(peerDoc, [change(v)], version0 + v);
    await peer.doValidation(peerDoc, false);
    theirs.push(performance.now() - t0);
  };
  for (let v = 2; v <= edits + 1; v++) {
    if (v % 2) {
      await runsafe(v);
      await yamlLs(v);
    } else {
      await yamlLs(v);
      await runsafe(v);
    }
  }
  await c.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  const stats = (xs: number[]) => {
    xs.sort((a, b) => a - b);
    return { p50: percentile(xs, 50), p95: percentile(xs, 95) };
  };
  const a = stats(ours);
  const b = stats(theirs);
  return {
    edit_at: where,
    edits,
    runsafe: { p50_ms: ms(a.p50), p95_ms: ms(a.p95) },
    yaml_language_server: { p50_ms: ms(b.p50), p95_ms: ms(b.p95) },
    p50_vs_yaml_ls: +(a.p50 / b.p50).toFixed(2),
    p95_vs_yaml_ls: +(a.p95 / b.p95).toFixed(2),
  };
}

/**
 * First open on a fresh server (didOpen right after initialize -> its first diagnostics) beside the
 * peer's first validation in a fresh process (new language service, schema read and compiled),
 * interleaved, median of `rounds`; and each whole process (ours spawned to its first diagnostics, the
 * peer's node start, imports, validation and exit).
 */
async function firstOpen(file: string, text: string, rounds: number) {
  const ours: number[] = [];
  const theirs: number[] = [];
  const oursWhole: number[] = [];
  const theirsWhole: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const spawned = performance.now();
    const c = startClient();
    try {
      await c.initialize({}, { debounceMs: 0 });
      await c.conn.sendNotification('initialized', {});
      const t0 = performance.now();
      await c.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: 'file:///bench/first.runbook.yaml', languageId: 'runsafe', version: 1, text } });
      await c.waitForDiagnostics((p) => p.uri === 'file:///bench/first.runbook.yaml');
      ours.push(performance.now() - t0);
      oursWhole.push(performance.now() - spawned);
    } finally {
      await c.close();
    }
    const peerSpawned = performance.now();
    const peer = spawnSync(process.execPath, [join(__dirname, 'yaml-ls-first.mjs'), file], { encoding: 'utf8', timeout: 60_000 });
    theirsWhole.push(performance.now() - peerSpawned);
    if (peer.status !== 0) throw new Error(`yaml-language-server first validation failed: ${peer.stderr}`);
    theirs.push((JSON.parse(peer.stdout) as { ms: number }).ms);
  }
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return {
    rounds,
    runsafe_ms: ms(mid(ours)),
    yaml_language_server_ms: ms(mid(theirs)),
    ratio: +(mid(ours) / mid(theirs)).toFixed(2),
    // What a user waits for when the editor starts the server for this document: process start, module
    // load, initialize and the first diagnostics, beside the peer's process from start to exit.
    whole_process: { runsafe_spawn_to_diagnostics_ms: ms(mid(oursWhole)), yaml_language_server_process_ms: ms(mid(theirsWhole)), ratio: +(mid(oursWhole) / mid(theirsWhole)).toFixed(2) },
  };
}

/** The document's size and its bare `yaml` parse and in-process full lint, for scale. */
function baseline(text: string) {
  return { lines: text.split('\n').length, yaml_parse_ms: ms(median(() => yamlParse(text), 30)), lint_in_process_ms: ms(median(() => lintRunbook(text), 30)) };
}

export async function bench(): Promise<Record<string, unknown>> {
  // The in-process baseline lints with the shell parser loaded, as the server does.
  await initShellFromDisk();
  const referenceFile = join(root, 'runbooks', 'trace-signing-key-rotation.runbook.yaml');
  const reference = readFileSync(referenceFile, 'utf8');
  const large = generateRunbook(2000, 'large');
  const dir = mkdtempSync(join(tmpdir(), 'runsafe-lsp-bench-'));
  const largeFile = join(dir, 'large.runbook.yaml');
  writeFileSync(largeFile, large);
  const out: Record<string, unknown> = {
    what:
      'edit -> publishDiagnostics over stdio (bundled server, debounce 0) beside yaml-language-server ' +
      'applying the same edit and validating with the runbook schema in this process (getLanguageService().doValidation), interleaved, ' +
      'p50/p95 ms; first open on a fresh server beside the peer\'s first validation in a fresh process; bare yaml.parse and ' +
      'in-process lintRunbook of the same text; server RSS with 200 open runbooks',
    goal: 'edit p50 and p95 <= 0.5x yaml-language-server, first open <= 1x its first validation',
  };
  const peer = peerService();
  const c = startClient();
  const documents: [string, string, string, string][] = [
    ['reference', 'runbooks/trace-signing-key-rotation.runbook.yaml', referenceFile, reference],
    ['generated_2000_lines', 'test/bench/generate.ts', largeFile, large],
  ];
  const editRatios: number[] = [];
  const firstRatios: number[] = [];
  try {
    await c.initialize({}, { debounceMs: 0 });
    await c.conn.sendNotification('initialized', {});
    for (const [name, source, , text] of documents) {
      const title = await editLatency(c, peer, `file:///bench/${name}.runbook.yaml`, text, 'title', 100);
      const script = await editLatency(c, peer, `file:///bench/${name}.runbook.yaml`, text, 'script', 100);
      editRatios.push(title.p50_vs_yaml_ls, title.p95_vs_yaml_ls, script.p50_vs_yaml_ls, script.p95_vs_yaml_ls);
      out[name] = { source, ...baseline(text), edit_title: title, edit_script: script };
    }
  } finally {
    await c.close();
  }
  try {
    for (const [name, , file, text] of documents) {
      const first = await firstOpen(file, text, 5);
      (out[name] as Record<string, unknown>).first_open = first;
      firstRatios.push(first.ratio);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // Per figure, so a partial win is not reported as all or nothing.
  const perFigure: Record<string, boolean> = {};
  for (const [name] of documents) {
    const d = out[name] as Record<string, { p50_vs_yaml_ls?: number; p95_vs_yaml_ls?: number; ratio?: number }>;
    for (const at of ['edit_title', 'edit_script']) {
      perFigure[`${name}.${at}.p50`] = d[at]!.p50_vs_yaml_ls! <= 0.5;
      perFigure[`${name}.${at}.p95`] = d[at]!.p95_vs_yaml_ls! <= 0.5;
    }
    perFigure[`${name}.first_open`] = d.first_open!.ratio! <= 1;
  }
  out.meets_goal = { edit: editRatios.every((r) => r <= 0.5), first_open: firstRatios.every((r) => r <= 1), per_figure: perFigure };
  const m = startClient();
  try {
    await m.initialize({}, { debounceMs: 0 });
    await m.conn.sendNotification('initialized', {});
    await m.conn.sendRequest('textDocument/hover', { textDocument: { uri: 'file:///none' }, position: { line: 0, character: 0 } });
    const before = rssMiB(m.proc.pid!);
    const uris: string[] = [];
    for (let i = 0; i < 200; i++) {
      const uri = `file:///bench/open-${i}.runbook.yaml`;
      uris.push(uri);
      await m.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'runsafe', version: 1, text: reference.replace(/^id: .*$/m, `id: runbook-${i}`) } });
    }
    await Promise.all(uris.map((u) => m.waitForDiagnostics((p) => p.uri === u)));
    out.memory_200_open = { rss_idle_mib: before, rss_200_open_mib: rssMiB(m.proc.pid!), runbook_lines: reference.split('\n').length };
  } finally {
    await m.close();
  }
  return out;
}
