// sql steps: the connection string becomes libpq environment variables, never a command-line argument.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { libpqEnv } from '../../client/src/runner/sql';
import { executePlan } from '../../client/src/runner/engine';
import { Masker } from '../../client/src/runner/masker';
import type { RunEvent } from '../../client/src/runner/events';

test('postgres URLs and key=value strings map to PG* variables; unknown parameters are refused', () => {
  assert.deepEqual(libpqEnv('postgres://spend%40guard:s3cr%2Ft@db.internal:6543/canonical?sslmode=require&application_name=runsafe'), {
    PGHOST: 'db.internal',
    PGPORT: '6543',
    PGUSER: 'spend@guard',
    PGPASSWORD: 's3cr/t',
    PGDATABASE: 'canonical',
    PGSSLMODE: 'require',
    PGAPPNAME: 'runsafe',
  });
  assert.deepEqual(libpqEnv("host=localhost dbname=trader user=postgres password='it\\'s a pw'"), { PGHOST: 'localhost', PGDATABASE: 'trader', PGUSER: 'postgres', PGPASSWORD: "it's a pw" });
  assert.match((libpqEnv('postgres://h/db?sslpassword=x') as { error: string }).error, /cannot pass safely: sslpassword/);
  assert.match((libpqEnv('not a connection') as { error: string }).error, /neither a postgres:\/\/ URL nor key=value pairs/);
});

test('a sql step without its connection URL fails with a clear message and runs nothing', async () => {
  const events: RunEvent[] = [];
  const out = await executePlan(
    {
      runbook: { id: 's', title: 'S', path: 's.runbook.yaml', sha256: '0'.repeat(64) },
      inputs: [],
      preconditions: [],
      steps: [{ id: 'q', title: 'Query', kind: 'sql', group: 'step', run: 'SELECT 1;', database: 'CANONICAL_DATABASE_URL', needs: [], rollback: [] }],
      rollbacks: [],
      sections: [],
      problems: [],
    },
    { host: { emit: (e) => void events.push(e) }, cwd: mkdtempSync(join(tmpdir(), 'runsafe-sql-')), inputs: new Map(), masker: new Masker(), operatorEnv: {} },
  );
  assert.equal(out.status, 'failed');
  assert.match(out.summary[0]!.detail!, /sql step needs the connection URL in CANONICAL_DATABASE_URL/);
});
