// The language server's idle-time collector: a young-generation collection once things are quiet after
// soon(), none when cancel() comes first (a change arrived), observed through V8's own GC events.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { idleCollector } from '../../server/src/lsp/idle-gc';

/** Minor collections V8 reports while `during` runs (and for `settleMs` after). */
async function minorGcs(during: () => Promise<void>, settleMs = 20): Promise<number> {
  let count = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if ((e as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) count++;
  });
  obs.observe({ entryTypes: ['gc'] });
  await during();
  await new Promise((r) => setTimeout(r, settleMs));
  obs.disconnect();
  return count;
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('soon() collects the young generation once quiet; cancel() before the moment collects nothing', async () => {
  const idle = idleCollector(5);
  // Let start-up's own collections pass, and allocate nothing while watching, so V8 itself has no
  // reason to collect in the windows below.
  await wait(200);
  const collected = await minorGcs(async () => {
    idle.soon();
    await wait(40);
  });
  assert.equal(collected, 1);
  const cancelled = await minorGcs(async () => {
    idle.soon();
    idle.cancel();
    await wait(40);
  });
  assert.equal(cancelled, 0);
  // Rescheduling in a burst still collects once.
  const burst = await minorGcs(async () => {
    for (let i = 0; i < 10; i++) idle.soon();
    await wait(40);
  });
  assert.equal(burst, 1);
});
