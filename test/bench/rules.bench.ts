// Lint speed: full lint (parse + schema + rules) per runbook beside a bare `yaml` parse, and the CLI over 1,000 files beside shellcheck.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { scriptsOf, shellcheckAvailable } from './startup.bench';
import { parse as yamlParse } from 'yaml';
import { lintRunbook } from '../../server/src/lint';
import { initShellFromDisk } from '../../server/src/shell-wasm';
import { clearShellCache } from '../../server/src/rules/shell/index';
import { analyze, diagnostics } from '../../server/src/service/index';
import { generateRunbook } from './generate';
import { median } from './timing';

function figure(text: string, runs: number) {
  const yamlMs = median(() => yamlParse(text), runs);
  // Cold: every script parsed again (first open). Warm: unchanged scripts come from the parse cache,
  // which is what a re-lint after an edit costs in the server.
  const coldMs = median(() => {
    clearShellCache();
    lintRunbook(text);
  }, runs);
  lintRunbook(text);
  const warmMs = median(() => lintRunbook(text), runs);
  return {
    lines: text.split('\n').length,
    yaml_parse_ms: +yamlMs.toFixed(2),
    lint_cold_ms: +coldMs.toFixed(2),
    lint_warm_ms: +warmMs.toFixed(2),
    cold_vs_yaml: +(coldMs / yamlMs).toFixed(2),
    warm_vs_yaml: +(warmMs / yamlMs).toFixed(2),
  };
}

/**
 * The generated runbook with findings and suppressions in every script (an undefined variable, a
 * secret echoed, one echo suppressed): the paths where findings meet suppressions and related
 * information, which a clean runbook never exercises.
 */
function withFindings(text: string): string {
  let i = 0;
  return text.replace(/ {10}set -euo pipefail/g, (m) => `${m}\n          # runsafe-ignore secret-echo: bench\n          echo "$NEW_SEED $MISSING_${i++}"\n          echo "$NEW_SEED"`);
}

/**
 * Lint time per line at 1,000 and 10,000 lines (goal: within 1.2×). Each sample lints 10,000 lines
 * (ten 1,000-line runbooks or one 10,000-line one), in interleaved rounds so load hits both sides.
 * `with_findings` lints and renders editor diagnostics (related information included), as the server does.
 */
export function linearGrowth() {
  const sizes = [1000, 10000] as const;
  const clean = sizes.map((n) => generateRunbook(n, `growth-${n}`));
  const findings = clean.map(withFindings);
  const cases: Record<string, { texts: string[]; run: (text: string) => void }> = {
    warm: { texts: clean, run: (t) => lintRunbook(t) },
    cold: { texts: clean, run: (t) => (clearShellCache(), lintRunbook(t)) },
    with_findings: { texts: findings, run: (t) => diagnostics(analyze('file:///bench.runbook.yaml', t)) },
  };
  const out: Record<string, unknown> = {};
  for (const [name, c] of Object.entries(cases)) {
    const per = (i: number) => {
      const reps = 10000 / sizes[i]!;
      const t0 = performance.now();
      for (let k = 0; k < reps; k++) c.run(c.texts[i]!);
      return (performance.now() - t0) / 10000;
    };
    const t: number[][] = [[], []];
    // Three warm-up rounds, then ten timed.
    for (let r = 0; r < 13; r++) {
      for (const i of [0, 1]) {
        const x = per(i);
        if (r >= 3) t[i]!.push(x);
      }
    }
    const [small, large] = t.map((xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!);
    out[name] = { us_per_line_1000: +(small! * 1000).toFixed(1), us_per_line_10000: +(large! * 1000).toFixed(1), ratio: +(large! / small!).toFixed(2) };
  }
  out.findings_at_10000 = lintRunbook(findings[1]!).problems.length;
  const worst = Math.max(...Object.values(out).flatMap((v) => (typeof v === 'object' && v ? [(v as { ratio: number }).ratio] : [])));
  return { ...out, goal: 'per-line time at 10,000 lines <= 1.2x that at 1,000', meets_goal: worst <= 1.2 };
}

/** Wall time and peak RSS (the kernel's ru_maxrss through GNU time: the whole process, every thread) of a command. */
function timed(cmd: string, args: string[]): Promise<{ ms: number; maxrss_mib: number; code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%M', cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const kb = Number(/(\d+)\s*$/.exec(stderr)?.[1] ?? NaN);
      resolve({ ms: performance.now() - t0, maxrss_mib: +(kb / 1024).toFixed(1), code, stdout });
    });
  });
}

/**
 * CI scale (goal 4): `runsafe lint` over 1,000 generated runbooks, serial (--jobs 1) and on every core
 * (the default), beside shellcheck over the same scripts (one .sh file per runbook holding its `run:`
 * scripts), as one process and as one process per core. Throughput is scripts per second; RSS is the peak
 * of the whole process (main thread and workers), from the kernel.
 */
async function ciScale(root: string) {
  const dir = mkdtempSync(join(tmpdir(), 'runsafe-bench-'));
  const books = join(dir, 'books');
  const sh = join(dir, 'sh');
  mkdirSync(books);
  mkdirSync(sh);
  let scripts = 0;
  const shFiles: string[] = [];
  try {
    for (let i = 0; i < 1000; i++) {
      const text = generateRunbook(120, `generated-${i}`).replace(/FLAG_/g, `FLAG_${i}_`);
      writeFileSync(join(books, `r${i}.runbook.yaml`), text);
      const own = scriptsOf(text);
      scripts += own.length;
      shFiles.push(join(sh, `r${i}.sh`));
      writeFileSync(shFiles.at(-1)!, `#!/bin/bash\n${own.join('\n')}\n`);
    }
    const cli = join(root, 'client/out/cli.js');
    const serial = await timed(process.execPath, [cli, 'lint', books, '--format', 'json', '--jobs', '1']);
    const pool = await timed(process.execPath, [cli, 'lint', books, '--format', 'json']);
    const identical = serial.stdout === pool.stdout;
    const files = pool.code === 0 || pool.code === 1 ? (JSON.parse(pool.stdout) as { files: unknown[] }).files.length : -1;
    const cores = availableParallelism();
    const peer = shellcheckAvailable();
    const sc1 = peer ? await timed('shellcheck', shFiles) : null;
    const t0 = performance.now();
    const parts = Array.from({ length: cores }, (_, k) => shFiles.filter((_, i) => i % cores === k));
    const scN = peer ? await Promise.all(parts.map((p) => timed('shellcheck', p))) : null;
    const scNms = performance.now() - t0;
    const perS = (ms: number) => Math.round(scripts / (ms / 1000));
    const best = sc1 && scN ? Math.max(perS(sc1.ms), perS(scNms)) : null;
    return {
      runbooks: 1000,
      lines_each: 120,
      scripts,
      files_reported: files,
      exit: pool.code,
      output_identical_to_serial: identical,
      serial: { wall_ms: Math.round(serial.ms), scripts_per_s: perS(serial.ms), peak_rss_mib: serial.maxrss_mib },
      pool: { lanes: cores, wall_ms: Math.round(pool.ms), scripts_per_s: perS(pool.ms), peak_rss_mib: pool.maxrss_mib, speedup_vs_serial: +(serial.ms / pool.ms).toFixed(2) },
      shellcheck_same_scripts: sc1 && scN
        ? { one_process: { wall_ms: Math.round(sc1.ms), scripts_per_s: perS(sc1.ms), peak_rss_mib: sc1.maxrss_mib }, one_per_core: { wall_ms: Math.round(scNms), scripts_per_s: perS(scNms) } }
        : 'shellcheck is not installed: no figure (apt-get install shellcheck)',
      throughput_vs_shellcheck: best ? +(perS(pool.ms) / best).toFixed(2) : null,
      rss: 'peak RSS of the whole process (ru_maxrss via /usr/bin/time -f %M), main thread and workers together',
      goal: 'both cores, >= 5x shellcheck throughput per script (its best of one process and one per core), < 150 MiB peak RSS',
      meets_goal: best !== null && pool.ms < serial.ms && perS(pool.ms) / best >= 5 && pool.maxrss_mib < 150,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function bench(): Promise<Record<string, unknown>> {
  await initShellFromDisk();
  const root = join(__dirname, '../..');
  const shipped: Record<string, unknown> = {};
  for (const f of readdirSync(join(root, 'runbooks')).filter((x) => x.endsWith('.runbook.yaml'))) shipped[f] = figure(readFileSync(join(root, 'runbooks', f), 'utf8'), 15);
  return {
    what: 'full lint (parse + schema + rules, ms median) vs bare yaml.parse of the same text; goal ≤ 3× on 2,000 lines',
    generated_2000_lines: figure(generateRunbook(2000), 15),
    shipped_runbooks: shipped,
    linear_growth: linearGrowth(),
    ci_scale_1000_runbooks: await ciScale(root),
  };
}
