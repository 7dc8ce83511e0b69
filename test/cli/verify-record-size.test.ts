// `runsafe verify` of a chain file holding a record far larger than the record-size limit: reported, located, never held in memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const cli = join(root, 'client/out/cli.js');
const MIB = 1024 * 1024;
/** The big record's payload: far more than the 16 MiB default limit, and more than the whole CLI's peak RSS bound below. */
const BIG = 160 * MIB;

/** Runs the bundled CLI, reporting its peak RSS (whole process, worker threads included). */
function runsafe(dir: string, args: string[]) {
  const preload = join(dir, 'maxrss.cjs');
  writeFileSync(preload, "process.on('exit', () => require('fs').writeSync(2, `\\nmaxrss_kb=${process.resourceUsage().maxRSS}\\n`));\n");
  const r = spawnSync(process.execPath, ['-r', preload, cli, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const kb = /maxrss_kb=(\d+)/.exec(r.stderr ?? '');
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, maxRssMiB: kb ? Number(kb[1]) / 1024 : Number.NaN };
}

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

/** A three-record unsigned chain (default mapping) whose middle record carries a BIG-byte payload, linked correctly. */
function writeChain(file: string): void {
  const first = '{"id":"evt-0","prev":null}';
  const fd = openSync(file, 'w');
  writeSync(fd, `${first}\n`);
  // The big line is written (and hashed) in pieces, so this test process never holds it either.
  const h = createHash('sha256');
  const put = (s: string) => {
    writeSync(fd, s);
    h.update(s);
  };
  put('{"id":"evt-1","payload":"');
  const piece = 'x'.repeat(4 * MIB);
  for (let n = 0; n < BIG; n += piece.length) put(piece);
  put(`","prev":"${sha(first)}"}`);
  writeSync(fd, `\n{"id":"evt-2","prev":"${h.digest('hex')}"}\n`);
  closeSync(fd);
}

test('a record over the limit is MALFORMED_RECORD record_too_large at its index, the chain goes on after it, and memory stays flat', () => {
  assert.ok(existsSync(cli), 'client/out/cli.js is missing: run npm run build');
  const dir = mkdtempSync(join(tmpdir(), 'runsafe-verify-size-'));
  try {
    const file = join(dir, 'chain.jsonl');
    writeChain(file);
    const r = runsafe(dir, ['verify', file, '--kind', 'chain', '--format', 'json']);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as { verdict: string; records: number; counts: Record<string, number>; findings: { index: number; kind: string; reason: string; detail: string }[] };
    assert.equal(report.verdict, 'failed');
    assert.equal(report.records, 3);
    // Only the big record: the next record's link to its hash holds (the reader hashed what it skipped).
    assert.deepEqual(report.counts, { 'MALFORMED_RECORD:record_too_large': 1 });
    assert.equal(report.findings[0]!.index, 1);
    assert.match(report.findings[0]!.detail, /16777216-byte limit/);
    // Flat: the whole process stays below the size of the one line it was given.
    assert.ok(r.maxRssMiB < BIG / MIB, `peak RSS ${r.maxRssMiB} MiB for a ${BIG / MIB} MiB record`);

    const text = runsafe(dir, ['verify', file, '--kind', 'chain']);
    assert.match(text.stdout, /record 1 \(id|record 1: MALFORMED_RECORD record_too_large/);

    // A lower limit catches smaller records too; strict mode's quarantine locates it in the source.
    const q = join(dir, 'q.jsonl');
    const strict = runsafe(dir, ['verify', file, '--kind', 'chain', '--max-record-bytes', '20', '--strict', '--quarantine', q, '--format', 'json']);
    assert.equal(strict.code, 1, strict.stderr);
    const counts = (JSON.parse(strict.stdout) as { counts: Record<string, number> }).counts;
    assert.equal(counts['MALFORMED_RECORD:record_too_large'], 3);
    const reasons = readFileSync(`${q}.reasons.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { index: number; source_offset: number; source_length: number });
    assert.deepEqual(reasons.map((x) => x.index), [0, 1, 2]);
    assert.equal(reasons[1]!.source_offset, '{"id":"evt-0","prev":null}\n'.length);
    assert.ok(reasons[1]!.source_length > BIG);

    const bad = runsafe(dir, ['verify', file, '--kind', 'chain', '--max-record-bytes', '0']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--max-record-bytes must be a positive integer/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
