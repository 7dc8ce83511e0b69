// Shell analysis speed: cold parse+analysis per command beside the bare tree-sitter parse of the same text.
import { initShellFromDisk } from '../../server/src/shell-wasm';
import { clearShellCache, parseShell } from '../../server/src/rules/shell/index';
import { parseSyntax } from '../../server/src/rules/shell/syntax';
import { parseSql } from '../../server/src/rules/sql/index';

/** Commands in the shapes the reference runbooks use. */
const commands = [
  'heroku config:set "TRACE_SIGNING_PRIVKEY_${SUBSYSTEM}_V2=$NEW_SEED" \\\n  -a "raxx-api-$APP_ENV" >/dev/null 2>&1',
  'NEW_DB_PASSWORD=$(openssl rand -base64 18 | tr -d "=+/")',
  'psql -h $CANONICAL_PG_HOST -U spendguard -d spendguard_canonical -c " SELECT reason, count(*) FROM audit_signature_quarantine GROUP BY reason;"',
  'kubectl exec canonical-ingest-0 -- env | grep STRICT_SIGNATURES',
  "sudo -u app bash -c 'echo \"$TOKEN\" | vault kv put secret/x value=-'",
  'curl http://localhost:8000/health | jq \'.status\'',
  'cat <<EOF | psql\nDELETE FROM ledger WHERE id = 1;\nEOF',
  'for s in a b c; do systemctl restart "$s"; sleep 10; done',
];

function time(fn: () => void, rounds: number): number {
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) fn();
  return (performance.now() - t0) / rounds;
}

export async function bench(): Promise<Record<string, unknown>> {
  await initShellFromDisk();
  const rounds = 200;
  // Unique texts so neither the cache nor tree-sitter sees a repeat.
  let n = 0;
  const fresh = (): string[] => commands.map((c) => `${c} # ${n++}`);
  time(() => fresh().forEach((c) => parseSyntax(c)), 20);
  const bare = time(() => fresh().forEach((c) => parseSyntax(c)), rounds) / commands.length;
  const cold = time(() => {
    clearShellCache();
    fresh().forEach((c) => parseShell(c));
  }, rounds) / commands.length;
  const warm = fresh();
  warm.forEach((c) => parseShell(c));
  const cached = time(() => warm.forEach((c) => parseShell(c)), rounds) / commands.length;
  const sql = 'SELECT reason, count(*) FROM audit_signature_quarantine WHERE quarantined_at > now() - interval \'1 hour\' GROUP BY reason ORDER BY count DESC;';
  const sqlParse = time(() => parseSql(sql), 2000);
  return {
    tree_sitter_parse_us_per_command: +(bare * 1000).toFixed(1),
    shell_analysis_us_per_command: +(cold * 1000).toFixed(1),
    analysis_vs_bare_parse: +(cold / bare).toFixed(2),
    cached_us_per_command: +(cached * 1000).toFixed(2),
    sql_statement_us: +(sqlParse * 1000).toFixed(1),
  };
}
