// SQL tokenizer, statement kinds and tables, and extraction of SQL from shell commands with exact spans.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { initShellFromDisk } from '../../server/src/shell-wasm';
import { parseShell } from '../../server/src/rules/shell/index';
import { parseSql, sqlOf, sqlSpan, tokenizeSql } from '../../server/src/rules/sql/index';

before(async () => {
  await initShellFromDisk();
});

const summary = (sql: string) => parseSql(sql).map((s) => `${s.kind}${s.object ? ` ${s.object}` : ''}: ${s.tables.map((t) => `${t.role === 'target' ? '*' : ''}${t.schema ? `${t.schema}.` : ''}${t.name}`).join(',')}`);

test('tokenizer: strings, quoted identifiers, dollar quotes, comments, meta-commands', () => {
  const sql = `SELECT 'it''s; DELETE FROM x', E'a\\'b', $$ DROP TABLE y; $$, $fn$ body $fn$, "We""ird", \`my\` -- DROP z\n/* outer /* inner */ still */ :'var' $1\n\\q`;
  const kinds = tokenizeSql(sql)
    .filter((t) => t.kind !== 'space')
    .map((t) => t.kind);
  assert.deepEqual(kinds, ['word', 'string', 'punct', 'string', 'punct', 'string', 'punct', 'string', 'punct', 'quoted-ident', 'punct', 'quoted-ident', 'comment', 'comment', 'param', 'param', 'meta']);
  const ident = tokenizeSql('"We""ird"')[0]!;
  assert.equal(ident.value, 'We"ird');
  // Unterminated input runs to the end instead of throwing.
  assert.equal(tokenizeSql("SELECT 'open").pop()!.kind, 'string');
  assert.equal(tokenizeSql('/* open').pop()!.kind, 'comment');
});

test('statement kinds and tables', () => {
  assert.deepEqual(summary('DELETE FROM trace_events WHERE id = 1'), ['DELETE: *trace_events']);
  assert.deepEqual(summary('update ONLY public."Ledger" set x = 1'), ['UPDATE: *public.Ledger']);
  assert.deepEqual(summary('TRUNCATE TABLE audit_log, ledger_entries CASCADE;'), ['TRUNCATE TABLE: *audit_log,*ledger_entries']);
  assert.deepEqual(summary('DROP TABLE IF EXISTS a.b, c'), ['DROP TABLE: *a.b,*c']);
  assert.deepEqual(summary('ALTER TABLE trace_events ADD COLUMN x int'), ['ALTER TABLE: *trace_events']);
  assert.deepEqual(summary("ALTER USER trader PASSWORD '<NEW_DB_PASSWORD>'"), ['ALTER USER: ']);
  assert.deepEqual(summary('INSERT INTO audit_log (a) SELECT a FROM staging'), ['INSERT: *audit_log,staging']);
  assert.deepEqual(summary('SELECT id FROM trace_events t JOIN keys k ON k.id = t.k WHERE x'), ['SELECT: trace_events,keys']);
  assert.deepEqual(summary('SELECT reason, count(*) FROM audit_signature_quarantine WHERE quarantined_at > now() GROUP BY reason'), ['SELECT: audit_signature_quarantine']);
  assert.deepEqual(summary("SELECT 'DELETE FROM trace_events'"), ['SELECT: ']);
  assert.deepEqual(summary('DELETE FROM audit_log_retention_policy'), ['DELETE: *audit_log_retention_policy']);
  assert.deepEqual(summary('WITH gone AS (DELETE FROM ledger RETURNING *) SELECT count(*) FROM gone'), ['SELECT: gone', 'DELETE: *ledger']);
  assert.deepEqual(summary('BEGIN; UPDATE t SET a=1; COMMIT;'), ['BEGIN: ', 'UPDATE: *t', 'COMMIT: ']);
  assert.deepEqual(summary('CREATE TRIGGER x BEFORE UPDATE ON ledger FOR EACH ROW EXECUTE FUNCTION f()'), ['CREATE TRIGGER: *ledger']);
  assert.deepEqual(summary('DROP MATERIALIZED VIEW v'), ['DROP VIEW: *v']);
  assert.equal(parseSql('DELETE FROM t').at(0)!.hasWhere, false);
  assert.equal(parseSql('DELETE FROM t WHERE id=1').at(0)!.hasWhere, true);
  // psql meta-commands split statements: `\q` is not SQL.
  assert.deepEqual(summary('DELETE FROM a\n\\q\nDELETE FROM b'), ['DELETE: *a', 'DELETE: *b']);
});

test('extracts SQL from psql, mysql and sqlite3 in every shape, spans pointing into the script', () => {
  const cases: [string, string, string][] = [
    [`psql -h db -U app -c "DELETE FROM trace_events WHERE id = 1"`, 'argument', 'trace_events'],
    [`psql --command="UPDATE ledger SET x=1"`, 'argument', 'ledger'],
    [`psql -c'TRUNCATE audit_log'`, 'argument', 'audit_log'],
    [`sudo -u postgres psql -d app -c 'DROP TABLE ledger_entries'`, 'argument', 'ledger_entries'],
    [`psql <<SQL\nDELETE FROM trace_events;\nSQL`, 'heredoc', 'trace_events'],
    [`psql -v ON_ERROR_STOP=1 <<-'EOF'\n\tUPDATE audit_log SET a = 1;\n\tEOF`, 'heredoc', 'audit_log'],
    [`echo "DELETE FROM trace_events" | psql -h db`, 'pipe', 'trace_events'],
    [`printf 'TRUNCATE ledger;\\n' | sudo -u postgres psql`, 'pipe', 'ledger'],
    [`cat <<EOF | psql\nDELETE FROM ledger;\nEOF`, 'pipe', 'ledger'],
    [`psql <<< "DELETE FROM trace_events"`, 'herestring', 'trace_events'],
    [`mysql -u root -e "DELETE FROM audit_log"`, 'argument', 'audit_log'],
    [`sqlite3 app.db "DROP TABLE ledger"`, 'argument', 'ledger'],
    [`docker exec spendguard-postgres psql -U spendguard -c " DELETE FROM audit_signature_quarantine;"`, 'argument', 'audit_signature_quarantine'],
    [`kubectl exec -it db-0 -- psql -c "UPDATE ledger SET a=1"`, 'argument', 'ledger'],
    [`bash -c 'psql -c "TRUNCATE trace_events"'`, 'argument', 'trace_events'],
    [`psql -c "DELETE FROM \\"Trace_Events\\" WHERE id = $ID"`, 'argument', 'Trace_Events'],
    [`psql \\\n  -h db \\\n  -c "DELETE FROM trace_events"`, 'argument', 'trace_events'],
  ];
  for (const [script, via, table] of cases) {
    const p = parseShell(script);
    const sources = sqlOf(p).filter((s) => s.via === via);
    assert.equal(sources.length, 1, `${script}: ${JSON.stringify(sqlOf(p).map((s) => s.via))}`);
    const src = sources[0]!;
    const t = src.statements.flatMap((s) => s.tables).find((x) => x.name === table);
    assert.ok(t, `${script}: tables ${JSON.stringify(src.statements)}`);
    const span = sqlSpan(src, t.start, t.end);
    assert.equal(p.script.slice(span.start, span.end).replace(/\\"/g, '"').replace(/"/g, ''), table, script);
  }
});

test('-f and < file are opaque SQL sources', () => {
  for (const script of ['psql -f migrate.sql', 'psql --file=migrate.sql', 'psql < migrate.sql', 'cat migrate.sql | psql']) {
    const sources = sqlOf(parseShell(script));
    assert.equal(sources.length, 1, script);
    assert.equal(sources[0]!.sql, null, script);
    assert.equal(sources[0]!.file, 'migrate.sql', script);
  }
});

test('SQL parsing never throws (property)', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), (sql) => {
      for (const s of parseSql(sql)) {
        assert.ok(s.start >= 0 && s.end <= sql.length);
        for (const t of s.tables) assert.ok(t.start >= s.start && t.end <= s.end);
      }
    }),
    { numRuns: 500 },
  );
});

test("PostgreSQL's parser reads the statements (wasm loaded by the adapter); text it rejects falls back to the tokenizer", async () => {
  const { pgReady, initPgParser } = await import('../../server/src/rules/sql/index');
  assert.equal(pgReady(), true, 'libpg-query loaded by initShellFromDisk');
  // psql variables and a non-ASCII literal before the table (byte offsets from the parser, string offsets here).
  const sql = "UPDATE audit_log SET note = 'café ☕' WHERE id = :'id'; DELETE FROM ONLY public.ledger WHERE id = :id";
  const pg = parseSql(sql);
  assert.deepEqual(summary(sql), ['UPDATE: *audit_log', 'DELETE: *public.ledger']);
  assert.equal(sql.slice(pg[1]!.tables[0]!.start, pg[1]!.tables[0]!.end), 'public.ledger');
  assert.equal(sql.slice(pg[0]!.keywordStart, pg[0]!.keywordEnd), 'UPDATE');
  // A documentation placeholder is not SQL: the tokenizer's reading is kept.
  assert.deepEqual(summary('UPDATE campaign SET is_active = true WHERE id = <campaign_id>;'), ['UPDATE: *campaign']);
  // The same answers without the parser.
  initPgParser(null);
  try {
    assert.deepEqual(summary(sql), ['UPDATE: *audit_log', 'DELETE: *public.ledger']);
  } finally {
    await (await import('../../server/src/shell-wasm')).initShellFromDisk();
  }
});

test('sql fields in preconditions and rollback steps get the same SQL analysis as steps', async () => {
  const { lintRunbook } = await import('../../server/src/lint');
  const text = `runsafe: 1
id: t
title: T
preconditions:
  - id: pre
    sql: WITH d AS (DELETE FROM audit_log WHERE id = 1 RETURNING *) SELECT count(*) FROM d;
steps:
  - id: s
    run: echo hi
rollback:
  - id: undo
    sql: UPDATE ledger_entries SET amount = 0 WHERE id = 2;
`;
  const found = lintRunbook(text).problems.filter((p) => p.code === 'append-only-mutation').map((p) => text.slice(p.span.start, p.span.end));
  assert.deepEqual(found, ['audit_log', 'ledger_entries']);
});
