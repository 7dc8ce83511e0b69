// `runsafe verify --pg …`: the audit chain in a PostgreSQL table, verified where it lives.
import type { ChainMapping } from '../signing/chain-mapping';
import type { TrustKey } from '../signing/trust-index';
import { PgSourceError, type PgReport } from '../node/pg-chain';
import { runVerifyJob } from '../node/verify-worker';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError, type CliIo } from './command';
import { writeJson } from './key-options';

export const PG_HELP = `
Verifying a table (--pg instead of a file):
  runsafe verify --pg <ENV_VAR | url> --table <name> [--column record]
                 [--order-by seq] [--where <sql> | --since <30m | 2026-05-01T00:00Z>
                 [--time-column recorded_at]] [--checkpoint FILE]
                 [--strict [--quarantine-table <name>]] --mapping … --trust …
  --pg                 the connection: the NAME of an environment variable holding
                       it (DATABASE_URL), or a URL without a password (a password
                       on the command line is visible to every user: refused)
  --table/--column     the table, and its column with each record's exact bytes
                       (bytea or text; never json/jsonb, which PostgreSQL re-encodes)
  --order-by           the column giving chain order (default seq)
  --where/--since      verify a contiguous window; its first link is checked
                       against the row just before it, indexes stay absolute
  --checkpoint FILE    verify only rows after those FILE records as verified, and
                       re-hash those against FILE's per-10,000-row digests (a changed,
                       removed or reordered verified row is a HASH_CHAIN_BREACH);
                       FILE is written only when the table verifies
  --quarantine-table   strict mode: each rejected row's exact bytes (bytea), index,
                       id, reasons and key go to this table (created if missing);
                       the source table is only ever read (READ ONLY transaction)
`;

/** Reads the connection from `--pg`: an environment variable's name, or a URL that holds no password. */
export function pgConnection(value: string, env: NodeJS.ProcessEnv): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
    const v = env[value];
    if (!v) throw new UsageError(`--pg ${value}: the environment variable ${value} is not set (export it with the connection URL)`);
    return v;
  }
  if (/^postgres(ql)?:\/\//i.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new UsageError('--pg: not a valid postgres:// URL');
    }
    if (url.password || url.searchParams.has('password')) throw new UsageError('--pg: the URL holds a password, which the command line shows to every user of this machine; put the URL in an environment variable and pass its name (--pg DATABASE_URL)');
    return value;
  }
  if (/\bpassword\s*=/.test(value)) throw new UsageError('--pg: the connection string holds a password; put it in an environment variable and pass its name');
  return value;
}

/** The options only a table verification takes (parsed beside verify's own). */
export const PG_OPTIONS = {
  pg: { type: 'string' },
  table: { type: 'string' },
  column: { type: 'string' },
  'order-by': { type: 'string' },
  where: { type: 'string' },
  since: { type: 'string' },
  'time-column': { type: 'string' },
  checkpoint: { type: 'string' },
  'quarantine-table': { type: 'string' },
} as const;

/** Lines a table verification adds to the report: the window, the checkpoint, the quarantine. */
export function describePg(r: PgReport, values: Record<string, unknown>): string {
  const out: string[] = [];
  if (r.firstIndex > 0 && !r.checkpoint) out.push(`  window: from record ${r.firstIndex}; its first link checked against the row before it`);
  if (r.checkpoint) out.push(`  checkpoint: ${r.checkpoint.previous} rows verified before (re-hashed), ${r.checkpoint.now - r.checkpoint.previous} new; ${r.checkpoint.written ? `${values.checkpoint as string} now records ${r.checkpoint.now}` : `${values.checkpoint as string} left as it was (the table did not verify)`}`);
  if (values['quarantine-table']) out.push(`  quarantined: ${r.quarantined} rows into ${values['quarantine-table'] as string}${r.rejected > r.quarantined ? ` (${r.rejected - r.quarantined} were there already)` : ''}`);
  return out.length ? `${out.join('\n')}\n` : '';
}

export async function verifyPg(
  values: Record<string, unknown>,
  chain: { mapping: ChainMapping; trustKeys: TrustKey[]; expectCount?: number },
  io: CliIo,
  describe: (name: string, r: PgReport) => string,
): Promise<number> {
  if (!values.table) throw new UsageError('--pg needs --table <name>');
  if (values['quarantine-table'] && !values.strict) throw new UsageError('--quarantine-table needs --strict (non-strict mode admits failing rows)');
  if (values.quarantine) throw new UsageError('--quarantine writes a file; with --pg use --quarantine-table <name>');
  if (values.where && values.since) throw new UsageError('give --where or --since, not both');
  const connection = pgConnection(values.pg as string, io.env);
  let report: PgReport;
  try {
    report = (await runVerifyJob({ kind: 'pg', trustKeys: chain.trustKeys, options: {
      source: {
        connection,
        table: values.table as string,
        column: (values.column as string | undefined) ?? 'record',
        orderBy: (values['order-by'] as string | undefined) ?? 'seq',
        where: values.where as string | undefined,
        since: values.since as string | undefined,
        timeColumn: (values['time-column'] as string | undefined) ?? 'recorded_at',
      },
      mapping: chain.mapping,
      strict: values.strict === true,
      quarantineTable: values['quarantine-table'] as string | undefined,
      checkpoint: values.checkpoint as string | undefined,
      expectCount: chain.expectCount,
      expectHead: values['expect-head'] as string | undefined,
      maxRecordBytes: values['max-record-bytes'] === undefined ? undefined : Number(values['max-record-bytes']),
    } })) as PgReport;
  } catch (err) {
    if (err instanceof PgSourceError) {
      io.stderr.write(`runsafe verify: ${err.message}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
  if (values.format === 'json') writeJson(io, { kind: 'chain', source: 'postgresql', ...report });
  else io.stdout.write(describe(`table ${report.table}`, report));
  const ok = report.verdict === 'verified' || (report.verdict === 'unsigned' && values['allow-unsigned'] === true);
  return ok ? EXIT_OK : EXIT_FINDINGS;
}
