// The second core for `runsafe verify`: a worker thread checking batches of Ed25519 signatures the verifier hands it.
//
// Why this shape: per record a signature check costs about 95 µs and everything else (UTF-8, JSON,
// canonical form, hash link, key lookup) about 5 µs, so the hash chain stays on one thread, in order,
// and signatures are shared between it and this lane. The verifier offers each batch of 64; the lane
// takes it when a slot is free, else the verifier checks that batch itself (so both cores stay busy
// and a lagging lane only means more local checks), and a push waits only when a few batches are
// pending behind a busy lane (back-pressure, bounded memory).
//
// Batches travel through shared memory (no copy per message, no event-loop turn to read a
// verdict): SLOTS fixed-size slots, each [count u32, then per check: message length u32, public key
// 32, signature 64, message], verdicts one byte per check. The worker checks with node:crypto's
// verify over a KeyObject from the same raw key, which is exactly nativeVerifyOnly's verdict; keys
// without a native object (the pure path decides them) and batches larger than a slot stay local.
// The worker's source is inlined (eval) so the lane starts the same under tsx and in the bundles.
//
// Short chains stay serial: the lane starts once LANE_THRESHOLD records have been offered (a thread
// and an isolate cost about 25 ms of CPU and some MiB of memory, repaid from a few thousand records).
// RUNSAFE_VERIFY_LANE (tests and benches only): `always` starts it at once with room for 32 batches so
// a short chain's every batch goes through it; `never` keeps verification on one thread.
import { Worker } from 'node:worker_threads';
import type { SignatureLane } from '../signing/signature-lane';
import { hasNativeKey } from './native-crypto';

export type LaneMode = 'auto' | 'always' | 'never';

// Atomics.waitAsync is in Node since 16; TypeScript types it only from lib es2024.
const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: Promise<unknown> | string } }).waitAsync;

/** Records offered before the lane starts in `auto` mode (chosen by measurement: see docs/signing.md § Performance). */
export const LANE_THRESHOLD = 2_000;
const SLOT_BYTES = 256 << 10;
const MAX_CHECKS = 256;
// Control words: batches submitted, batches checked, ready, stop.
const SUBMITTED = 0;
const CHECKED = 1;
const READY = 2;
const STOP = 3;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
const { control, data, verdicts, slots, slotBytes, maxChecks, crashAfter } = workerData;
const ctl = new Int32Array(control);
const bytes = new Uint8Array(data);
const view = new DataView(data);
const out = new Uint8Array(verdicts);
let lastKey = null;
let lastRaw = Buffer.alloc(32);
let checked = 0;
Atomics.store(ctl, ${READY}, 1);
Atomics.notify(ctl, ${READY});
for (;;) {
  if (Atomics.load(ctl, ${STOP}) === 1) break;
  const submitted = Atomics.load(ctl, ${SUBMITTED});
  if (submitted === checked) {
    Atomics.wait(ctl, ${SUBMITTED}, submitted);
    continue;
  }
  if (crashAfter >= 0 && checked >= crashAfter) throw new Error('crash requested by RUNSAFE_VERIFY_LANE_CRASH_AFTER');
  const slot = checked % slots;
  let off = slot * slotBytes;
  const n = view.getUint32(off, true);
  off += 4;
  for (let i = 0; i < n; i++) {
    const len = view.getUint32(off, true);
    const raw = bytes.subarray(off + 4, off + 36);
    if (lastKey === null || Buffer.compare(raw, lastRaw) !== 0) {
      lastRaw = Buffer.from(raw);
      lastKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: lastRaw.toString('base64url') }, format: 'jwk' });
    }
    let ok = false;
    try {
      ok = verify(null, bytes.subarray(off + 100, off + 100 + len), lastKey, bytes.subarray(off + 36, off + 100));
    } catch {
      ok = false;
    }
    out[slot * maxChecks + i] = ok ? 1 : 0;
    off += 100 + len;
  }
  checked++;
  Atomics.store(ctl, ${CHECKED}, checked);
  Atomics.notify(ctl, ${CHECKED});
}
`;

/** The lane mode from RUNSAFE_VERIFY_LANE (`auto` unless a test or bench says otherwise). */
export function laneModeFromEnv(env: NodeJS.ProcessEnv = process.env): LaneMode {
  const v = env['RUNSAFE_VERIFY_LANE'];
  return v === 'always' || v === 'never' ? v : 'auto';
}

/** The lane's thread stopped mid-verification: a clear message, never the raw worker error. */
export class SignatureLaneError extends Error {
  override name = 'SignatureLaneError';
}

export interface NodeSignatureLane extends SignatureLane {
  /** Resolves once the worker can take batches (at once when it never will). */
  started(): Promise<void>;
  /** Batches checked by the lane and by the caller; tests read it to know the lane was used. */
  readonly stats: { lane: number; local: number };
  close(): void;
}

/** A lane for one verification, or undefined in `never` mode. */
export function createSignatureLane(mode: LaneMode = laneModeFromEnv()): NodeSignatureLane | undefined {
  if (mode === 'never') return undefined;
  const slots = mode === 'always' ? 32 : 4;
  const control = new SharedArrayBuffer(4 * 4);
  const ctl = new Int32Array(control);
  let data: SharedArrayBuffer | undefined;
  let bytes: Uint8Array | undefined;
  let view: DataView | undefined;
  let verdicts: Uint8Array | undefined;
  let worker: Worker | undefined;
  let offered = 0;
  let submitted = 0;
  let taken = 0;
  let failure: Error | undefined;
  let closed = false;
  let onOnline: Promise<void> = Promise.resolve();
  // Rejects when the worker stops before it is closed; every wait races it.
  let stopped!: Promise<never>;
  const stats = { lane: 0, local: 0 };

  const fail = (err: Error): void => {
    if (closed || failure) return;
    failure = new SignatureLaneError(`the signature-checking thread stopped before the verification finished (${err.message}); nothing was judged from its unfinished work, run the verification again`);
  };

  function start(): void {
    data = new SharedArrayBuffer(slots * SLOT_BYTES);
    bytes = new Uint8Array(data);
    view = new DataView(data);
    const verdictBuffer = new SharedArrayBuffer(slots * MAX_CHECKS);
    verdicts = new Uint8Array(verdictBuffer);
    const crash = Number(process.env['RUNSAFE_VERIFY_LANE_CRASH_AFTER'] ?? -1);
    worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { control, data, verdicts: verdictBuffer, slots, slotBytes: SLOT_BYTES, maxChecks: MAX_CHECKS, crashAfter: Number.isInteger(crash) ? crash : -1 },
      // Its garbage is a few key objects: the smallest heap V8 allows is plenty.
      resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 },
      stdout: false,
      stderr: false,
    });
    // Kept referenced: a wait on shared memory alone (Atomics.waitAsync) does not keep Node's event loop alive.
    stopped = new Promise<never>((_, reject) => {
      worker!.once('error', (err) => {
        fail(err);
        reject(failure);
      });
      worker!.once('exit', (code) => {
        fail(new Error(`exit code ${code}`));
        if (failure) reject(failure);
      });
    });
    stopped.catch(() => undefined);
    onOnline = new Promise<void>((resolve) => worker!.once('online', () => resolve()));
  }

  function check(): void {
    if (failure) throw failure;
  }

  const lane: NodeSignatureLane = {
    slots,
    stats,
    offer(checks) {
      check();
      offered += checks.length;
      if (!worker && (mode === 'always' || offered >= LANE_THRESHOLD)) start();
      if (!worker || Atomics.load(ctl, READY) !== 1 || checks.length > MAX_CHECKS) return local();
      // A slot is free once the worker has checked it and its verdicts were taken.
      if (submitted - Math.min(Atomics.load(ctl, CHECKED), taken) >= slots) return local();
      let size = 4;
      for (const c of checks) {
        if (c.signature.length !== 64 || c.publicKey.length !== 32 || !hasNativeKey(c.publicKey)) return local();
        size += 100 + c.message.length;
      }
      if (size > SLOT_BYTES) return local();
      const slot = submitted % slots;
      let off = slot * SLOT_BYTES;
      view!.setUint32(off, checks.length, true);
      off += 4;
      for (const c of checks) {
        view!.setUint32(off, c.message.length, true);
        bytes!.set(c.publicKey, off + 4);
        bytes!.set(c.signature, off + 36);
        bytes!.set(c.message, off + 100);
        off += 100 + c.message.length;
      }
      const ticket = submitted++;
      Atomics.store(ctl, SUBMITTED, submitted);
      Atomics.notify(ctl, SUBMITTED);
      stats.lane++;
      return ticket;
    },
    poll(ticket) {
      check();
      if (Atomics.load(ctl, CHECKED) <= ticket) return undefined;
      taken = ticket + 1;
      const slot = ticket % slots;
      return verdicts!.slice(slot * MAX_CHECKS, (slot + 1) * MAX_CHECKS);
    },
    async wait(ticket) {
      for (;;) {
        check();
        const now = Atomics.load(ctl, CHECKED);
        if (now > ticket) return;
        const w = waitAsync(ctl, CHECKED, now);
        if (w.async) await Promise.race([w.value, stopped]);
      }
    },
    async started() {
      if (mode !== 'always') return;
      if (!worker) start();
      await Promise.race([onOnline, stopped]);
      // 'online' comes before the worker's first line runs; READY is set once it can take batches.
      while (Atomics.load(ctl, READY) !== 1) {
        const w = waitAsync(ctl, READY, 0);
        if (w.async) await Promise.race([w.value, stopped]);
      }
    },
    close() {
      closed = true;
      if (!worker) return;
      Atomics.store(ctl, STOP, 1);
      Atomics.notify(ctl, SUBMITTED);
      void worker.terminate();
    },
  };

  function local(): undefined {
    stats.local++;
    return undefined;
  }

  return lane;
}

