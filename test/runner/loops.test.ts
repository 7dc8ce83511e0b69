// Section loops (`for_each`) through the bundled CLI: expansion in the dry run, per-item values, keys, progress, rollbacks and refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runsafeIn } from '../cli/bundled-cli';
import { transcriptOf, verifyTranscript } from './helpers';

function workspace(name: string, text: string) {
  const dir = mkdtempSync(join(tmpdir(), `runsafe-loop-${name}-`));
  writeFileSync(join(dir, 'loop.runbook.yaml'), text);
  return dir;
}

const product = (log: string, failOn = '') => `runsafe: 1
id: loop-demo
title: Loop demo
inputs:
  SUBSYSTEM:
    description: Which subsystem
    enum: [RAPTOR_PAPER_GATE, SIGNAL]
  APP_ENV:
    enum: [staging, prod]
steps:
  - section: Rotation
    id: rotation
    for_each:
      product: [SUBSYSTEM, APP_ENV]
    steps:
      - id: store
        run: echo "store $SUBSYSTEM $APP_ENV" >> ${log}
        rollback: unstore
      - id: verify
        needs: store
        run: |
          test "$SUBSYSTEM $APP_ENV" != "${failOn}"
          grep -qx "store $SUBSYSTEM $APP_ENV" ${log}
  - id: after
    needs: verify
    run: echo "after" >> ${log}
rollback:
  - id: unstore
    run: echo "unstore $SUBSYSTEM $APP_ENV" >> ${log}
`;

const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n');

test('a product loop runs every combination in order with its values bound, unasked, each step keyed by item', async () => {
  const dir = workspace('product', '');
  const log = join(dir, 'log.txt');
  writeFileSync(join(dir, 'loop.runbook.yaml'), product(log));
  const dry = runsafeIn(dir, ['run', 'loop.runbook.yaml', '--dry-run']);
  assert.equal(dry.code, 0, dry.out);
  assert.match(dry.out, /── Rotation · 1\/4 RAPTOR_PAPER_GATE × staging \(SUBSYSTEM=RAPTOR_PAPER_GATE, APP_ENV=staging\) ──/);
  assert.match(dry.out, /── Rotation · 4\/4 SIGNAL × prod \(SUBSYSTEM=SIGNAL, APP_ENV=prod\) ──/);
  assert.match(dry.out, /needs +store\[SIGNAL × prod\]/);
  assert.match(dry.out, /rollback +unstore\[RAPTOR_PAPER_GATE × prod\]/);
  assert.match(dry.out, /bound by loops: SUBSYSTEM, APP_ENV/);
  // Nothing given and no terminal: the loop binds both inputs, so nobody is asked.
  const r = runsafeIn(dir, ['run', 'loop.runbook.yaml']);
  assert.equal(r.code, 0, r.out);
  assert.deepEqual(lines(log), ['store RAPTOR_PAPER_GATE staging', 'store RAPTOR_PAPER_GATE prod', 'store SIGNAL staging', 'store SIGNAL prod', 'after']);
  assert.match(r.out, /── Rotation · 2\/4 RAPTOR_PAPER_GATE × prod ──/);
  const path = transcriptOf(r.stdout, dir);
  const records = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const started = records.filter((e) => e.type === 'step_start').map((e) => e.stepId);
  assert.deepEqual(started, [
    'store[RAPTOR_PAPER_GATE × staging]', 'verify[RAPTOR_PAPER_GATE × staging]',
    'store[RAPTOR_PAPER_GATE × prod]', 'verify[RAPTOR_PAPER_GATE × prod]',
    'store[SIGNAL × staging]', 'verify[SIGNAL × staging]',
    'store[SIGNAL × prod]', 'verify[SIGNAL × prod]', 'after',
  ]);
  const items = records.filter((e) => e.type === 'section').map((e) => e.item);
  assert.deepEqual(items[2], { index: 3, of: 4, label: 'SIGNAL × staging' });
  assert.equal((await verifyTranscript(path)).verdict, 'unsigned');
});

test('a failing item stops the loop; its rollback runs with that item\'s values, then the earlier items\' rollbacks', () => {
  const dir = workspace('fail', '');
  const log = join(dir, 'log.txt');
  writeFileSync(join(dir, 'loop.runbook.yaml'), product(log, 'SIGNAL staging'));
  const r = runsafeIn(dir, ['run', 'loop.runbook.yaml', '--on-failure', 'rollback']);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /verify\[SIGNAL × staging\] failed/);
  assert.deepEqual(lines(log), [
    'store RAPTOR_PAPER_GATE staging', 'store RAPTOR_PAPER_GATE prod', 'store SIGNAL staging',
    // verify failed: its item's store is rolled back first, then the earlier items newest first.
    'unstore SIGNAL staging', 'unstore RAPTOR_PAPER_GATE prod', 'unstore RAPTOR_PAPER_GATE staging',
  ]);
});

const items = (log: string) => `runsafe: 1
id: rolling
title: Rolling restart
inputs:
  APP_ENV:
    default: staging
steps:
  - section: Restart one service at a time
    for_each:
      label: SERVICE
      items:
        - { SERVICE: signal-service, PORT: 8001 }
        - { SERVICE: orchestrator, PORT: 8002 }
    steps:
      - id: restart
        run: echo "restart $SERVICE on $PORT in $APP_ENV" >> ${log}
        confirm: Restart $SERVICE?
      - id: only-signal
        when: { input: SERVICE, equals: signal-service }
        run: echo "signal only $SERVICE" >> ${log}
`;

test('an items loop: local names bound, when sees them, --confirm <step> covers every item and unattended runs say so once', () => {
  const dir = workspace('items', '');
  const log = join(dir, 'log.txt');
  writeFileSync(join(dir, 'loop.runbook.yaml'), items(log));
  const lint = runsafeIn(dir, ['lint', 'loop.runbook.yaml']);
  assert.equal(lint.code, 0, lint.out);
  const refused = runsafeIn(dir, ['run', 'loop.runbook.yaml']);
  assert.equal(refused.code, 1, refused.out);
  assert.equal(refused.out.split('pass --confirm restart').length - 1, 1, refused.out);
  const one = runsafeIn(dir, ['run', 'loop.runbook.yaml', '--confirm', 'restart[signal-service]']);
  assert.equal(one.code, 1, one.out);
  const r = runsafeIn(dir, ['run', 'loop.runbook.yaml', '--confirm', 'restart']);
  assert.equal(r.code, 0, r.out);
  assert.deepEqual(lines(log), ['restart signal-service on 8001 in staging', 'signal only signal-service', 'restart orchestrator on 8002 in staging']);
  assert.match(r.out, /── Restart one service at a time · 2\/2 orchestrator ──/);
});

test('lint refuses loops over secrets, names that look secret, unknown inputs and enum mismatches; bound names are defined', () => {
  const dir = workspace('lint', `runsafe: 1
id: bad-loops
title: Bad loops
inputs:
  DB_PASSWORD: { secret: true }
  APP_ENV: { enum: [staging, prod] }
  FREE: { default: x }
steps:
  - section: Over a secret
    for_each: { product: [DB_PASSWORD] }
    steps:
      - { id: a, run: 'true' }
  - section: Local secret-looking name
    for_each:
      items:
        - { API_TOKEN: abc }
    steps:
      - { id: b, run: 'true' }
  - section: No enum
    for_each: { product: [FREE, MISSING] }
    steps:
      - { id: c, run: 'true' }
  - section: Enum mismatch
    for_each:
      items:
        - { APP_ENV: production, REGION: eu }
    steps:
      - id: d
        run: echo "$REGION"
        when: { input: REGION, equals: eu }
`);
  const r = runsafeIn(dir, ['lint', 'loop.runbook.yaml']);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /cannot bind the secret input DB_PASSWORD/);
  assert.match(r.out, /cannot bind API_TOKEN: it is named like a secret/);
  assert.match(r.out, /input FREE has no enum to loop over/);
  assert.match(r.out, /'MISSING', which is not an input/);
  assert.match(r.out, /APP_ENV = "production" is not one of its enum values/);
  assert.doesNotMatch(r.out, /\$REGION is not defined|when.input 'REGION'/);
  // The plan refuses the same loops whatever the lint severities say.
  const run = runsafeIn(dir, ['run', 'loop.runbook.yaml']);
  assert.equal(run.code, 1, run.out);
  assert.match(run.out, /refused/);
});
