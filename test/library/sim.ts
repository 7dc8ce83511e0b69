// The library simulation: a temp workspace with recording stand-ins first on PATH, and `runsafe` run through the bundled CLI.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const root = resolve(__dirname, '../..');
const cli = join(root, 'client/out/cli.js');

/** The tools that stand in for services unreachable from here (curl answers only the Heroku Platform, Signal and Alpaca APIs and the trading services' localhost health URLs the runbooks call). */
export const standIns = ['heroku', 'infisical', 'curl', 'vault', 'aws', 'helm', 'kubectl', 'systemctl', 'journalctl'] as const;

export interface Call {
  tool: string;
  argv: string[];
  env_names: string[];
}

export interface FailRule {
  tool: string;
  args?: string[];
  exit?: number;
  once?: boolean;
  drop?: boolean;
  stdout?: string;
  stderr?: string;
}

/** A workspace whose bin/ holds the stand-ins and whose state/ holds what they did. */
export function simulation(name: string) {
  const dir = mkdtempSync(join(tmpdir(), `runsafe-sim-${name}-`));
  const bin = join(dir, 'bin');
  const state = join(dir, 'state');
  mkdirSync(bin);
  mkdirSync(state);
  copyFileSync(join(__dirname, 'standin.py'), join(state, 'standin.py'));
  for (const tool of standIns) {
    writeFileSync(join(bin, tool), `#!/bin/sh\nexec python3 '${join(state, 'standin.py')}' ${tool} "$@"\n`);
    chmodSync(join(bin, tool), 0o755);
  }
  const read = <T>(file: string, fallback: T): T => (existsSync(join(state, file)) ? (JSON.parse(readFileSync(join(state, file), 'utf8')) as T) : fallback);
  return {
    dir,
    /** Seeds a stand-in's state (heroku: {app: {VAR: value}}, infisical: {"env:path/NAME": value}). */
    setState: (tool: string, value: unknown) => writeFileSync(join(state, `${tool}.json`), JSON.stringify(value)),
    /** The config vars of one Heroku app, as the stand-in holds them. */
    dyno: (app: string): Record<string, string> => read<Record<string, Record<string, string>>>('heroku.json', {})[app] ?? {},
    /** Infisical's entries, keyed "env:path/NAME". */
    vault: (): Record<string, string> => read<Record<string, string>>('infisical.json', {}),
    /** The Helm release's values, as the stand-in holds them. */
    helmValues: (): Record<string, unknown> => read<{ values?: Record<string, unknown> }>('helm.json', {}).values ?? {},
    fail: (rules: FailRule[]) => writeFileSync(join(state, 'fail.json'), JSON.stringify(rules)),
    calls: (): Call[] =>
      existsSync(join(state, 'calls.jsonl'))
        ? readFileSync(join(state, 'calls.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Call)
        : [],
    /** `runsafe <args>` with the stand-ins first on PATH, the workspace in the temp dir. */
    runsafe(args: string[], env: NodeJS.ProcessEnv = {}) {
      const r = spawnSync(process.execPath, [cli, ...args], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', RUNSAFE_OPERATOR: 'sim@test', PATH: `${bin}:${process.env.PATH}`, ...env },
        // Bounded, but generous: on a loaded 2-core machine one run of a long runbook has taken over two minutes.
        timeout: 900_000,
      });
      return { code: r.status, out: r.stdout + r.stderr };
    },
    /** Every transcript segment the runs wrote (not their .state or .resumed files), first segment before its later ones. */
    transcripts: (): string[] => {
      const t = join(dir, '.runsafe/transcripts');
      return existsSync(t) ? readdirSync(t).filter((f) => f.endsWith('.transcript.jsonl')).sort().map((f) => join(t, f)) : [];
    },
    /** Every record of every transcript, parsed. */
    records: (): Array<Record<string, unknown>> =>
      simRecords(join(dir, '.runsafe/transcripts')),
  };
}

function simRecords(t: string): Array<Record<string, unknown>> {
  if (!existsSync(t)) return [];
  return readdirSync(t)
    .filter((f) => f.endsWith('.transcript.jsonl'))
    .sort()
    .flatMap((f) => readFileSync(join(t, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>));
}

/** A shipped runbook's path. */
export const runbook = (file: string) => join(root, 'runbooks', file);
