// Transcript writer + verifier: signed and unsigned runs, tampering, truncation, a SIGKILLed writer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, statSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { openTranscript } from '../../client/src/node/transcript-writer';
import { verifyFile } from '../../client/src/node/verify-file';
import { createKeyLookup } from '../../client/src/signing/trust-index';
import { TRANSCRIPT_MAPPING } from '../../client/src/signing/chain-mapping';
import { signer, trustEntry, tempDir } from './helpers';

const operator = signer(1);
const keys = createKeyLookup([trustEntry(operator, 'alice@example.com', ['operator'])]);
const runbook = { id: 'demo', sha256: 'ab'.repeat(32) };

function clock(): () => Date {
  let t = Date.parse('2026-11-21T10:00:00Z');
  return () => new Date((t += 1000));
}

function writeRun(path: string, steps: number, withSigner = true): void {
  const t = openTranscript(path, { signer: withSigner ? operator : undefined, runbook, operator: 'alice@example.com', inputs: { APP_ENV: 'staging', SEED: { redacted: true } }, now: clock() });
  for (let i = 0; i < steps; i++) {
    t.append({ type: 'step_start', step: `s${i}`, command: `echo ${i}` });
    t.append({ type: 'step_end', step: `s${i}`, exit: 0 });
  }
  t.close({ status: 'succeeded' });
}

const lines = (p: string) => readFileSync(p, 'utf8').split('\n').slice(0, -1);
const verify = (p: string, strict = false, quarantine?: string) => verifyFile(p, { mapping: TRANSCRIPT_MAPPING, keys, strict, quarantine });

test('a signed transcript verifies; the file is 0600 and ends with a head', async () => {
  const dir = tempDir();
  const p = join(dir, 'run.jsonl');
  writeRun(p, 3);
  assert.equal(statSync(p).mode & 0o777, 0o600);
  const ls = lines(p);
  assert.equal(ls.length, 1 + 6 + 1 + 1);
  const head = JSON.parse(ls.at(-1)!);
  assert.equal(head.type, 'head');
  assert.equal(head.count, ls.length - 1);
  const r = await verify(p);
  assert.equal(r.verdict, 'verified');
  assert.equal(r.records, ls.length);
  assert.deepEqual(r.findings, []);
  assert.deepEqual(r.signers, { [operator.keyId]: ls.length });
  assert.throws(() => openTranscript(p, { runbook, operator: 'x' }), /EEXIST/);
});

test('an unsigned transcript is still hash-chained: verdict unsigned, tampering still caught', async () => {
  const dir = tempDir();
  const p = join(dir, 'run.jsonl');
  writeRun(p, 2, false);
  assert.equal((await verify(p)).verdict, 'unsigned');
  const ls = lines(p);
  ls[2] = ls[2]!.replace('"exit":0', '"exit":1');
  writeFileSync(p, ls.join('\n') + '\n');
  const r = await verify(p);
  assert.equal(r.verdict, 'failed');
  assert.deepEqual(r.firstHashChainBreach, { index: 3, id: '3', reason: 'prev_hash_mismatch' });
});

test('events may not use the chain fields, and the writer refuses appends after close', () => {
  const p = join(tempDir(), 'run.jsonl');
  const t = openTranscript(p, { runbook, operator: 'a' });
  assert.throws(() => t.append({ type: 'x', seq: 3 }), /reserved/);
  assert.throws(() => t.append({ type: 'head' }), /close\(\)/);
  t.close();
  t.close();
  assert.throws(() => t.append({ type: 'x' }), /closed/);
});

test('a truncated transcript (head gone) is unterminated; strict mode quarantines nothing', async () => {
  const dir = tempDir();
  const p = join(dir, 'run.jsonl');
  writeRun(p, 2);
  const ls = lines(p);
  writeFileSync(p, ls.slice(0, 4).join('\n') + '\n');
  const r = await verify(p, true, join(dir, 'q'));
  assert.equal(r.verdict, 'unterminated');
  assert.equal(r.rejected, 0);
  assert.equal(readFileSync(join(dir, 'q')).length, 0);
});

test('SIGKILL while writing: the prefix verifies as unterminated', async () => {
  const dir = tempDir();
  const p = join(dir, 'killed.jsonl');
  const ready = join(dir, 'ready');
  const writer = resolve(__dirname, 'fixtures/transcript-writer-child.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', writer, p, ready], { stdio: ['ignore', 'ignore', 'inherit'] });
  // Poll (no fixed sleep) until the child has written a good number of records, then kill it mid-run.
  await new Promise<void>((done, fail) => {
    const timer = setInterval(() => {
      if (existsSync(p) && lines(p).length >= 50) {
        clearInterval(timer);
        done();
      }
    }, 10);
    child.on('exit', () => {
      clearInterval(timer);
      fail(new Error('the writer exited before it was killed'));
    });
  });
  child.removeAllListeners('exit');
  const exited = new Promise((done) => child.on('exit', (_code, signal) => done(signal)));
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  const r = await verify(p);
  assert.equal(r.verdict, 'unterminated', JSON.stringify(r.findings.slice(0, 3)));
  assert.ok(r.records >= 50);
  assert.equal(r.terminated, false);
  assert.deepEqual(r.counts, {});
});

test('streaming: a chain file several times larger than the heap limit verifies (memory stays flat)', () => {
  const dir = tempDir();
  const child = resolve(__dirname, 'fixtures/verify-big-file-child.ts');
  // 300,000 records of ~330 bytes (~100 MB) under a 40 MB old-space cap (buffered strings would
  // crash), and a peak RSS well under Node's base (~120 MB) plus the file (buffered Buffers would not fit).
  const r = spawnSync(process.execPath, ['--max-old-space-size=40', '--import', 'tsx', child, join(dir, 'big.jsonl'), '300000'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  const out = JSON.parse(r.stdout);
  assert.equal(out.verdict, 'unsigned');
  assert.equal(out.records, 300_000);
  assert.ok(out.bytes > 90 * 1024 * 1024, `file is ${out.bytes} bytes`);
  assert.ok(out.maxRssBytes < 190 * 1024 * 1024, `peak RSS ${out.maxRssBytes} bytes`);
});
