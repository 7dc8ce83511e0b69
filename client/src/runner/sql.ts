// Runs `sql` steps through psql without ever putting the connection string (and its password) on a command line.
import { randomBytes } from 'node:crypto';
import type { PlanStep } from './plan-types';
import type { ProcessResult } from './process';
import { checkExpect, type CheckResult } from './expect';
import { libpqEnv } from '../node/libpq-env';

export { libpqEnv };
import { buildScript, readLastResult, scanSql, typedCell, type ResultMarkers, type ScannedSql } from './sql-script';

/**
 * The psql command a sql step runs; the SQL goes to its stdin, the connection to its environment.
 * ON_ERROR_STOP makes the first failing statement end the script (exit 3); --single-transaction
 * wraps the whole script in BEGIN/COMMIT, so that failure rolls everything back.
 */
export const PSQL_COMMAND = 'exec psql --no-psqlrc --quiet -v ON_ERROR_STOP=1 --single-transaction -f -';
const PSQL_COMMAND_NO_TRANSACTION = 'exec psql --no-psqlrc --quiet -v ON_ERROR_STOP=1 -f -';

/** What the engine runs for a sql step. */
export interface SqlInvocation {
  command: string;
  input: string;
  /** libpq variables of the connection, set deliberately for this step (never inherited). */
  env: Record<string, string>;
  scanned: ScannedSql;
  origin: number[];
  markers?: ResultMarkers;
  /** The password inside a secret connection URL: a secret of its own, to mask on its own. */
  password?: string;
}

type Vars = ReadonlyMap<string, { value: string; secret: boolean }>;

/**
 * Prepares a sql step: the connection URL (an input, a capture or the operator's variable named by
 * `database`) becomes PG* variables; each input or capture the SQL names as `:'NAME'` or `:"NAME"`
 * is bound with psql's `\getenv` from the step's environment, so its value is quoted by psql and
 * never becomes SQL text. `:NAME` unquoted would paste the value into the SQL: refused.
 */
export function prepareSql(step: PlanStep, vars: Vars, operatorEnv: Record<string, string | undefined> | undefined): SqlInvocation | { error: string } {
  const name = step.database ?? 'DATABASE_URL';
  const url = vars.get(name)?.value ?? operatorEnv?.[name];
  if (!url) return { error: `sql step needs the connection URL in ${name} (an input or the operator's environment)` };
  const env = libpqEnv(url);
  if ('error' in env) return { error: String(env.error) };
  const sql = step.run ?? '';
  const scanned = scanSql(sql);
  const bind = new Set<string>();
  for (const v of scanned.variables) {
    if (!vars.has(v.name)) continue;
    if (v.form === 'raw') {
      const line = step.sqlLines?.[v.line - 1];
      return { error: `${line ? `runbook line ${line}: ` : ''}:${v.name} would paste the value of ${v.name} into the SQL text; write :'${v.name}' (a quoted literal) or :"${v.name}" (a quoted identifier)` };
    }
    bind.add(v.name);
  }
  let markers: ResultMarkers | undefined;
  if (step.expect?.rows !== undefined || step.expect?.row !== undefined) {
    if (!scanned.statements.length || scanned.endsWithMeta) return { error: 'expect rows/row checks the result of the last statement, but this sql step does not end with an SQL statement' };
    const nonce = randomBytes(6).toString('hex');
    markers = { nonce, nullText: `NULL-${nonce}` };
  }
  const built = buildScript(sql, scanned, [...bind], markers);
  return {
    command: step.transaction === false ? PSQL_COMMAND_NO_TRANSACTION : PSQL_COMMAND,
    input: built.text,
    env: { PGAPPNAME: 'runsafe', ...env },
    scanned,
    origin: built.origin,
    ...(markers ? { markers } : {}),
    ...(env['PGPASSWORD'] && (vars.get(name)?.secret ?? true) ? { password: env['PGPASSWORD'] } : {}),
  };
}

/** psql's first error, located at the runbook line of the statement that failed. */
function describeError(step: PlanStep, inv: SqlInvocation, stderr: string): string | undefined {
  const located = /^psql:<stdin>:(\d+): (?:ERROR|FATAL|PANIC):\s+(.*)$/m.exec(stderr);
  if (!located) {
    const other = /^psql: error: (.*)$/m.exec(stderr) ?? /^psql:<stdin>:\d+: (.*)$/m.exec(stderr);
    return other ? other[1]!.trim() : undefined;
  }
  const message = located[2]!.trim();
  const sqlLine = inv.origin[Number(located[1]) - 1] ?? 0;
  if (!sqlLine) return message;
  const statement = inv.scanned.statements.find((s) => s.startLine <= sqlLine && sqlLine <= s.endLine);
  // "LINE n:" counts from the statement's first line when the server knows the position.
  const within = /^LINE (\d+):/m.exec(stderr.slice(located.index));
  const line = statement ? statement.startLine + (within ? Number(within[1]) - 1 : 0) : sqlLine;
  const runbookLine = step.sqlLines?.[line - 1];
  const text = (step.run ?? '').split('\n')[line - 1]?.trim() ?? '';
  return `${message} (${runbookLine ? `runbook line ${runbookLine}` : `line ${line} of the SQL`}: ${text.length > 80 ? `${text.slice(0, 77)}...` : text})`;
}

function relabel(results: CheckResult[], from: string, to: string): CheckResult[] {
  return results.map((r) => ({ ...r, check: r.check.startsWith(from) ? to + r.check.slice(from.length) : r.check }));
}

/** The checks of a finished sql step: psql's error (located), then `expect` on rows, the first row and the streams. */
export function checkSql(step: PlanStep, inv: SqlInvocation, result: ProcessResult): CheckResult[] {
  const { rows, row, ...streams } = step.expect ?? {};
  const out: CheckResult[] = [];
  const accepted = streams.exit?.length ? streams.exit : [0];
  if (result.exitCode !== undefined && !accepted.includes(result.exitCode)) {
    const error = describeError(step, inv, result.stderr);
    if (error) out.push({ check: 'sql', ok: false, detail: `${error}${step.transaction === false ? '' : '; the step was rolled back'}` });
  }
  out.push(...checkExpect(streams, result));
  if (result.exitCode !== 0 || !inv.markers) return out;
  const last = readLastResult(result.stdout, inv.markers);
  if (!last) return [...out, { check: 'rows', ok: false, detail: 'the result of the last statement was not found in psql output' }];
  const observe = (doc: unknown) => ({ exitCode: 0, stdout: JSON.stringify(doc), stderr: '' });
  if (rows !== undefined) out.push(...relabel(checkExpect({ json: { rows } }, observe({ rows: last.rowCount })).slice(1), 'json rows', 'rows'));
  if (row !== undefined) {
    const first = last.rows[0];
    if (!first) out.push({ check: 'row', ok: false, detail: 'the last statement returned no rows' });
    else {
      const doc = Object.fromEntries(last.columns.map((c, k) => [c, typedCell(first[k] ?? null, last.types[k] ?? 'text')]));
      out.push(...relabel(checkExpect({ json: row }, observe(doc)).slice(1), 'json ', 'row '));
    }
  }
  return out;
}

