// The rule engine: exact line:column ranges inside every scalar style, suppressions, policy, safe fixes.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { lintRunbook } from '../../server/src/lint';
import { initShellFromDisk } from '../../server/src/shell-wasm';
import { applySafeFixes } from '../../server/src/rules/apply-fixes';
import type { Problem } from '../../server/src/language/index';

before(async () => {
  await initShellFromDisk();
});

const head = `runsafe: 1
id: t
title: T
inputs:
  NEW_SEED: { secret: true, description: seed }
  APP_ENV: { enum: [staging, prod], default: staging }
steps:
`;

/** `line:col-line:col` (1-based) of every finding with the code, for exact-range assertions. */
function ranges(text: string, code: string, problems?: Problem[]): string[] {
  const r = lintRunbook(text);
  return (problems ?? r.problems)
    .filter((p) => p.code === code)
    .map((p) => {
      const a = r.parsed.lines.positionAt(p.span.start);
      const b = r.parsed.lines.positionAt(p.span.end);
      return `${a.line + 1}:${a.character + 1}-${b.line + 1}:${b.character + 1} ${text.slice(p.span.start, p.span.end)}`;
    });
}

test('exact ranges in literal, folded, plain, single- and double-quoted scalars', () => {
  const literal = `${head}  - id: a
    run: |
      echo start
      echo "seed: $NEW_SEED"
`;
  assert.deepEqual(ranges(literal, 'secret-echo'), ['11:19-11:28 $NEW_SEED']);

  const folded = `${head}  - id: a
    run: >
      printf '%s\\n'
      "$NEW_SEED"
`;
  assert.deepEqual(ranges(folded, 'secret-echo'), ['11:8-11:17 $NEW_SEED']);

  const plain = `${head}  - id: a
    run: echo
      "$NEW_SEED"
`;
  assert.deepEqual(ranges(plain, 'secret-echo'), ['10:8-10:17 $NEW_SEED']);

  // Double quotes: \\" and \\t escapes before the finding shift decoded offsets; the range stays exact.
  const dq = `${head}  - id: a
    run: "echo \\"a\\tb\\" \\"$NEW_SEED\\""
`;
  assert.deepEqual(ranges(dq, 'secret-echo'), ['9:27-9:36 $NEW_SEED']);

  const sq = `${head}  - id: a
    run: 'echo ''quoted'' "$NEW_SEED"'
`;
  assert.deepEqual(ranges(sq, 'secret-echo'), ['9:28-9:37 $NEW_SEED']);
});

test('exact ranges through line continuations, bash -c and SQL in heredocs', () => {
  const text = `${head}  - id: a
    run: |
      aws secretsmanager update-secret \\
        --secret-id prod/db \\
        --secret-string "$NEW_SEED"
      sudo bash -c "curl -H \\"X-Key: \\$NEW_SEED\\" https://x"
      psql <<'SQL'
      SELECT 1;
        DELETE FROM audit_log WHERE id = 1;
      SQL
    confirm: true
`;
  assert.deepEqual(ranges(text, 'secret-in-argv'), ['12:26-12:35 $NEW_SEED', '13:39-13:48 $NEW_SEED']);
  assert.deepEqual(ranges(text, 'append-only-mutation'), ['16:21-16:30 audit_log']);
});

test('suppressions: YAML comment, shell comment in a block, trailing; missing reason, unknown rule, unused', () => {
  const text = `${head}  - id: a
    # runsafe-ignore secret-echo: the demo seed is thrown away after the drill
    run: echo "$NEW_SEED"
  - id: b
    run: |
      # runsafe-ignore secret-echo: shown once, on purpose, on an air-gapped console
      echo "$NEW_SEED"
      echo "$NEW_SEED" # runsafe-ignore secret-echo: same line works too
      # runsafe-ignore secret-in-argv: continuation lines are covered
      curl -H "X: 1" \\
        -H "Key: $NEW_SEED" https://x
      # runsafe-ignore secret-echo
      echo "$NEW_SEED"
      # runsafe-ignore secret-ecko: typo
      echo hi
      # runsafe-ignore undefined-variable: nothing to suppress here
      echo "$APP_ENV"
      # runsafe-ignore secret-echo: TODO say why this is safe
      printf '%s' "$NEW_SEED"
`;
  const { problems } = lintRunbook(text);
  const lines = (code: string) => problems.filter((p) => p.code === code).map((p) => text.slice(0, p.span.start).split('\n').length);
  assert.deepEqual(lines('secret-echo'), []);
  assert.deepEqual(lines('secret-in-argv'), []);
  assert.deepEqual(lines('invalid-suppression'), [19, 21, 25]);
  assert.deepEqual(lines('unused-suppression'), [23]);
});

test('workspace and runbook policy: append-only tables, secret names, dangerous commands, severity', () => {
  const text = `${head}  - id: a
    run: |
      psql -c "UPDATE settlements SET x = 1 WHERE id = 2"
      echo "$MY_APP_CONFIG_BLOB"
      make demo-down
    env:
      MY_APP_CONFIG_BLOB: x
`;
  const none = lintRunbook(text).problems.map((p) => p.code);
  assert.ok(!none.includes('append-only-mutation') && !none.includes('secret-echo') && !none.includes('destructive-unconfirmed'));
  const ws = lintRunbook(text, { workspacePolicy: { appendOnlyTables: ['settle*'], secretNames: ['*_CONFIG_BLOB'], dangerousCommands: ['make demo-down'], severity: { 'unverified-change': 'off', 'append-only-mutation': 'warning' } } }).problems;
  const by = (c: string) => ws.filter((p) => p.code === c).map((p) => p.severity);
  assert.deepEqual(by('append-only-mutation'), ['warning']);
  assert.deepEqual(by('secret-echo'), ['error']);
  assert.deepEqual(by('destructive-unconfirmed'), ['error']);
  assert.deepEqual(by('unverified-change'), []);
  // The raw `.runsafe.yaml` map the language server passes works the same way.
  const raw = lintRunbook(text, { policy: { append_only_tables: ['settlements'] } }).problems;
  assert.equal(raw.filter((p) => p.code === 'append-only-mutation').length, 1);
  // A runbook's own policy extends the workspace's.
  const own = lintRunbook(text.replace('steps:\n', 'policy:\n  append_only_tables: [settlements]\nsteps:\n')).problems;
  assert.equal(own.filter((p) => p.code === 'append-only-mutation').length, 1);
});

test('safe fixes apply and leave every other byte identical', () => {
  const text = `${head}  - id: a
    title: Remove pods
    run: |
      kubectl delete pod x
      heroku config:set "TRACE_SIGNING_PRIVKEY_A_V2=$NEW_SEED" -a app
      git push --force origin main
    # a comment that must survive
  - id: b
    run: rm -rf /tmp/x && kubectl delete pod y
`;
  const { problems } = lintRunbook(text);
  const fixed = applySafeFixes(text, problems);
  assert.equal(fixed.applied, 4);
  const expected = text
    .replace('  - id: a\n', '  - id: a\n    confirm: true\n')
    .replace('-a app\n', '-a app >/dev/null 2>&1\n')
    .replace('--force origin', '--force-with-lease origin')
    .replace('  - id: b\n', '  - id: b\n    confirm: true\n');
  assert.equal(fixed.text, expected);
  const after = lintRunbook(fixed.text).problems.map((p) => p.code);
  for (const gone of ['destructive-unconfirmed', 'secret-echo']) assert.ok(!after.includes(gone), gone);
  // Running the fixes again changes nothing.
  assert.equal(applySafeFixes(fixed.text, lintRunbook(fixed.text).problems).text, fixed.text);
});

test('rules never throw on hostile or half-written runbooks', () => {
  const inputs = [
    `${head}  - id: a\n    run: "$(\`\${"`,
    `${head}  - id: a\n    run: |\n${'      echo "$(echo $(echo x))"\n'.repeat(200)}`,
    `${head}  - run:\n  - id: [x]\n    needs: {a: 1}\n    rollback: 3`,
    `${head}  - id: a\n    sql: "DELETE FROM audit_log WHERE \\"unterminated`,
    'steps: [1, "two", {run: "echo $X"}]',
  ];
  for (const t of inputs) {
    const { problems } = lintRunbook(t);
    assert.ok(!problems.some((p) => p.code === 'rule-error'), JSON.stringify(problems.filter((p) => p.code === 'rule-error')));
  }
});

test('append-only policy: `!name` removes a default, the finding names the entry that fired, the workspace is a floor', () => {
  const text = `${head}  - id: a
    sql: UPDATE ledgers SET current_balance = 0 WHERE id = 1;
  - id: b
    sql: UPDATE settlements SET amount = 0 WHERE id = 1;
  - id: c
    sql: DELETE FROM audit_log WHERE id = 1;
policy:
  append_only_tables: ['!ledgers', '!settle*']
`;
  const found = lintRunbook(text, { workspacePolicy: { appendOnlyTables: ['settle*'] } }).problems.filter((p) => p.code === 'append-only-mutation').map((p) => p.message);
  assert.deepEqual(found, [
    'UPDATE on append-only table settlements (.runsafe.yaml append_only_tables: `settle*`); history must only be appended to',
    'DELETE on append-only table audit_log (built-in default `audit_log`; a policy entry `!audit_log` removes it); history must only be appended to',
  ]);
});
