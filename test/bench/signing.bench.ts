// Bench: verify a 100,000-record signed audit chain vs a bare loop of Node's native Ed25519 verify.
//
// Per core (goal 5a): the verifier and the bare loop on one thread over the same records,
// interleaved in chunks so load changes on a shared machine hit both sides alike. The verifier
// does everything the product does per record (UTF-8 and canonical-form check, hash link, key
// lookup, PAE, strict signature verdict, key window); the baseline only calls crypto.verify on
// prepared bytes. Both cores (goal 5b): the file verified end to end with the signature lane
// (node/signature-lane.ts) and without, runs alternating (ABBA), beside the bare loop on two
// threads vs one (what two cores give the bare verify on this machine, in the same run).
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
import { createSignatureLane, LANE_THRESHOLD, type LaneMode } from '../../client/src/node/signature-lane';
import { Worker } from 'node:worker_threads';

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
  const fileRun = async (lane: LaneMode): Promise<number> => {
    const t0 = performance.now();
    const r = await verifyFile(file, { mapping: DEFAULT_CHAIN_MAPPING, keys, maxFindings: 10, lane });
    if (r.verdict !== 'verified') throw new Error(`file verification failed (${lane})`);
    return performance.now() - t0;
  };
  // ABBA: one lane, two lanes, two lanes, one lane.
  const oneLane: number[] = [];
  const twoLanes: number[] = [];
  oneLane.push(await fileRun('never'));
  twoLanes.push(await fileRun('auto'), await fileRun('auto'));
  oneLane.push(await fileRun('never'));
  const fileMs = (oneLane[0]! + oneLane[1]!) / 2;
  const twoLaneMs = (twoLanes[0]! + twoLanes[1]!) / 2;
  rmSync(dir, { recursive: true, force: true });

  // The bare loop on two threads vs one over the same sample, ABBA: what two cores give on this machine now.
  const BARE = 30_000;
  const bareOne = (): number => {
    const t0 = performance.now();
    for (let i = 0; i < BARE; i++) if (!nodeVerify(null, prepared[i]!.msg, key, prepared[i]!.sig)) throw new Error('bare loop');
    return performance.now() - t0;
  };
  const bareTwo = async (): Promise<number> => {
    const half = BARE / 2;
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const { createPublicKey, verify } = require('node:crypto');
       const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: workerData.x }, format: 'jwk' });
       parentPort.once('message', () => { let ok = 0; for (const p of workerData.items) if (verify(null, p.msg, key, p.sig)) ok++; parentPort.postMessage(ok); });
       parentPort.postMessage('ready');`,
      { eval: true, workerData: { x: formatPublicKey(signer.publicKey), items: prepared.slice(half, BARE).map((p) => ({ msg: p.msg, sig: p.sig })) } },
    );
    await new Promise((res) => worker.once('message', res));
    const t0 = performance.now();
    const done = new Promise<number>((res) => worker.once('message', res));
    worker.postMessage('go');
    for (let i = 0; i < half; i++) if (!nodeVerify(null, prepared[i]!.msg, key, prepared[i]!.sig)) throw new Error('bare loop');
    if ((await done) !== BARE - half) throw new Error('bare loop (worker)');
    const ms = performance.now() - t0;
    await worker.terminate();
    return ms;
  };
  const bare1 = [bareOne()];
  const bare2 = [await bareTwo(), await bareTwo()];
  bare1.push(bareOne());
  const bareSpeedup = (bare1[0]! + bare1[1]!) / (bare2[0]! + bare2[1]!);

  // What starting the lane costs (a thread, an isolate, until it can take batches): the threshold repays it.
  const starts: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const lane = createSignatureLane('always')!;
    await lane.started();
    starts.push(performance.now() - t0);
    lane.close();
  }
  starts.sort((a, b) => a - b);
  const laneStartMs = starts[2]!;

  // The pure noble path on a sample, to show what the native fast path buys.
  const SAMPLE = 1_000;
  const noble = createVerifier({ mapping: DEFAULT_CHAIN_MAPPING, keys, crypto: nobleCrypto });
  const t = performance.now();
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
    goal: '>= 0.95x the native loop, per core (one thread)',
    meets_goal: ratio >= 0.95,
    file_verify_records_per_s: rps(RECORDS, fileMs),
    file_ratio_vs_native_loop: Number((baselineMs / fileMs).toFixed(3)),
    two_lane_file_verify_records_per_s: rps(RECORDS, twoLaneMs),
    two_lane_speedup_vs_one_lane: Number((fileMs / twoLaneMs).toFixed(3)),
    bare_loop_two_threads_speedup_vs_one: Number(bareSpeedup.toFixed(3)),
    two_lane_share_of_bare_speedup: Number((fileMs / twoLaneMs / bareSpeedup).toFixed(3)),
    file_runs_ms: { one_lane: oneLane.map(Math.round), two_lanes: twoLanes.map(Math.round) },
    lane_start_ms: Number(laneStartMs.toFixed(1)),
    lane_threshold_records: LANE_THRESHOLD,
    // Records whose serial check takes as long as starting the lane: below about this, a lane cannot pay.
    lane_break_even_records: Math.round(laneStartMs / (verifierMs / RECORDS)),
    noble_only_records_per_s: rps(SAMPLE, nobleMs),
    fast_path: 'node:crypto verify trusted only for a valid verdict on canonical A, R and S < L; noble (zip215: false) re-decides every other case',
  };
}
