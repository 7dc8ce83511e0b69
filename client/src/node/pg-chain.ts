// Verifies an audit chain stored in a PostgreSQL table, streamed through a server-side cursor; quarantine table and checkpoints.
//
// The rows are read in chain order inside one READ ONLY REPEATABLE READ transaction (a consistent
// snapshot; the server refuses any write on that connection), through a server-side cursor
// (DECLARE … NO SCROLL CURSOR, then FETCH 256 at a time with binary results, so a bytea arrives
// as its bytes rather than as hex text twice its size): memory stays flat whatever the table's size.
// The source table is never written to. Rejected rows (strict mode) go to the quarantine table
// over a second connection, in one transaction committed at the end.
import { createHash, type Hash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import type { Client, ClientConfig, QueryArrayConfig } from 'pg';
import { createVerifier, SEVERITY, type Finding, type VerificationReport, type VerifierOptions } from '../signing/verifier';
import type { ChainMapping } from '../signing/chain-mapping';
import type { KeyLookup } from '../signing/trust-index';
import { nativeCrypto } from './native-crypto';
import { toHex } from '../signing/bytes';
import { encodeBytes } from '../signing/chain-writer';
import { libpqEnv } from './libpq-env';
import { DEFAULT_MAX_RECORD_BYTES } from './line-reader';
import { createSignatureLane, SignatureLaneError, type LaneMode } from './signature-lane';

export interface PgSource {
  /** postgres:// URL or key=value connection string. */
  connection: string;
  table: string;
  /** Column holding each record's exact bytes (bytea or text). */
  column: string;
  /** Column giving the chain order (unique, increasing). */
  orderBy: string;
  /** SQL condition selecting a contiguous window of the chain (run in a read-only transaction). */
  where?: string;
  /** Only rows whose time column is at or after this (a timestamp, or a duration back from now: 1h, 30m). */
  since?: string;
  timeColumn: string;
}

export interface PgVerifyOptions {
  source: PgSource;
  mapping: ChainMapping;
  keys: KeyLookup;
  strict?: boolean;
  /** Strict mode: the table rejected rows' bytes go to (created when missing). */
  quarantineTable?: string;
  /** JSON file recording what was verified; only rows after it are verified again. */
  checkpoint?: string;
  expectCount?: number;
  expectHead?: string;
  maxFindings?: number;
  /** Rows per cursor fetch. */
  batchSize?: number;
  /** Longer records are MALFORMED_RECORD record_too_large: the server sends only their length and SHA-256 (default 16 MiB). */
  maxRecordBytes?: number;
  /** The second core for signatures (signature-lane.ts); default from RUNSAFE_VERIFY_LANE, else `auto`. */
  lane?: LaneMode;
}

export interface PgReport extends VerificationReport {
  /** Rows verified in this run (not counting those only re-hashed against the checkpoint). */
  table: string;
  /** Index of the first row verified in this run (rows before it came from the checkpoint or lie before the window). */
  firstIndex: number;
  checkpoint?: { previous: number; now: number; written: boolean };
  quarantined: number;
}

/** A clear, located failure (bad table, column, connection, permission): exit code 2. */
export class PgSourceError extends Error {
  override name = 'PgSourceError';
}

const CHECKPOINT_FORMAT = 'runsafe-pg-checkpoint/1';
/** Rows per stored window digest in a checkpoint: 1,000,000 rows need 100 digests. */
const WINDOW = 10_000;

interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  source: { table: string; column: string; order_by: string };
  count: number;
  last_hash: string;
  last_seq: number | null;
  last_order: string | null;
  signed: boolean;
  window: number;
  /** SHA-256 over the SHA-256 of each row of window i (rows i*window up to the next window or count). */
  windows: string[];
  verified_at: string;
}

/** `name` or `schema.name`, each part quoted so no text of it is ever SQL. */
export function quoteIdent(name: string, what: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/.test(name)) throw new PgSourceError(`${what} ${JSON.stringify(name)} is not a table or column name (letters, digits, _ and $; schema.table allowed)`);
  return name.split('.').map((p) => `"${p}"`).join('.');
}

function clientConfig(connection: string): ClientConfig {
  if (/^postgres(ql)?:\/\//i.test(connection.trim())) return { connectionString: connection.trim(), application_name: 'runsafe verify' };
  const env = libpqEnv(connection);
  if ('error' in env) throw new PgSourceError(String(env.error));
  return {
    host: env['PGHOST'],
    port: env['PGPORT'] ? Number(env['PGPORT']) : undefined,
    user: env['PGUSER'],
    password: env['PGPASSWORD'],
    database: env['PGDATABASE'],
    application_name: env['PGAPPNAME'] ?? 'runsafe verify',
    ...(env['PGSSLMODE'] && env['PGSSLMODE'] !== 'disable' ? { ssl: { rejectUnauthorized: env['PGSSLMODE'] === 'verify-full' || env['PGSSLMODE'] === 'verify-ca' } } : {}),
  };
}

/** A message for a database error, without a stack, naming what failed. */
function dbError(what: string, err: unknown): PgSourceError {
  const e = err as { message?: string; code?: string };
  const code = e.code && /^[0-9A-Z]{5}$/.test(e.code) ? ` (SQLSTATE ${e.code})` : '';
  const msg = e.code === 'ENOENT' || e.code === 'ECONNREFUSED' ? 'no server is listening there' : (e.message ?? String(err)).split('\n')[0];
  return new PgSourceError(`${what}: ${msg}${code}`);
}

async function connect(connection: string): Promise<Client> {
  const pg = await import('pg');
  const ClientClass = (pg.default?.Client ?? (pg as unknown as { Client: typeof Client }).Client) as typeof Client;
  const client = new ClientClass({ ...clientConfig(connection), connectionTimeoutMillis: 30_000, query_timeout: undefined });
  try {
    await client.connect();
  } catch (err) {
    throw dbError('cannot connect to the database', err);
  }
  return client;
}

/** Parses `--since`: a duration back from now (90s, 30m, 1h, 7d) or an ISO 8601 timestamp. */
export function sinceTimestamp(since: string, now = Date.now()): string {
  const m = /^(\d+)(s|m|h|d)$/.exec(since);
  if (m) return new Date(now - Number(m[1]) * { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[m[2] as 's' | 'm' | 'h' | 'd']).toISOString();
  const t = Date.parse(since);
  if (!/^\d{4}-\d{2}-\d{2}/.test(since) || Number.isNaN(t)) throw new PgSourceError(`--since ${JSON.stringify(since)} is neither a duration (30m, 1h, 7d) nor a timestamp (2026-05-01T12:00:00Z)`);
  return new Date(t).toISOString();
}

function readCheckpoint(path: string, source: PgSource): Checkpoint | undefined {
  if (!existsSync(path)) return undefined;
  let doc: Checkpoint;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8')) as Checkpoint;
  } catch (err) {
    throw new PgSourceError(`checkpoint ${path}: not JSON (${(err as Error).message})`);
  }
  if (doc?.format !== CHECKPOINT_FORMAT || !Number.isInteger(doc.count) || !Array.isArray(doc.windows) || typeof doc.last_hash !== 'string') throw new PgSourceError(`checkpoint ${path}: not a ${CHECKPOINT_FORMAT} file`);
  const s = doc.source;
  if (s.table !== source.table || s.column !== source.column || s.order_by !== source.orderBy) {
    throw new PgSourceError(`checkpoint ${path} records table ${s.table} (column ${s.column}, order ${s.order_by}), not ${source.table} (column ${source.column}, order ${source.orderBy})`);
  }
  return doc;
}

function writeCheckpoint(path: string, cp: Checkpoint): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(cp, null, 1)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Adds a finding the verifier could not see (checkpoint mismatch) to its report, as the verifier would have. */
function addFinding(r: VerificationReport, f: Omit<Finding, 'severity'>, maxFindings: number): void {
  const key = `${f.kind}:${f.reason}`;
  r.counts[key] = (r.counts[key] ?? 0) + 1;
  if (f.kind === 'HASH_CHAIN_BREACH' && !r.firstHashChainBreach) r.firstHashChainBreach = { index: f.index, id: f.id, reason: f.reason };
  if (r.findings.length < maxFindings) r.findings.push({ ...f, severity: SEVERITY[f.kind] });
  else r.findingsTruncated = true;
  r.failing++;
  r.verdict = 'failed';
}

const QUARANTINE_COLUMNS = `id bigserial PRIMARY KEY,
  source_table text NOT NULL,
  record_index bigint NOT NULL,
  record_id text,
  order_value text,
  reason text NOT NULL,
  reasons text[] NOT NULL,
  signing_key_id text,
  record_bytes bytea NOT NULL,
  record_sha256 text NOT NULL,
  quarantined_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source_table, record_index, record_sha256)`;

interface Rejected {
  index: number;
  id: string | null;
  order: string | null;
  reason: string;
  reasons: string[];
  keyId: string | null;
  bytes: Buffer;
  sha256: string;
}

async function openQuarantine(connection: string, table: string): Promise<{ client: Client; insert(rows: Rejected[], source: string): Promise<number>; commit(): Promise<void>; rollback(): Promise<void> }> {
  const q = quoteIdent(table, 'quarantine table');
  const client = await connect(connection);
  try {
    const exists = await client.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [q]);
    if (exists.rows[0]?.t === null || exists.rows[0]?.t === undefined) await client.query(`CREATE TABLE ${q} (\n  ${QUARANTINE_COLUMNS}\n)`);
    await client.query('BEGIN');
  } catch (err) {
    await client.end().catch(() => undefined);
    throw dbError(`quarantine table ${table}`, err);
  }
  return {
    client,
    async insert(rows, source) {
      if (!rows.length) return 0;
      const values: unknown[] = [];
      const tuples = rows.map((r, k) => {
        values.push(source, r.index, r.id, r.order, r.reason, r.reasons, r.keyId, r.bytes, r.sha256);
        return `(${Array.from({ length: 9 }, (_, j) => `$${k * 9 + j + 1}`).join(', ')})`;
      });
      try {
        const res = await client.query(
          `INSERT INTO ${q} (source_table, record_index, record_id, order_value, reason, reasons, signing_key_id, record_bytes, record_sha256) VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING`,
          values,
        );
        return res.rowCount ?? 0;
      } catch (err) {
        throw dbError(`writing to quarantine table ${table}`, err);
      }
    },
    async commit() {
      try {
        await client.query('COMMIT');
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    async rollback() {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}

/** The column's type, or a clear error when the table or column does not exist or cannot hold exact bytes. */
async function columnType(client: Client, table: string, column: string): Promise<string> {
  const r = await client.query<{ t: string | null; type: string | null }>(
    'SELECT to_regclass($1)::text AS t, (SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = $2 AND NOT attisdropped) AS type',
    [quoteIdent(table, 'table'), column],
  );
  const row = r.rows[0];
  if (!row?.t) throw new PgSourceError(`table ${table} does not exist (or this role cannot see it)`);
  if (!row.type) throw new PgSourceError(`table ${table} has no column ${column} (give the column holding each record's bytes with --column)`);
  if (row.type === 'json' || row.type === 'jsonb') throw new PgSourceError(`column ${table}.${column} is ${row.type}: PostgreSQL re-encodes it, so the signed bytes are lost; store records as bytea (or text)`);
  if (row.type !== 'bytea' && row.type !== 'text' && !row.type.startsWith('character varying')) throw new PgSourceError(`column ${table}.${column} is ${row.type}; records must be bytea or text`);
  return row.type;
}

function lastSeqOf(bytes: Buffer | undefined, mapping: ChainMapping): number | null | undefined {
  if (!bytes || !mapping.seq) return undefined;
  try {
    const v = (JSON.parse(bytes.toString('utf8')) as Record<string, unknown>)[mapping.seq];
    return typeof v === 'number' ? v : null;
  } catch {
    return null;
  }
}

/** Streams the table in chain order through the verifier; see the file header. */
export async function verifyTable(o: PgVerifyOptions): Promise<PgReport> {
  const { source } = o;
  const table = quoteIdent(source.table, 'table');
  const col = quoteIdent(source.column, 'column');
  const order = quoteIdent(source.orderBy, 'order column');
  const maxFindings = o.maxFindings ?? 1000;
  const batch = o.batchSize ?? 256;
  const checkpoint = o.checkpoint ? readCheckpoint(o.checkpoint, source) : undefined;
  if (o.checkpoint && (source.where || source.since)) throw new PgSourceError('--checkpoint verifies the whole table incrementally; it cannot be combined with --where or --since');
  const conds: string[] = [];
  const params: unknown[] = [];
  if (source.where) conds.push(`(${source.where})`);
  if (source.since) {
    params.push(sinceTimestamp(source.since));
    conds.push(`${quoteIdent(source.timeColumn, 'time column')} >= $${params.length}::timestamptz`);
  }
  const where = conds.length ? ` WHERE ${conds.join(' AND ')}` : '';
  const maxRecord = o.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;

  const client = await connect(source.connection);
  let colType = 'bytea';
  let quarantine: Awaited<ReturnType<typeof openQuarantine>> | undefined;
  let lane: ReturnType<typeof createSignatureLane>;
  try {
    try {
      // One snapshot for the whole read; READ ONLY makes the server refuse any write on this connection.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      colType = await columnType(client, source.table, source.column);
    } catch (err) {
      throw err instanceof PgSourceError ? err : dbError(`reading ${source.table}`, err);
    }

    // A window (--where/--since) continues from the row just before it, at its absolute index.
    let continueFrom: VerifierOptions['continueFrom'];
    let firstIndex = 0;
    if (where) {
      try {
        const first = await client.query<{ k: string }>(`SELECT ${order}::text AS k FROM ${table}${where} ORDER BY ${order} LIMIT 1`, params);
        const k = first.rows[0]?.k;
        if (k !== undefined) {
          // The row before the window crosses the wire only under the record limit; a larger one
          // anchors the first link by the SHA-256 the server computes (as in the main read).
          const raw = colType === 'bytea' ? col : `convert_to(${col}, 'UTF8')`;
          const before = await client.query<{ r: Buffer | string | null; h: Buffer | null; n: string }>(
            `SELECT CASE WHEN octet_length(${raw}) > $2::bigint THEN NULL ELSE ${col} END AS r, CASE WHEN octet_length(${raw}) > $2::bigint THEN sha256(${raw}) END AS h, (SELECT count(*) FROM ${table} WHERE ${order} < b.k)::text AS n FROM (SELECT ${order} AS k, ${col} FROM ${table} WHERE ${order} < (SELECT ${order} FROM ${table} WHERE ${order}::text = $1 LIMIT 1) ORDER BY ${order} DESC LIMIT 1) b`,
            [k, maxRecord],
          );
          const prev = before.rows[0];
          if (prev) {
            firstIndex = Number(prev.n) + 1;
            if (prev.h) continueFrom = { index: firstIndex, hash: encodeBytes(new Uint8Array(prev.h), o.mapping.hashEncoding), seq: null, afterOversized: true };
            else {
              const bytes = prev.r === null ? Buffer.alloc(0) : typeof prev.r === 'string' ? Buffer.from(prev.r, 'utf8') : prev.r;
              let seq: number | null = null;
              let signed: boolean | undefined;
              try {
                const obj = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
                if (o.mapping.seq && typeof obj[o.mapping.seq] === 'number') seq = obj[o.mapping.seq] as number;
                signed = obj[o.mapping.sig] !== undefined && obj[o.mapping.sig] !== null;
              } catch {
                // A malformed row before the window: its hash still anchors the first link.
              }
              continueFrom = { index: firstIndex, hash: encodeBytes(nativeCrypto.sha256(bytes), o.mapping.hashEncoding), seq, ...(signed !== undefined ? { signed } : {}) };
            }
          }
        }
      } catch (err) {
        throw dbError(`reading the window of ${source.table}`, err);
      }
    }
    if (checkpoint) {
      firstIndex = checkpoint.count;
      continueFrom = { index: checkpoint.count, hash: checkpoint.last_hash, seq: checkpoint.last_seq, signed: checkpoint.signed };
    }

    if (o.strict && o.quarantineTable) quarantine = await openQuarantine(source.connection, o.quarantineTable);
    const pending: Rejected[] = [];
    const orders = new Map<number, string | null>();
    // Oversized rows' SHA-256 by index: quarantined as that hash, with empty bytes.
    const bigRows = new Map<number, string>();
    let quarantined = 0;
    lane = createSignatureLane(o.lane);
    await lane?.started();
    const verifier = createVerifier({
      lane,
      mapping: o.mapping,
      keys: o.keys,
      crypto: nativeCrypto,
      strict: o.strict,
      maxFindings,
      expectCount: o.expectCount,
      expectHead: o.expectHead,
      continueFrom,
      onReject: quarantine
        ? (bytes, _terminated, findings, index) => {
            const b = Buffer.from(bytes);
            const big = bigRows.get(index);
            bigRows.delete(index);
            pending.push({
              index,
              id: findings[0]?.id ?? null,
              order: orders.get(index) ?? null,
              reason: findings[0]?.reason ?? 'unknown',
              reasons: findings.map((f) => `${f.kind}:${f.reason}`),
              keyId: findings.find((f) => f.keyId)?.keyId ?? null,
              bytes: b,
              sha256: big ?? toHex(nativeCrypto.sha256(b)),
            });
          }
        : undefined,
    });

    // Checkpoint digests: every row's hash feeds its window's digest, re-derived on each run.
    const digests: string[] = [];
    let windowHash: Hash = createHash('sha256');
    let index = 0;
    let lastOrder: string | null = checkpoint?.last_order ?? null;
    const mismatches: { index: number; window: number }[] = [];
    const closeWindow = (): void => {
      digests.push(windowHash.digest('hex'));
      windowHash = createHash('sha256');
    };

    let lastBytes: Buffer | undefined;
    try {
      // A record over the limit never crosses the wire: the server sends its length and SHA-256
      // instead (the chain goes on from that hash), so one huge row cannot fill this process.
      const raw = colType === 'bytea' ? col : `convert_to(${col}, 'UTF8')`;
      params.push(maxRecord);
      const over = `octet_length(${raw}) > $${params.length}::bigint`;
      await client.query(
        `DECLARE runsafe_chain NO SCROLL CURSOR FOR SELECT ${order}::text AS k, CASE WHEN ${over} THEN NULL ELSE ${col} END AS r, CASE WHEN ${over} THEN sha256(${raw}) END AS h, octet_length(${raw})::text AS n FROM ${table}${where} ORDER BY ${order}`,
        params,
      );
      for (;;) {
        // Binary results: a bytea arrives as its raw bytes, not as a hex string twice its size.
        const fetch = { text: `FETCH ${batch} FROM runsafe_chain`, binary: true, rowMode: 'array' } as QueryArrayConfig;
        const rows = (await client.query(fetch)).rows as [string | Buffer, Buffer | string | null, Buffer | null, Buffer | string | null][];
        if (!rows.length) break;
        for (const [key, value, bigHash, bigLength] of rows) {
          const row = { k: typeof key === 'string' ? key : key.toString('utf8') };
          if (bigHash) {
            // Oversized: only its hash is known; it is reported and quarantined without its bytes.
            const length = Number(typeof bigLength === 'string' ? bigLength : (bigLength?.toString('utf8') ?? 0));
            if (o.checkpoint) windowHash.update(bigHash);
            if (checkpoint && index < checkpoint.count) {
              const w = Math.floor(index / WINDOW);
              if (index + 1 === Math.min((w + 1) * WINDOW, checkpoint.count) && windowHash.copy().digest('hex') !== checkpoint.windows[w]) mismatches.push({ index: w * WINDOW, window: w });
            } else {
              orders.set(checkpoint ? index : firstIndex + index, row.k);
              bigRows.set(checkpoint ? index : firstIndex + index, toHex(bigHash));
              verifier.pushOversized(length, new Uint8Array(bigHash), true, maxRecord);
              const wait = verifier.ready();
              if (wait) await wait;
              lastOrder = row.k;
              lastBytes = undefined;
            }
            if (o.checkpoint && (index + 1) % WINDOW === 0) closeWindow();
            index++;
            continue;
          }
          const bytes = value === null ? Buffer.alloc(0) : typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
          if (o.checkpoint) windowHash.update(nativeCrypto.sha256(bytes));
          if (checkpoint && index < checkpoint.count) {
            // Already verified: only re-hashed, and each window's digest must match the checkpoint's.
            const w = Math.floor(index / WINDOW);
            if (index + 1 === Math.min((w + 1) * WINDOW, checkpoint.count) && windowHash.copy().digest('hex') !== checkpoint.windows[w]) mismatches.push({ index: w * WINDOW, window: w });
          } else {
            orders.set(checkpoint ? index : firstIndex + index, row.k);
            verifier.push(bytes, true);
            const wait = verifier.ready();
            if (wait) await wait;
            lastOrder = row.k;
            lastBytes = bytes;
          }
          if (o.checkpoint && (index + 1) % WINDOW === 0) closeWindow();
          index++;
        }
        if (quarantine && pending.length) quarantined += await quarantine.insert(pending.splice(0), source.table);
        // Rows the verifier has finished need no order value any more (only a rejected row's is used).
        if (orders.size > 4 * batch) {
          const settled = verifier.unsettled();
          for (const k of orders.keys()) {
            if (k >= settled) break;
            orders.delete(k);
          }
        }
      }
      await verifier.drain();
    } catch (err) {
      throw err instanceof PgSourceError || err instanceof SignatureLaneError ? err : dbError(`reading ${source.table}`, err);
    }
    const report = verifier.finish();
    if (quarantine && pending.length) quarantined += await quarantine.insert(pending.splice(0), source.table);
    if (checkpoint && index < checkpoint.count) {
      addFinding(report, { index, id: null, kind: 'HASH_CHAIN_BREACH', reason: 'truncated', detail: `the checkpoint of ${checkpoint.verified_at} recorded ${checkpoint.count} verified rows; the table now has ${index}` }, maxFindings);
    }
    for (const m of mismatches) {
      const end = Math.min(m.index + WINDOW, checkpoint!.count) - 1;
      addFinding(
        report,
        { index: m.index, id: null, kind: 'HASH_CHAIN_BREACH', reason: 'verified_row_changed', detail: `rows ${m.index}..${end} were changed, removed or reordered since they were verified (checkpoint of ${checkpoint!.verified_at}); verify without --checkpoint to find the record` },
        maxFindings,
      );
    }
    // Nothing new after a checkpoint: the chain stands as verified before.
    if (checkpoint && report.records === 0 && report.failing === 0) report.verdict = checkpoint.signed ? 'verified' : 'unsigned';
    if (checkpoint && report.records === 0) report.lastHash = checkpoint.last_hash;

    let written = false;
    if (o.checkpoint && (report.verdict === 'verified' || report.verdict === 'unsigned')) {
      if (index % WINDOW !== 0) closeWindow();
      writeCheckpoint(o.checkpoint, {
        format: CHECKPOINT_FORMAT,
        source: { table: source.table, column: source.column, order_by: source.orderBy },
        count: index,
        last_hash: report.lastHash ?? checkpoint?.last_hash ?? '',
        last_seq: lastSeqOf(lastBytes, o.mapping) ?? (lastBytes ? null : (checkpoint?.last_seq ?? null)),
        last_order: lastOrder,
        signed: report.signed > 0 || (checkpoint?.signed ?? false),
        window: WINDOW,
        windows: digests,
        verified_at: new Date().toISOString(),
      });
      written = true;
    }
    await quarantine?.commit();
    quarantine = undefined;
    await client.query('COMMIT').catch(() => undefined);
    return {
      ...report,
      table: source.table,
      firstIndex,
      quarantined,
      ...(o.checkpoint ? { checkpoint: { previous: checkpoint?.count ?? 0, now: index, written } } : {}),
    };
  } finally {
    lane?.close();
    await quarantine?.rollback();
    await client.end().catch(() => undefined);
  }
}
