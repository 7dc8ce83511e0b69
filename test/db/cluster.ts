// Starts a throwaway PostgreSQL cluster for one test file: initdb in a temp folder, Unix socket only, stopped at the end.
//
// Never a shared or system cluster: the data directory and the socket live in a fresh 0700 folder
// owned by the unprivileged user the server runs as (initdb refuses root), the server listens on
// no TCP address at all (listen_addresses=''), and it is stopped by `stop()`, by this process's
// exit, or, if this process is killed outright, by a watchdog shell that ends it when our pipe closes.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Cluster {
  /** Folder holding the Unix socket (PGHOST). */
  socketDir: string;
  port: number;
  /** libpq variables for the superuser `postgres` (no password: local trust inside a 0700 folder). */
  env: Record<string, string>;
  /** A postgres:// URL for `role` (with `password` when given) on database `db`. */
  url(role?: string, password?: string, db?: string): string;
  /** Runs SQL as the superuser through psql (connection by environment); throws with psql's message on error. */
  psql(sql: string, db?: string): string;
  bin: string;
  stop(): Promise<void>;
}

const MISSING =
  'PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin and $PG_BIN). The database tests need them: ' +
  'install Debian\'s package with `apt-get install -y postgresql` (.ci/run does); see docs/database-tests.md.';

/** The newest /usr/lib/postgresql/<version>/bin holding initdb and postgres, or $PG_BIN. */
export function findPgBin(base = '/usr/lib/postgresql', env: NodeJS.ProcessEnv = process.env): string {
  const candidates: string[] = [];
  if (env['PG_BIN']) candidates.push(env['PG_BIN']);
  if (existsSync(base)) {
    for (const v of readdirSync(base).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a))) candidates.push(join(base, v, 'bin'));
  }
  const found = candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres')) && existsSync(join(dir, 'psql')));
  if (!found) throw new Error(MISSING);
  return found;
}

/** Who the server runs as: ourselves when unprivileged, else `nobody` (initdb refuses root). */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const r = spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', 'nobody'], { encoding: 'utf8' });
  if (r.status !== 0 || g.status !== 0) throw new Error('running as root, and there is no `nobody` user to run PostgreSQL as (initdb refuses root)');
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

const live = new Set<ChildProcess>();
let exitHook = false;

function run(bin: string, args: string[], user: { uid: number; gid: number } | undefined, env: Record<string, string> = {}): void {
  const r = spawnSync(bin, args, { encoding: 'utf8', timeout: 120_000, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C', ...env }, ...(user ?? {}) });
  if (r.status !== 0) throw new Error(`${bin} ${args[0] ?? ''} failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stderr}${r.stdout}`);
}

/** initdb + postgres on a Unix socket in a fresh temp folder; resolves once the server accepts connections. */
export async function startCluster(): Promise<Cluster> {
  const bin = findPgBin();
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'runsafe-pg-'));
  const data = join(dir, 'data');
  if (user) chownSync(dir, user.uid, user.gid);
  run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth-local=trust', '--auth-host=reject', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'], user);
  // Password roles (the tests' `app` users) must authenticate; the superuser is trusted inside the 0700 folder.
  const hba = join(data, 'pg_hba.conf');
  writeFileSync(hba, 'local all postgres trust\nlocal all all scram-sha-256\n');
  appendFileSync(join(data, 'postgresql.conf'), "\nlisten_addresses = ''\nfsync = off\nfull_page_writes = off\nsynchronous_commit = off\nmax_connections = 30\nshared_buffers = 32MB\n");
  const port = 5432;
  const args = ['-D', data, '-k', dir, '-p', String(port)];
  // The watchdog: `read` returns when our end of its stdin closes (we exited or were killed), then it stops the server.
  const watchdog = `"$@" & pid=$!; trap 'kill -INT $pid 2>/dev/null' TERM; read _ ; kill -INT $pid 2>/dev/null; wait $pid; rm -rf "${dir}"`;
  const child = spawn('sh', ['-c', watchdog, 'pg-watchdog', join(bin, 'postgres'), ...args], { stdio: ['pipe', 'ignore', 'pipe'], env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C' }, ...(user ?? {}) });
  live.add(child);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const c of live) c.stdin?.end();
    });
  }
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`PostgreSQL did not start within 60 s:\n${log}`)), 60_000);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.stdin?.end();
      reject(err);
    };
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (t: string) => {
      if (log.length < 100_000) log += t;
      if (log.includes('database system is ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => fail(new Error(`PostgreSQL exited (${code}) before it was ready:\n${log}`)));
  });
  child.stderr!.resume();
  const env = { PGHOST: dir, PGPORT: String(port), PGUSER: 'postgres', PGDATABASE: 'postgres' };
  const psqlBin = join(bin, 'psql');
  const cluster: Cluster = {
    socketDir: dir,
    port,
    env,
    bin,
    url: (role = 'postgres', password, db = 'postgres') =>
      `postgresql://${encodeURIComponent(role)}${password !== undefined ? `:${encodeURIComponent(password)}` : ''}@${encodeURIComponent(dir)}:${port}/${encodeURIComponent(db)}`,
    psql(sql, db = 'postgres') {
      const r = spawnSync(psqlBin, ['--no-psqlrc', '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-f', '-'], { input: sql, encoding: 'utf8', timeout: 120_000, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env, PGDATABASE: db } });
      if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
      return r.stdout;
    },
    async stop() {
      if (!live.has(child)) return;
      live.delete(child);
      const exited = new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve();
        else child.once('exit', () => resolve());
      });
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return cluster;
}
