// Routes and branches through the bundled CLI: a failure routed into its triage section (on_failure), steps chosen by a captured value (when.capture), both refused on bad references.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runBundled as run, stepLog as log, transcriptOf, transcriptRecords as records, workspace } from './helpers';

const drill = (reason: string) => `runsafe: 1
id: drill
title: Quarantine drill
steps:
  - id: integrity
    title: Integrity check
    run: echo integrity >> log.txt; exit 1
    on_failure: { section: triage }
  - id: after
    title: After the check
    run: echo after >> log.txt
  - section: Triage a failed integrity check
    id: triage
    kind: troubleshooting
    steps:
      - id: dominant-reason
        title: The dominating quarantine reason
        run: echo ${reason}; echo dominant >> log.txt
        capture: { into: REASON, secret: false }
      - id: route-unknown-key
        title: Unknown key dominates
        when: { capture: REASON, equals: unknown_key }
        run: echo route-unknown-key >> log.txt
      - id: route-bad-signature
        title: A bad signature dominates
        when: { capture: REASON, in: [invalid_signature, bad_signature] }
        run: echo route-bad-signature >> log.txt
      - id: route-hash-chain
        title: A hash-chain breach dominates
        when: { capture: REASON, matches: '^HASH_CHAIN_' }
        run: echo route-hash-chain >> log.txt
`;

test('on_failure routes a failed step straight into its triage section, where when.capture picks the route by the captured reason', () => {
  for (const [reason, route] of [
    ['unknown_key', 'route-unknown-key'],
    ['bad_signature', 'route-bad-signature'],
    ['HASH_CHAIN_BREACH', 'route-hash-chain'],
  ] as const) {
    const { dir, path } = workspace(`route-${route}`, drill(reason));
    const r = run([path], dir);
    assert.equal(r.code, 1, r.out);
    // The triage ran in place of a plain stop; the step after the check did not, and the triage did not run twice.
    assert.deepEqual(log(dir), ['integrity', 'dominant', route]);
    assert.match(r.out, /↪ integrity failed: into section "Triage a failed integrity check" \(on_failure\)/);
    const recs = records(transcriptOf(r.stdout, dir));
    assert.ok(recs.some((x) => x.type === 'route' && x.stepId === 'integrity' && x.section === 'triage'));
    assert.ok(recs.some((x) => x.type === 'condition' && x.stepId === route && x.holds === true && x.by === 'capture'));
    assert.ok(recs.some((x) => x.type === 'failure_choice' && x.stepId === 'integrity' && x.choice === 'stop'));
  }
  // Without the failure, the troubleshooting section is not chosen and does not run.
  const { dir, path } = workspace('route-none', drill('unknown_key').replace('exit 1', 'true'));
  const ok = run([path], dir);
  assert.equal(ok.code, 0, ok.out);
  assert.deepEqual(log(dir), ['integrity', 'after']);
  // The dry run shows the route and the branches.
  const plan = run(['--dry-run', path], dir);
  assert.match(plan.out, /on fail +route into section "triage" first \(on_failure\), then the failure prompt/);
  assert.match(plan.out, /when +captured REASON matches \/\^HASH_CHAIN_\//);
});

test('a route into no section, or a branch on a secret capture, is refused before anything runs', () => {
  const a = workspace('route-bad', drill('x').replace('section: triage }', 'section: triage-nope }'));
  const bad = run([a.path], a.dir);
  assert.equal(bad.code, 1);
  assert.match(bad.out, /on_failure\.section 'triage-nope' names no section/);
  assert.deepEqual(log(a.dir), []);
  const b = workspace('route-secret', drill('x').replace('capture: { into: REASON, secret: false }', 'capture: { into: REASON }'));
  const secret = run([b.path], b.dir);
  assert.equal(secret.code, 1);
  assert.match(secret.out, /when\.capture 'REASON' is a secret capture/);
  assert.deepEqual(log(b.dir), []);
  // What a route may need is asked for up front: a confirmation in the triage section, although the section is not chosen.
  const c = workspace('route-upfront', drill('x').replace('        run: echo route-unknown-key >> log.txt', '        confirm: true\n        run: echo route-unknown-key >> log.txt'));
  const upfront = run([c.path], c.dir);
  assert.equal(upfront.code, 1);
  assert.match(upfront.out, /step route-unknown-key needs confirmation \(declared confirm\): pass --confirm route-unknown-key/);
  assert.deepEqual(log(c.dir), []);
});
