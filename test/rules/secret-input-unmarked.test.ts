// secret-input-unmarked through the bundled CLI: the warning at the input's key, the safe fix in
// every input shape, a suppression with a reason, and the same judgement as `runsafe run -i`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runsafeIn } from '../cli/bundled-cli';

const text = `runsafe: 1
id: unmarked
title: Unmarked secret inputs
inputs:
  API_TOKEN: { description: Token for the billing API }
  NEW_DB_PASSWORD:
    description: The password to rotate to
  EMPTY_TOKEN: {}
  API_KEY_ID: { default: k1 }
  # runsafe-ignore secret-input-unmarked: the public half of the pair, despite its name
  DEPLOY_KEY: { default: ssh-ed25519 AAAA }
steps:
  - id: use
    run: printf '%s' "$API_TOKEN$NEW_DB_PASSWORD$EMPTY_TOKEN$API_KEY_ID$DEPLOY_KEY" | sha256sum >/dev/null
`;

test('lint warns at each unmarked secret input, --fix marks them, and run -i then accepts nothing in clear', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runsafe-unmarked-'));
  try {
    const file = join(dir, 'u.runbook.yaml');
    writeFileSync(file, text);
    const r = runsafeIn(dir, ['lint', '--format', 'json', 'u.runbook.yaml']);
    assert.equal(r.code, 0, 'warnings only');
    const found = JSON.parse(r.stdout).files[0].problems.filter((f: { code: string }) => f.code === 'secret-input-unmarked');
    assert.deepEqual(
      found.map((f: { line: number; column: number; message: string }) => [f.line, f.column, f.message.split('`')[1]]),
      [[5, 3, 'API_TOKEN'], [6, 3, 'NEW_DB_PASSWORD'], [8, 3, 'EMPTY_TOKEN']],
    );
    // The runner draws the same line: an unmarked secret-named input is refused on -i.
    const refused = runsafeIn(dir, ['run', 'u.runbook.yaml', '-i', 'API_TOKEN=tok_live_1234567890', '-i', 'NEW_DB_PASSWORD=x', '-i', 'EMPTY_TOKEN=y']);
    assert.equal(refused.code, 1, 'refused by the inputs gate');
    assert.match(refused.out, /API_TOKEN is named like a secret/);
    assert.ok(!refused.out.includes('tok_live_1234567890'));

    assert.equal(runsafeIn(dir, ['lint', '--fix', 'u.runbook.yaml']).code, 0);
    assert.equal(
      readFileSync(file, 'utf8'),
      text
        .replace('API_TOKEN: { description', 'API_TOKEN: { secret: true, description')
        .replace('  NEW_DB_PASSWORD:\n', '  NEW_DB_PASSWORD:\n    secret: true\n')
        .replace('EMPTY_TOKEN: {}', 'EMPTY_TOKEN: { secret: true }'),
    );
    const after = runsafeIn(dir, ['lint', '--format', 'json', 'u.runbook.yaml']);
    assert.deepEqual(JSON.parse(after.stdout).files[0].problems, [], 'fixed, and the suppression is used');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
