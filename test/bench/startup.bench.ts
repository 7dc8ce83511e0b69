// Cold start of the bundled CLI, whole process, beside `node -e 0` timed in the same rounds:
// `runsafe --help` and `runsafe lint` of a small shipped runbook (goals: ≤ 1.5× and ≤ 2.5×),
// and shellcheck of the same runbook's scripts when shellcheck is installed (it is the peer a
// user compares with; the figure says so when it is missing instead of inventing one).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

const root = join(__dirname, '..', '..');
const cli = join(root, 'client', 'out', 'cli.js');
const small = join(root, 'runbooks', 'examples', 'hello.runbook.yaml');
const ROUNDS = 21;

/** Wall time of one process run in ms; throws when it fails to start. */
function wall(cmd: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  const ms = performance.now() - t0;
  if (r.error) throw r.error;
  return ms;
}

export function shellcheckAvailable(): boolean {
  const r = spawnSync('shellcheck', ['--version'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

/** Every `run:` script of a runbook, in document order. */
export function scriptsOf(text: string): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'run' && typeof x === 'string') out.push(x);
        else walk(x);
      }
    }
  };
  walk(parse(text));
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (n: number) => +n.toFixed(1);

export async function bench(): Promise<Record<string, unknown>> {
  const lines = readFileSync(small, 'utf8').split('\n').length;
  const dir = mkdtempSync(join(tmpdir(), 'runsafe-startup-'));
  const script = join(dir, 'hello.sh');
  writeFileSync(script, `#!/bin/bash\n${scriptsOf(readFileSync(small, 'utf8')).join('\n')}\n`);
  const peer = shellcheckAvailable();
  const t = { node: [] as number[], help: [] as number[], lint: [] as number[], shellcheck: [] as number[] };
  try {
    // Interleaved rounds, so load on a shared machine falls on every side alike.
    for (let i = 0; i < ROUNDS + 2; i++) {
      const round = {
        node: wall(process.execPath, ['-e', '0']),
        help: wall(process.execPath, [cli, '--help']),
        lint: wall(process.execPath, [cli, 'lint', small]),
        shellcheck: peer ? wall('shellcheck', [script]) : 0,
      };
      if (i < 2) continue; // warm the page cache first
      for (const k of Object.keys(t) as (keyof typeof t)[]) t[k].push(round[k]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const node = median(t.node);
  const help = median(t.help);
  const lint = median(t.lint);
  return {
    what: `whole-process wall time, median of ${ROUNDS} interleaved rounds (ms)`,
    node_e_0_ms: ms(node),
    help_ms: ms(help),
    help_vs_node: +(help / node).toFixed(2),
    help_goal: '<= 1.5x node -e 0',
    help_meets_goal: help / node <= 1.5,
    lint_small_runbook: 'runbooks/examples/hello.runbook.yaml',
    lint_small_runbook_lines: lines,
    lint_ms: ms(lint),
    lint_vs_node: +(lint / node).toFixed(2),
    lint_goal: '<= 2.5x node -e 0',
    lint_meets_goal: lint / node <= 2.5,
    shellcheck_same_scripts: peer ? { ms: ms(median(t.shellcheck)), lint_vs_shellcheck: +(lint / median(t.shellcheck)).toFixed(2) } : 'shellcheck is not installed: no figure (apt-get install shellcheck)',
  };
}
