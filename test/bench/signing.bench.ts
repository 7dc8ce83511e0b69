// Bench: verify a 100,000-record signed audit chain vs a bare loop of Node's native Ed25519 verify.
//
// Both run on one thread (so the ratio is per core) over the same records, interleaved in chunks
// so load changes on a shared machine hit both sides alike. The verifier does everything the
// product does per record (UTF-8 and canonical-form check, hash link, key lookup, PAE, strict
// signature verdict, key window); the baseline only calls crypto.verify on prepared bytes.
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChainWriter } from '../../client/src/signing/chain-writer';
import { DEFAULT_CHAIN_MAPPING } from '../../client/src/signing/chain-mapping';
import { createVerifier } from '../../client/src/signing/verifier';
import { createKeyLookup } from '../../client/src/signing/trust-index';
import { formatPublicKey } from '../../client/src/signing/keys';
import { pae } from '../../client/src/signing/envelope';
import { nobleCrypto } from '../../client/src/signing/crypto';
import { nativeCrypto, nativeSigner } from '../../client/src/node/native-crypto';
import { verifyFile } from '../../client/src/node/verify-file';

const RECORDS = 100_000;
// Small chunks, alternating which side goes first, so bursts of load on a shared machine fall on both.
const CHUNK = 250;

export async function bench(): Promise<Record<string, unknown>> {
  const signer = nativeSigner(new Uint8Array(32).fill(42));
  const writer = createChainWriter({ mapping: DEFAULT_CHAIN_MAPPING, signer, crypto: nativeCrypto });
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const lines: Buffer[] = [];
  for (let i = 0; i < RECORDS; i++) {
    lines.push(Buffer.from(writer.next({ id: `evt-${i}`, time: new Date(t0 + i * 1000).toISOString(), emitter: 'raptor:order-router', action: 'order_routed', workflow: `wf-${i % 97}`, amount_cents: (i * 7919) % 100_000 })));
  }
  const keys = createKeyLookup([{ key_id: signer.keyId, identity: 'raptor:order-router', roles: ['emitter'], version: 1, public_key: formatPublicKey(signer.publicKey) }]);

  // The baseline's inputs, prepared outside the timed loop: exactly the bytes the verifier checks.
  const prepared = lines.map((l) => {
    const o = JSON.parse(l.toString('utf8'));
    const sig = Buffer.from(o.sig, 'base64url');
    delete o.sig;
    return { msg: pae(DEFAULT_CHAIN_MAPPING.payloadType!, Buffer.from(JSON.stringify(o))), sig };
  });
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: formatPublicKey(signer.publicKey) }, format: 'jwk' });

  const verifier = createVerifier({ mapping: DEFAULT_CHAIN_MAPPING, keys, crypto: nativeCrypto, maxFindings: 10 });
  let verifierMs = 0;
  let baselineMs = 0;
  let baselineValid = 0;
  const ratios: number[] = [];
  for (let start = 0, k = 0; start < RECORDS; start += CHUNK, k++) {
    const end = Math.min(RECORDS, start + CHUNK);
    const runVerifier = () => {
      const t = performance.now();
      for (let i = start; i < end; i++) verifier.push(lines[i]!);
      return performance.now() - t;
    };
    const runBaseline = () => {
      const t = performance.now();
      for (let i = start; i < end; i++) if (nodeVerify(null, prepared[i]!.msg, key, prepared[i]!.sig)) baselineValid++;
      return performance.now() - t;
    };
    let v: number;
    let b: number;
    if (k % 2 === 0) {
      v = runVerifier();
      b = runBaseline();
    } else {
      b = runBaseline();
      v = runVerifier();
    }
    verifierMs += v;
    baselineMs += b;
    ratios.push(b / v);
  }
  ratios.sort((x, y) => x - y);
  const report = verifier.finish();
  if (report.verdict !== 'verified' || baselineValid !== RECORDS) throw new Error(`bench chain did not verify: ${report.verdict}, baseline ${baselineValid}`);

  // End to end from a file: streaming reader + verifier, as `runsafe verify` runs it.
  const dir = mkdtempSync(join(tmpdir(), 'runsafe-bench-'));
  const file = join(dir, 'chain.jsonl');
  writeFileSync(file, Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')])));
  let t = performance.now();
  const fromFile = await verifyFile(file, { mapping: DEFAULT_CHAIN_MAPPING, keys, maxFindings: 10 });
  const fileMs = performance.now() - t;
  rmSync(dir, { recursive: true, force: true });
  if (fromFile.verdict !== 'verified') throw new Error('file verification failed');

  // The pure noble path on a sample, to show what the native fast path buys.
  const SAMPLE = 1_000;
  const noble = createVerifier({ mapping: DEFAULT_CHAIN_MAPPING, keys, crypto: nobleCrypto });
  t = performance.now();
  for (let i = 0; i < SAMPLE; i++) noble.push(lines[i]!);
  const nobleMs = performance.now() - t;

  const rps = (n: number, ms: number) => Math.round((n / ms) * 1000);
  const ratio = baselineMs / verifierMs;
  return {
    records: RECORDS,
    verify_records_per_s: rps(RECORDS, verifierMs),
    native_ed25519_loop_records_per_s: rps(RECORDS, baselineMs),
    ratio_vs_native_loop: Number(ratio.toFixed(3)),
    median_chunk_ratio: Number(ratios[Math.floor(ratios.length / 2)]!.toFixed(3)),
    goal: '>= 0.9x the native loop, per core (one thread)',
    meets_goal: ratio >= 0.9,
    file_verify_records_per_s: rps(RECORDS, fileMs),
    file_ratio_vs_native_loop: Number((baselineMs / fileMs).toFixed(3)),
    noble_only_records_per_s: rps(SAMPLE, nobleMs),
    fast_path: 'node:crypto verify trusted only for a valid verdict on canonical A, R and S < L; noble (zip215: false) re-decides every other case',
  };
}
