// Issue 12 cases 3 and 4 through `runsafe run`: captured secrets are masked before anything prints them; dumps, base32 and multi-line secrets are masked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, transcriptOf, workspace } from './helpers';

const token = `tok_${createHash('sha256').update('seed').digest('hex').slice(0, 24)}`;
const mint = 'T="tok_$(printf seed | sha256sum | cut -c1-24)"';

async function runAndCollect(name: string, text: string, env: Record<string, string> = {}, args: string[] = []) {
  const { dir, path } = workspace(name, text);
  writeFileSync(join(dir, '.runsafe.yaml'), 'severity:\n  secret-echo: off\n');
  const r = await cli(['run', '--non-interactive', ...args, path], dir, env);
  const transcriptPath = transcriptOf(r.stdout, dir);
  const transcript = readFileSync(transcriptPath, 'utf8');
  const summary = await cli(['transcript', 'summary', transcriptPath], dir);
  return { r, transcript, summary: summary.stdout + summary.stderr };
}

test('case 3: a captured token checked by expect.json, written to stderr too, or not JSON at all, never shows', async () => {
  const { r, transcript, summary } = await runAndCollect('capture', `runsafe: 1
id: capture
title: Captured token
steps:
  - id: issue
    title: Issue a token (also logged to stderr)
    run: |
      ${mint}
      echo "issued $T" >&2
      printf '{"data":{"token":"%s"}}\\n' "$T"
    capture: { into: API_TOKEN, json: data.token }
    expect:
      json: { data.token: { matches: '^tok_TEST_' } }
`);
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stdout, /got a string of 28 characters/);
  for (const [where, text] of [['terminal', r.stdout], ['transcript', transcript], ['attestation', summary]] as const) {
    assert.ok(!text.includes(token), `${where} shows the token`);
    assert.ok(!text.includes(token.slice(0, 12)), `${where} shows the token's start`);
  }
  // Output that is not JSON: the parse error names a position, never the text.
  const plain = await runAndCollect('plain', `runsafe: 1
id: plain
title: Not JSON
steps:
  - id: issue
    title: Issue a token as plain text
    run: |
      ${mint}
      echo "$T"
    capture: { into: API_TOKEN, json: data.token }
    expect:
      json: { data.token: { exists: true } }
`);
  assert.equal(plain.r.status, 1, plain.r.stdout);
  assert.match(plain.r.stdout, /but stdout is not JSON \(invalid JSON/);
  for (const text of [plain.r.stdout, plain.transcript, plain.summary]) assert.ok(!text.includes(token.slice(0, 8)), text);
});

test('case 4: xxd, hexdump -C, od -c, od -An -tx1, base32, upper-case hex, a value split over stdout and stderr, and a re-indented PEM key never show', async () => {
  const password = 'p@ss w0rd/"quoted"+ünï\\cödé';
  const pem = ['-----BEGIN PRIVATE KEY-----', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj', 'MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu', 'NMoSfm76oqFvAp8Gy0iz5sxjZmSnXyCdPEovGhLa0VzMaQ8s+CLOyS56YyCFGeJZ', '-----END PRIVATE KEY-----'].join('\n');
  const { r, transcript } = await runAndCollect('dumps', `runsafe: 1
id: dumps
title: Dumps
inputs:
  DB_PASSWORD: { secret: true, description: Database password }
  TLS_KEY: { secret: true, description: A PEM key }
steps:
  - id: dump
    title: Print the secret through every dump tool
    run: |
      printf '%s' "$DB_PASSWORD" | xxd
      printf '%s' "$DB_PASSWORD" | xxd -u
      printf '%s' "$DB_PASSWORD" | hexdump -C
      printf '%s' "$DB_PASSWORD" | od -c
      printf '%s' "$DB_PASSWORD" | od -An -tx1
      printf '%s' "$DB_PASSWORD" | od -An -tx1 | tr a-f A-F
      printf '%s' "$DB_PASSWORD" | base32
      printf 'KEY=%s' "$DB_PASSWORD" | base32 -w0; echo
      printf '%s' "$DB_PASSWORD" | xxd -p -u
      printf '%s' "\${DB_PASSWORD:0:12}"; printf '%s\\n' "\${DB_PASSWORD:12}" >&2
      printf '%s\\n' "$TLS_KEY" | sed 's/^/        /'
`, { DB_PASSWORD: password, TLS_KEY: pem });
  assert.equal(r.status, 0, r.stdout);
  const bytes = Buffer.from(password);
  const hex = bytes.toString('hex');
  const recorded = transcript.replace(/\\n/g, '\n');
  for (const [where, text] of [['terminal', r.stdout], ['transcript', recorded]] as const) {
    // No 4 consecutive bytes of the secret in any hex dump (spaces, case and line breaks ignored).
    const flat = text.replace(/[^0-9a-fA-F]/g, '').toLowerCase();
    for (let i = 0; i + 8 <= hex.length; i += 2) assert.ok(!flat.includes(hex.slice(i, i + 8)) || hex.slice(i, i + 8) === '00000000', `${where}: hex of bytes ${i / 2}.. ${hex.slice(i, i + 8)}`);
    // Nor the plain value, its halves, its od -c columns or its base32.
    assert.ok(!text.includes(password.slice(0, 12)) && !text.includes(password.slice(12)), `${where}: a half of the value`);
    assert.ok(!text.includes('p   @   s   s'), `${where}: od -c columns`);
    const b32 = (await import('../../client/src/runner/masker')).toBase32(bytes).replace(/=+$/, '');
    assert.ok(!text.replace(/\s/g, '').includes(b32.slice(8, 24)), `${where}: base32`);
    for (const line of pem.split('\n').slice(1, -1)) assert.ok(!text.includes(line), `${where}: PEM line ${line}`);
  }
});
