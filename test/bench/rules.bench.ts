// Lint speed: full lint (parse + schema + rules) per runbook beside a bare `yaml` parse, and the CLI over 1,000 files.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parse as yamlParse } from 'yaml';
import { lintRunbook } from '../../server/src/lint';
import { initShellFromDisk } from '../../server/src/shell-wasm';
import { clearShellCache } from '../../server/src/rules/shell/index';
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
 * Lint time per line at 1,000 and 10,000 lines (goal: within 1.2×). Each sample lints 10,000 lines
 * (ten 1,000-line runbooks or one 10,000-line one), in interleaved rounds so load hits both sides.
 */
function linearGrowth() {
  const sizes = [1000, 10000] as const;
  const texts = sizes.map((n) => generateRunbook(n, `growth-${n}`));
  const per = (i: number, cold: boolean) => {
    const reps = 10000 / sizes[i]!;
    const t0 = performance.now();
    for (let k = 0; k < reps; k++) {
      if (cold) clearShellCache();
      lintRunbook(texts[i]!);
    }
    return (performance.now() - t0) / 10000;
  };
  const out: Record<string, unknown> = {};
  for (const cold of [false, true]) {
    const t: number[][] = [[], []];
    for (let r = 0; r < 13; r++) for (const i of [0, 1]) if (r >= 3) t[i]!.push(per(i, cold));
    const [small, large] = t.map((xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!);
    out[cold ? 'cold' : 'warm'] = { us_per_line_1000: +(small! * 1000).toFixed(1), us_per_line_10000: +(large! * 1000).toFixed(1), ratio: +(large! / small!).toFixed(2) };
  }
  const worst = Math.max(...Object.values(out).map((v) => (v as { ratio: number }).ratio));
  return { ...out, goal: 'per-line time at 10,000 lines <= 1.2x that at 1,000', meets_goal: worst <= 1.2 };
}

function cli1000(root: string) {
  const dir = mkdtempSync(join(tmpdir(), 'runsafe-bench-'));
  try {
    for (let i = 0; i < 1000; i++) writeFileSync(join(dir, `r${i}.runbook.yaml`), generateRunbook(120, `generated-${i}`).replace(/FLAG_/g, `FLAG_${i}_`));
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [join(root, 'client/out/cli.js'), 'lint', dir, '--format', 'json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const ms = performance.now() - t0;
    const files = r.status === 0 || r.status === 1 ? (JSON.parse(r.stdout) as { files: unknown[] }).files.length : -1;
    return { runbooks: 1000, lines_each: 120, files_reported: files, exit: r.status, wall_ms: Math.round(ms), goal_ms: 3000 };
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
    cli_lint_1000_runbooks: cli1000(root),
  };
}
