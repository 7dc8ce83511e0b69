// Exact ranges and quick fixes of the history, key, guard and change rules, inside every scalar style.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { lintRunbook } from '../../server/src/lint';
import { initShellFromDisk } from '../../server/src/shell-wasm';
import type { Problem } from '../../server/src/language/index';
import type { RuleProblemData } from '../../server/src/rules/engine';

before(async () => {
  await initShellFromDisk();
});

const head = 'runsafe: 1\nid: t\ntitle: T\n';

/** `line:col-line:col` (1-based) and the exact source text of each finding of a rule. */
function found(text: string, rule: string): string[] {
  const { parsed, problems } = lintRunbook(text);
  return problems
    .filter((p) => p.code === rule)
    .map((p) => {
      const s = parsed.lines.positionAt(p.span.start);
      const e = parsed.lines.positionAt(p.span.end);
      return `${s.line + 1}:${s.character + 1}-${e.line + 1}:${e.character + 1} ${text.slice(p.span.start, p.span.end)}`;
    });
}

function only(text: string, rule: string): Problem {
  const list = lintRunbook(text).problems.filter((p) => p.code === rule);
  assert.equal(list.length, 1, `one ${rule} expected, got ${list.map((p) => p.message).join('; ')}`);
  return list[0]!;
}

/** Applies a fix's edits (non-overlapping, any order) the way `lint --fix` and editors do. */
function applyFix(text: string, p: Problem, title: RegExp): string {
  const fix = (p.data as RuleProblemData | undefined)?.fixes.find((f) => title.test(f.title));
  assert.ok(fix, `no fix matching ${title} on ${p.code}`);
  let out = text;
  for (const e of [...fix.edits].sort((a, b) => b.span.start - a.span.start)) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

test('history-rewrite points at the flag inside a literal block, after a continuation', () => {
  const text = `${head}steps:\n  - id: push\n    run: |\n      git fetch origin\n      git push \\\n        --force origin main\n`;
  assert.deepEqual(found(text, 'history-rewrite'), ['9:9-9:16 --force']);
});

test('history-rewrite ranges survive escapes in double-quoted scalars and folding', () => {
  const quoted = `${head}steps:\n  - id: push\n    run: "cd \\"/srv/repo\\" && git push \\"-f\\" origin main"\n`;
  assert.deepEqual(found(quoted, 'history-rewrite'), ['6:40-6:46 \\"-f\\"']);
  const folded = `${head}steps:\n  - id: push\n    run: >\n      git push\n      --mirror backup\n`;
  assert.deepEqual(found(folded, 'history-rewrite'), ['8:7-8:15 --mirror']);
});

test('the --force-with-lease fix rewrites the flag and confirms the step, leaving no finding', () => {
  const text = `${head}steps:\n  - id: push\n    run: |\n      git push --force origin feature-f   # publish\n`;
  const fixed = applyFix(text, only(text, 'history-rewrite'), /force-with-lease/);
  assert.equal(fixed, text.replace('--force origin', '--force-with-lease origin').replace('  - id: push\n', '  - id: push\n    confirm: true\n'));
  assert.deepEqual(lintRunbook(fixed).problems.filter((p) => p.code === 'history-rewrite'), []);
  // Without confirm, the lease push alone is still a warning, with nothing safe to apply but the confirmation.
  const unconfirmed = text.replace('--force origin', '--force-with-lease origin');
  assert.equal(only(unconfirmed, 'history-rewrite').severity, 'warning');
});

test('destructive-unconfirmed adds confirm: true, and the fixed step is clean', () => {
  const text = `${head}steps:\n  - id: halt\n    title: Halt the producer\n    run: >-\n      kubectl scale deployment producer\n      --replicas=0\n  - id: next\n    run: echo done\n`;
  const p = only(text, 'destructive-unconfirmed');
  assert.deepEqual(found(text, 'destructive-unconfirmed'), ['8:7-9:19 kubectl scale deployment producer\n      --replicas=0']);
  const fixed = applyFix(text, p, /confirm/);
  assert.equal(fixed, text.replace('  - id: halt\n', '  - id: halt\n    confirm: true\n'));
  const { problems } = lintRunbook(fixed);
  assert.deepEqual(problems.filter((x) => x.code === 'destructive-unconfirmed' || x.severity === 'error').map((x) => x.code), []);
  // `confirm: false` is flipped, not doubled (a second key would be a YAML error).
  const off = text.replace('  - id: halt\n', '  - id: halt\n    confirm: false\n');
  const flipped = applyFix(off, only(off, 'destructive-unconfirmed'), /confirm/);
  assert.equal(flipped, text.replace('  - id: halt\n', '  - id: halt\n    confirm: true\n'));
});

test('SQL findings point at the table inside heredocs and sql blocks', () => {
  const heredoc = `${head}policy:\n  append_only_tables: [trace_events]\nsteps:\n  - id: fix\n    run: |\n      psql "$DATABASE_URL" <<'SQL'\n      BEGIN;\n      UPDATE public.trace_events SET sig = NULL WHERE id = 1;\n      SQL\n`;
  assert.deepEqual(found(heredoc, 'append-only-mutation'), ['11:14-11:33 public.trace_events']);
  assert.deepEqual(found(heredoc, 'history-rewrite'), ['11:38-11:41 sig']);
  const block = `${head}steps:\n  - id: purge\n    sql: |\n      SELECT 1;\n      DELETE FROM signing_keys WHERE key_id = 'k1';\n`;
  assert.deepEqual(found(block, 'key-history-deletion'), ['8:19-8:31 signing_keys']);
});

test('disable-safety finds camelCase helm values, and a confirm message acknowledges', () => {
  const text = `${head}steps:\n  - id: relax\n    run: |\n      helm upgrade ingest ./chart \\\n        --set verifier.strictSignatures=false\n`;
  assert.deepEqual(found(text, 'disable-safety'), ['8:15-8:46 verifier.strictSignatures=false']);
  const acknowledged = text.replace('  - id: relax\n', '  - id: relax\n    confirm: Admit unverified rows for at most one hour\n');
  assert.deepEqual(found(acknowledged, 'disable-safety'), []);
  const bare = text.replace('  - id: relax\n', '  - id: relax\n    confirm: true\n');
  assert.equal(found(bare, 'disable-safety').length, 1, 'confirm: true says nothing about what is traded');
});

test('key-history-deletion accepts removing a previous key only behind a proven check', () => {
  const base = `${head}steps:\n  - id: reencrypt\n    run: ./reencrypt.sh\nGATE  - id: drop\n    needs: [NEED]\n    run: heroku config:unset ENCRYPTION_KEY_PREVIOUS -a app\n`;
  const unchecked = base.replace('GATE', '').replace('NEED', 'reencrypt');
  assert.deepEqual(found(unchecked, 'key-history-deletion'), ['9:30-9:53 ENCRYPTION_KEY_PREVIOUS']);
  // The check is one step removed: drop needs done, which needs the polling step.
  const gate = '  - id: poll\n    wait:\n      run: ./status.sh\n      until: { json: { failed_records: 0 } }\n      timeout: 1h\n  - id: done\n    needs: [poll]\n    manual: Record the re-encryption result.\n';
  assert.deepEqual(found(base.replace('GATE', gate).replace('NEED', 'done'), 'key-history-deletion'), []);
});

test('missing-rollback sits on the confirm key; unverified-change ignores checks in other optional sections', () => {
  const text = `${head}steps:\n  - id: halt\n    run: kubectl scale deployment producer --replicas=0\n    confirm: true\n`;
  assert.deepEqual(found(text, 'missing-rollback'), ['7:5-7:12 confirm']);
  const sections = `${head}steps:\n  - section: A\n    kind: troubleshooting\n    steps:\n      - id: change\n        run: kubectl apply -f a.yaml\n  - section: B\n    kind: troubleshooting\n    steps:\n      - id: check\n        run: kubectl get pods\n        expect: { exit: 0 }\n`;
  assert.deepEqual(found(sections, 'unverified-change'), ['9:14-9:37 kubectl apply -f a.yaml']);
  const same = sections.replace('  - section: B\n    kind: troubleshooting\n    steps:\n', '');
  assert.deepEqual(found(same, 'unverified-change'), []);
});

// Each rule's docs page (its Bad, Good and suppression examples) is linted in docs-pages.test.ts.

test('token soup in run, sql and rollback steps never breaks these rules (property)', () => {
  const toks = ['kubectl', 'scale', 'delete', '--replicas=0', '-n', '"$NS"', 'git', 'push', '--force', '+main', 'psql', '-c', '"UPDATE ledger SET a=1"', "'DELETE FROM signing_keys'", '<<SQL', "<<'EOF'", 'SQL', 'EOF', 'DROP TABLE audit_log;', '|', '&&', ';', '\\\n', 'sudo', 'bash', '-c', "'", '"', '$(', ')', 'heroku', 'config:unset', 'ENCRYPTION_KEY_PREVIOUS', 'vault', 'kv', 'destroy', 'transit/keys/x/trim', 'curl', '-k', 'STRICT_SIGNATURES=false', 'helm', '--set', 'a.strictSignatures=false', 'uvicorn', '--reload', 'rm', '-rf', 'alembic', 'downgrade', 'sed', '-i', 'migrations/x.py', '>', 'UPDATE t SET sig = 1', 'set', 'env', 'X-', '\n', '#', 'echo', 'systemctl', 'stop'];
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...toks), { maxLength: 30 }), fc.constantFrom('confirm: true', 'confirm: false', 'dangerous: true', 'needs: [a]', 'rollback: r'), (words, extra) => {
      const script = words.join(' ');
      const text = `${head}steps:\n  - id: a\n    run: |\n      ${script.replace(/\n/g, '\n      ')}\n    ${extra}\n  - id: q\n    sql: ${JSON.stringify(script)}\nrollback:\n  - id: r\n    run: ${JSON.stringify(script)}\n`;
      const { problems } = lintRunbook(text);
      for (const p of problems) {
        assert.notEqual(p.code, 'rule-error', p.message);
        assert.ok(p.span.start >= 0 && p.span.start <= p.span.end && p.span.end <= text.length, `${p.code} span out of bounds`);
      }
    }),
    { numRuns: 200 },
  );
});
