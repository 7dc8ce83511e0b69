// A libpq connection string (URL or key=value pairs) as PG* environment variables, so no password is ever on a command line.

const URL_PARAMS: Record<string, string> = {
  sslmode: 'PGSSLMODE',
  sslrootcert: 'PGSSLROOTCERT',
  sslcert: 'PGSSLCERT',
  sslkey: 'PGSSLKEY',
  connect_timeout: 'PGCONNECT_TIMEOUT',
  application_name: 'PGAPPNAME',
  options: 'PGOPTIONS',
  target_session_attrs: 'PGTARGETSESSIONATTRS',
};

const CONNINFO_KEYS: Record<string, string> = { host: 'PGHOST', hostaddr: 'PGHOSTADDR', port: 'PGPORT', dbname: 'PGDATABASE', user: 'PGUSER', password: 'PGPASSWORD', ...URL_PARAMS };

/**
 * libpq environment variables for a connection string (`postgres://user:pw@host:5432/db?sslmode=require`
 * or `host=… dbname=…`). Passing them by environment keeps the password out of `ps` output,
 * where `psql "$DATABASE_URL"` would show it to every user of the machine.
 */
export function libpqEnv(connection: string): Record<string, string> | { error: string } {
  const text = connection.trim();
  if (/^postgres(ql)?:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return { error: 'the database URL is not a valid URL' };
    }
    const env: Record<string, string> = {};
    if (url.hostname) env['PGHOST'] = decodeURIComponent(url.hostname.replace(/^\[|\]$/g, ''));
    if (url.port) env['PGPORT'] = url.port;
    if (url.username) env['PGUSER'] = decodeURIComponent(url.username);
    if (url.password) env['PGPASSWORD'] = decodeURIComponent(url.password);
    const db = decodeURIComponent(url.pathname.replace(/^\//, ''));
    if (db) env['PGDATABASE'] = db;
    for (const [k, v] of url.searchParams) {
      const name = URL_PARAMS[k] ?? (k === 'host' ? 'PGHOST' : k === 'port' ? 'PGPORT' : k === 'user' ? 'PGUSER' : k === 'password' ? 'PGPASSWORD' : k === 'dbname' ? 'PGDATABASE' : undefined);
      if (!name) return { error: `the database URL has a parameter runsafe cannot pass safely: ${k}` };
      env[name] = v;
    }
    return env;
  }
  const env: Record<string, string> = {};
  const re = /\s*([A-Za-z_]+)\s*=\s*('(?:[^'\\]|\\.)*'|\S*)/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(text))) {
    const name = CONNINFO_KEYS[m[1]!];
    if (!name) return { error: `the connection string has a key runsafe cannot pass safely: ${m[1]}` };
    const raw = m[2]!;
    env[name] = raw.startsWith("'") ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    consumed = re.lastIndex;
  }
  if (text.slice(consumed).trim() !== '' || !Object.keys(env).length) return { error: 'the database connection string is neither a postgres:// URL nor key=value pairs' };
  return env;
}
