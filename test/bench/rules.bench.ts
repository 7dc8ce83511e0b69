// Lint speed: full lint (parse + schema + rules) per runbook beside a bare `yaml` parse, and the CLI over 1,000 files.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
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
