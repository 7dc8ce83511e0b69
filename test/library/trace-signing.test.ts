// Trace signing key rotation through the real CLI with recording stand-ins: the rotation end to end across its parked 15-minute grace, no overwritten key version, the right switch-back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runbook, simulation } from './sim';

const file = runbook('trace-signing-key-rotation.runbook.yaml');
const app = 'raxx-api-staging';
const vaultKey = (v: number) => `staging:/raxx/v1/staging/raptor/TRACE_SIGNING_PRIVKEY_MQA_SCHEDULER_V${v}`;
const inputs = (prev: number, next: number) => ['-i', 'APP_ENV=staging', '-i', 'SUBSYSTEM=MQA_SCHEDULER', '-i', `NEW_VERSION=${next}`, '-i', `PREVIOUS_VERSION=${prev}`];
const confirms = ['--answer', 'rotation=yes', '--confirm', 'rotate-add-env-var', '--confirm', 'rotate-switch-version', '--confirm', 'rotate-attestation'];
const seed = (c: string) => c.repeat(43);

test('a rerun with an existing NEW_VERSION is refused before anything is written (the seed on the dyno and in the vault stay)', () => {
  const sim = simulation('trace-exists');
  sim.setState('infisical', { [vaultKey(1)]: seed('a'), [vaultKey(2)]: seed('b') });
  sim.setState('heroku', { [app]: { TRACE_SIGNING_PRIVKEY_MQA_SCHEDULER_V1: seed('a'), TRACE_SIGNING_PRIVKEY_MQA_SCHEDULER_V2: seed('b'), TRACE_SIGNING_KEY_VERSION_MQA_SCHEDULER: 'v2' } });
  // Should the run go on, it stops at the dyno write (so today's runbook cannot reach the 15-minute wait).
  sim.fail([{ tool: 'curl', args: ['PATCH'], exit: 22 }]);
  const r = sim.runsafe(['run', file, '--non-interactive', ...inputs(2, 2), ...confirms]);
  assert.equal(r.code, 1, r.out);
  assert.equal(sim.vault()[vaultKey(2)], seed('b'), 'the existing V2 seed in the vault was overwritten');
  assert.equal(sim.dyno(app).TRACE_SIGNING_PRIVKEY_MQA_SCHEDULER_V2, seed('b'));
  assert.ok(!sim.calls().some((c) => c.tool === 'infisical' && c.argv[1] === 'set'), 'infisical secrets set ran for an existing version');
  assert.match(r.out, /new-version-absent/);
});

test('switch-back restores the version that was active before the switch, not the typed PREVIOUS_VERSION', () => {
  const sim = simulation('trace-switch-back');
  sim.setState('infisical', { [vaultKey(3)]: seed('c') });
  sim.setState('heroku', { [app]: { TRACE_SIGNING_PRIVKEY_MQA_SCHEDULER_V3: seed('c'), TRACE_SIGNING_KEY_VERSION_MQA_SCHEDULER: 'v3' } });
  // The operator typed PREVIOUS_VERSION=1 but v3 is active; the switch to v4 is lost by the service once.
  sim.fail([{ tool: 'heroku', args: ['config:set', 'TRACE_SIGNING_KEY_VERSION_'], once: true, drop: true }]);
  const r = sim.runsafe(['run', file, '--non-interactive', '--on-failure', 'rollback', ...inputs(1, 4), ...confirms]);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /rotate-verify-active-version/);
  const cfg = sim.dyno(app);
  assert.equal(cfg.TRACE_SIGNING_KEY_VERSION_MQA_SCHEDULER, 'v3', `switch-back left ${cfg.TRACE_SIGNING_KEY_VERSION_MQA_SCHEDULER} active\n${r.out}`);
  // The new version's seed reached vault and dyno from a file descriptor and stdin: on no command line.
  const newSeed = sim.vault()[vaultKey(4)] ?? '';
  assert.match(newSeed, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(cfg.TRACE_SIGNING_PRIVKEY_MQA_SCHEDULER_V4, newSeed);
  for (const c of sim.calls()) assert.ok(!c.argv.some((a) => a.includes(newSeed)), `${c.tool} got the seed in argv`);
  for (const t of sim.transcripts()) assert.ok(!readFileSync(t, 'utf8').includes(newSeed), 'the seed is in the transcript');
  for (const t of sim.transcripts()) assert.equal(sim.runsafe(['verify', t, '--allow-unsigned']).code, 0, 'the transcript does not verify');
});

test('provisioning loops over every environment × subsystem: a key version 1 that exists stops the loop at its item, written items stay, no seed in argv or transcript', () => {
  const sim = simulation('trace-provision-loop');
  const v1 = (env: string, sub: string) => `${env}:/raxx/v1/${env}/raptor/TRACE_SIGNING_PRIVKEY_${sub}_V1`;
  // RAPTOR_PAPER_GATE already has a V1 on staging: items 1 and 2 are provisioned, item 3 is refused before any write.
  // SUBSYSTEM is asked although the loop binds it: the rotation reads it too (inputs are runbook-wide, gap 2).
  sim.setState('infisical', { [v1('staging', 'RAPTOR_PAPER_GATE')]: seed('p') });
  sim.setState('heroku', { [app]: { TRACE_SIGNING_PRIVKEY_RAPTOR_PAPER_GATE_V1: seed('p') }, 'raxx-api-prod': {} });
  const r = sim.runsafe(['run', file, '--non-interactive', '-i', 'SUBSYSTEM=MQA_SCHEDULER', '-i', 'NEW_VERSION=1', '-i', 'PREVIOUS_VERSION=0', '--section', 'provisioning', '--answer', 'rotation=no', '--confirm', 'provision-set-env-var', '--confirm', 'provision-enable-flag']);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /── Part 1: Initial provisioning \(first-time setup\) › 1a-1c: a key for every subsystem in every environment · 3\/8 staging × RAPTOR_PAPER_GATE ──/);
  assert.match(r.out, /provision-new-version-absent\[staging × RAPTOR_PAPER_GATE\] failed/);
  const vault = sim.vault();
  assert.equal(vault[v1('staging', 'RAPTOR_PAPER_GATE')], seed('p'), 'the existing V1 seed was overwritten');
  assert.equal(sim.dyno(app).TRACE_SIGNING_PRIVKEY_RAPTOR_PAPER_GATE_V1, seed('p'));
  const written = ['MQA_SCHEDULER', 'RAPTOR_ORDER_ROUTER'].map((s) => vault[v1('staging', s)] ?? '');
  for (const [i, s] of ['MQA_SCHEDULER', 'RAPTOR_ORDER_ROUTER'].entries()) {
    assert.match(written[i]!, /^[A-Za-z0-9_-]{43}$/, `${s} was not provisioned`);
    assert.equal(sim.dyno(app)[`TRACE_SIGNING_PRIVKEY_${s}_V1`], written[i], `${s}: dyno and vault differ`);
  }
  assert.notEqual(written[0], written[1], 'two subsystems got the same seed');
  // Nothing after the refused item ran: no prod key, no flag.
  assert.ok(!Object.keys(vault).some((k) => k.startsWith('prod:')), 'a prod key was written');
  assert.equal(sim.dyno(app).FLAG_TRACE_SYS_SIGNING, undefined);
  for (const c of sim.calls()) for (const s of written) assert.ok(!c.argv.some((a) => a.includes(s)), `${c.tool} got a seed in argv`);
  for (const c of sim.calls()) if (c.tool !== 'curl' && c.tool !== 'infisical') assert.ok(!c.env_names.includes('NEW_SEED'), `${c.tool} got NEW_SEED in its environment`);
  for (const t of sim.transcripts()) {
    const text = readFileSync(t, 'utf8');
    for (const s of written) assert.ok(!text.includes(s), 'a seed is in the transcript');
    assert.match(text, /"stepId":"provision-store-in-vault\[staging × RAPTOR_ORDER_ROUTER\]"/);
    assert.equal(sim.runsafe(['verify', t, '--allow-unsigned']).code, 0, 'the transcript does not verify');
  }
});

test('happy path: the rotation adds v2 beside v1, switches to it, parks at the 15-minute grace and, resumed after it on the test clock, passes the integrity check; v1 stays, no rollback, no seed in argv, environment or transcript', () => {
  const sim = simulation('trace-rotate-happy');
  sim.setState('infisical', { [vaultKey(1)]: seed('a') });
  sim.setState('heroku', { [app]: { TRACE_SIGNING_PRIVKEY_MQA_SCHEDULER_V1: seed('a'), TRACE_SIGNING_KEY_VERSION_MQA_SCHEDULER: 'v1' } });
  // NEW_SEED (a secret capture) is what the rollbacks after the resume would need: kept only in the encrypted state.
  const keyFile = join(sim.dir, 'state.key');
  writeFileSync(keyFile, randomBytes(32).toString('hex'), { mode: 0o600 });
  const args = [file, '--non-interactive', '--state-key-file', keyFile, ...inputs(1, 2), ...confirms];
  // The 15-minute wait (key cache TTL + grace) may park the run: the plan says so.
  assert.match(sim.runsafe(['run', '--dry-run', ...args]).out, /rotate-grace[\s\S]*?wait +15m \(may park the run/);
  const first = sim.runsafe(['run', '--park-waits', ...args], { RUNSAFE_TEST_NOW: '2026-12-01T09:00:00.000Z' });
  assert.equal(first.code, 3, first.out);
  assert.match(first.out, /\nrotate-verify-active-version +run +passed/);
  assert.ok(!sim.calls().some((c) => c.tool === 'heroku' && c.argv[0] === 'run'), 'the integrity checker ran before the grace period');
  const newSeed = sim.vault()[vaultKey(2)] ?? '';
  assert.match(newSeed, /^[A-Za-z0-9_-]{43}$/);
  const cfg = sim.dyno(app);
  assert.equal(cfg.TRACE_SIGNING_PRIVKEY_MQA_SCHEDULER_V2, newSeed);
  assert.equal(cfg.TRACE_SIGNING_KEY_VERSION_MQA_SCHEDULER, 'v2');

  // Before the grace period is over a resume is refused; 16 minutes later it goes on.
  const early = sim.runsafe(['run', ...args, '--resume', sim.transcripts()[0]!], { RUNSAFE_TEST_NOW: '2026-12-01T09:05:00.000Z' });
  assert.notEqual(early.code, 0, early.out);
  assert.match(early.out, /parked at rotate-grace/);
  const r = sim.runsafe(['run', ...args, '--resume', sim.transcripts()[0]!], { RUNSAFE_TEST_NOW: '2026-12-01T09:16:00.000Z' });
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /\nrotate-integrity-check +run +passed/);
  assert.ok(!sim.records().some((x) => x.type === 'step_start' && x.group === 'rollback'), 'a rollback ran');
  // Old events stay verifiable: v1 is untouched in Infisical and on the dyno.
  assert.equal(sim.vault()[vaultKey(1)], seed('a'));
  assert.equal(sim.dyno(app).TRACE_SIGNING_PRIVKEY_MQA_SCHEDULER_V1, seed('a'));
  for (const c of sim.calls()) {
    assert.ok(!c.argv.some((a) => a.includes(newSeed) || a.includes(seed('a'))), `${c.tool} got a seed in argv`);
    // Only the tools of the steps that write or compare the seed (curl to the Platform API, infisical) see it.
    if (c.tool !== 'curl' && c.tool !== 'infisical') assert.ok(!c.env_names.includes('NEW_SEED'), `${c.tool} ${c.argv.join(' ')} got NEW_SEED in its environment`);
  }
  for (const t of sim.transcripts()) assert.ok(!readFileSync(t, 'utf8').includes(newSeed), 'the seed is in the transcript');
  const v = sim.runsafe(['verify', ...sim.transcripts(), '--allow-unsigned']);
  assert.equal(v.code, 0, v.out);
});
