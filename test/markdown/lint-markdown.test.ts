// `runsafe lint` on Markdown runbooks through the bundled CLI: every fence style, exact positions
// in the Markdown file, suppressions above and inside fences, the same output formats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const cli = join(root, 'client/out/cli.js');

function runsafe(cwd: string, args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every line with a `^^^` marker names the text the finding must cover, on the line above it. */
const doc = `# Rotate the database password

Generate and check the new value:

\`\`\`bash
export NEW_DB_PASSWORD=$(openssl rand -base64 24)
echo "$NEW_DB_PASSWORD"
\`\`\`

1. Push the config, in a list:

   \`\`\`console
   $ git push --force origin main
   Everything up-to-date
   $ kubectl delete secret db-creds \\
       -n prod
   \`\`\`

> Quoted advice:
>
> \`\`\`sh
> curl -k https://internal.example.com/health
> \`\`\`

~~~psql
DELETE FROM ledger_entries WHERE id = 4;
~~~

\`\`\`
vault kv put secret/db password=<new-password>
\`\`\`

\`\`\`yaml
password: not-a-command
\`\`\`

<!-- runsafe-ignore history-rewrite: this remote is a scratch mirror -->
\`\`\`shell
git push -f mirror main
\`\`\`

\`\`\`sh
# runsafe-ignore disable-safety: the staging proxy has a self-signed certificate
curl -k https://staging.example.com
\`\`\`

<!-- runsafe-ignore secret-echo: nothing here prints a secret -->
\`\`\`sh
echo hello
\`\`\`
`;

const expected: [number, number, string, string][] = [
  [7, 7, 'secret-echo', '$NEW_DB_PASSWORD'],
  [13, 15, 'history-rewrite', '--force'],
  [15, 6, 'destructive-unconfirmed', 'kubectl delete secret db-creds'],
  [22, 8, 'disable-safety', '-k'],
  [26, 13, 'append-only-mutation', 'ledger_entries'],
  [30, 33, 'secret-in-argv', '<new-password>'],
  [47, 1, 'unused-suppression', '<!-- runsafe-ignore secret-echo'],
];

test('every fence style is linted at exact Markdown positions; suppressions above and inside fences hold', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runsafe-md-'));
  writeFileSync(join(dir, 'rotate.md'), doc);
  const r = runsafe(dir, ['lint', '--format', 'json', 'rotate.md']);
  assert.equal(r.code, 1, r.stderr);
  const problems = JSON.parse(r.stdout).files[0].problems as { line: number; column: number; code: string; offset: number; length: number; message: string }[];
  const lines = doc.split('\n');
  const got = problems.map((p) => [p.line, p.column, p.code, doc.slice(p.offset, p.offset + p.length)]);
  for (const [line, column, code, text] of expected) {
    const hit = got.find((g) => g[0] === line && g[2] === code);
    assert.ok(hit, `${code} at line ${line} (${lines[line - 1]}); got ${JSON.stringify(got)}`);
    assert.equal(hit[1], column, `${code} column`);
    assert.ok(String(hit[3]).startsWith(text), `${code} covers ${JSON.stringify(text)}, not ${JSON.stringify(hit[3])}`);
  }
  assert.equal(problems.length, expected.length, JSON.stringify(got));
  // The placeholder is named as the author wrote it.
  assert.match(problems.find((p) => p.code === 'secret-in-argv')!.message, /^<new-password> is on the command line of vault/);
});

test('text, SARIF and GitHub output point into the Markdown file; --markdown finds *.md in folders', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runsafe-md-'));
  mkdirSync(join(dir, 'docs'));
  writeFileSync(join(dir, 'docs/rotate.md'), doc);
  const text = runsafe(dir, ['lint', 'docs/rotate.md']);
  assert.match(text.stdout, /^docs\/rotate\.md:7:7 error secret-echo /m);
  assert.match(text.stdout, /^7 \| echo "\$NEW_DB_PASSWORD"$/m);
  const gh = runsafe(dir, ['lint', '--format', 'github', 'docs/rotate.md']);
  assert.match(gh.stdout, /^::error file=docs\/rotate\.md,line=13,col=15,endLine=13,endColumn=22,title=runsafe history-rewrite::/m);
  const sarif = JSON.parse(runsafe(dir, ['lint', '--format', 'sarif', 'docs/rotate.md']).stdout);
  const first = sarif.runs[0].results[0];
  assert.equal(first.locations[0].physicalLocation.artifactLocation.uri, 'docs/rotate.md');
  assert.match(first.partialFingerprints['runsafe/v1'], /^[0-9a-f]{32}$/);
  // Folders: runbooks only by default; Markdown with --markdown.
  assert.equal(runsafe(dir, ['lint', 'docs']).code, 2, 'no runbook in docs/ without --markdown');
  const found = runsafe(dir, ['lint', '--markdown', '--format', 'json', 'docs']);
  assert.equal(JSON.parse(found.stdout).files[0].path, 'docs/rotate.md');
});

test('a suppression without a reason is reported, and suppresses nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runsafe-md-'));
  writeFileSync(join(dir, 'x.md'), '<!-- runsafe-ignore secret-echo -->\n```bash\necho "$API_TOKEN"\n```\n');
  const problems = JSON.parse(runsafe(dir, ['lint', '--format', 'json', 'x.md']).stdout).files[0].problems;
  assert.deepEqual(problems.map((p: { code: string; line: number }) => [p.code, p.line]), [['invalid-suppression', 1], ['secret-echo', 3]]);
});
