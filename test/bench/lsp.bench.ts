// Language server figures, measured over stdio against the bundled server as editors use it:
// edit-to-diagnostics latency (p50/p95 over 200 edits) beside a bare `yaml` parse of the same
// text, and the server's resident memory with 200 runbooks open.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as yamlParse } from 'yaml';
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

/** Sends 200 one-character edits, each awaited until its version's diagnostics arrive. */
async function editLatency(c: Client, uri: string, text: string, edits = 200) {
  await c.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'runsafe', version: 1, text } });
  await c.waitForDiagnostics((p) => p.uri === uri && p.version === 1);
  // Edit the runbook title: a realistic keystroke that keeps the document valid.
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.startsWith('title: '));
  const character = lines[line]!.length;
  const times: number[] = [];
  for (let v = 2; v <= edits + 1; v++) {
    const t0 = performance.now();
    const arrived = c.waitForDiagnostics((p) => p.uri === uri && p.version === v);
    await c.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: v },
      contentChanges: [{ range: { start: { line, character }, end: { line, character: v === 2 ? character : character + 1 } }, text: String.fromCharCode(97 + (v % 26)) }],
    });
    await arrived;
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50_ms: ms(percentile(times, 50)), p95_ms: ms(percentile(times, 95)), max_ms: ms(times[times.length - 1]!) };
}

/** Latencies as multiples of the bare parse, which absorbs the machine's speed and load. */
function withRatios(figures: { yaml_parse_ms: number; p50_ms: number; p95_ms: number }) {
  return { ...figures, p50_vs_yaml_parse: +(figures.p50_ms / figures.yaml_parse_ms).toFixed(2), p95_vs_yaml_parse: +(figures.p95_ms / figures.yaml_parse_ms).toFixed(2) };
}

function baseline(text: string) {
  return { lines: text.split('\n').length, yaml_parse_ms: ms(median(() => yamlParse(text), 30)), lint_in_process_ms: ms(median(() => lintRunbook(text), 30)) };
}

export async function bench(): Promise<Record<string, unknown>> {
  // The in-process baseline lints with the shell parser loaded, as the server does.
  await initShellFromDisk();
  const reference = readFileSync(join(root, 'runbooks', 'trace-signing-key-rotation.runbook.yaml'), 'utf8');
  const large = generateRunbook(2000, 'large');
  const out: Record<string, unknown> = {
    what: 'edit -> publishDiagnostics latency over stdio (ms, 200 sequential edits, debounce 0) beside yaml.parse and in-process lintRunbook (shell parser loaded) of the same text; server RSS with 200 open runbooks',
  };
  const c = startClient();
  try {
    await c.initialize({}, { debounceMs: 0 });
    await c.conn.sendNotification('initialized', {});
    out.reference = { file: 'runbooks/trace-signing-key-rotation.runbook.yaml', ...withRatios({ ...baseline(reference), ...(await editLatency(c, 'file:///bench/reference.runbook.yaml', reference)) }) };
    out.generated_2000_lines = withRatios({ ...baseline(large), ...(await editLatency(c, 'file:///bench/large.runbook.yaml', large)) });
  } finally {
    await c.close();
  }
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
