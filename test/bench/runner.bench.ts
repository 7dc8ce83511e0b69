// Runner figures: streaming masker throughput and per-step process overhead, each beside a baseline timed in the same run.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { Masker } from '../../client/src/runner/masker';
import { runProcess } from '../../client/src/runner/process';

function logText(bytes: number, secrets: string[]): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = i % 500 === 0 ? `token=${secrets[i % secrets.length]} rotated\n` : `2026-11-21T22:00:00Z info request ${i} served in ${i % 97}ms path=/api/v1/items/${i}\n`;
    lines.push(line);
    size += line.length;
  }
  return lines.join('');
}

function spawnBare(): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn('bash', ['--noprofile', '--norc', '-c', 'true'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    c.on('error', reject);
    c.on('close', () => resolve());
  });
}

export async function bench(): Promise<Record<string, unknown>> {
  const secrets = ['correct-horse-battery-staple-1', 'Zm9vYmFyYmF6cXV4cXV1eA-seed-value', 'p@ss/w0rd+"quoted"'];
  const text = logText(8 * 1024 * 1024, secrets);
  const masker = new Masker(secrets.map((value, i) => ({ name: `S${i}`, value })));
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += 16 * 1024) chunks.push(text.slice(i, i + 16 * 1024));

  // Baseline: replacing only the plain values in the whole text at once (no encodings, no streaming).
  let t = performance.now();
  let baseline = text;
  for (const s of secrets) baseline = baseline.replaceAll(s, '***');
  const baselineMs = performance.now() - t;

  t = performance.now();
  const stream = masker.stream();
  let masked = '';
  for (const c of chunks) masked += stream.push(c);
  masked += stream.end();
  const maskerMs = performance.now() - t;
  if (masked !== baseline) throw new Error('masker and baseline disagree');

  const runs = 30;
  const cwd = process.cwd();
  await spawnBare();
  await runProcess({ command: 'true', cwd, env: {} });
  t = performance.now();
  for (let i = 0; i < runs; i++) await spawnBare();
  const bareMs = (performance.now() - t) / runs;
  t = performance.now();
  for (let i = 0; i < runs; i++) await runProcess({ command: 'true', cwd, env: {} });
  const stepMs = (performance.now() - t) / runs;

  return {
    masker_stream_mb_per_s: Number((text.length / 1024 / 1024 / (maskerMs / 1000)).toFixed(1)),
    masker_forms: masker.size,
    masker_vs_plain_replaceAll: Number((maskerMs / baselineMs).toFixed(2)),
    step_overhead_ms: Number(stepMs.toFixed(2)),
    bare_spawn_ms: Number(bareMs.toFixed(2)),
    step_vs_bare_spawn: Number((stepMs / bareMs).toFixed(2)),
  };
}
