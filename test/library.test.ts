// The runbook library: the shipped runbooks lint clean through the real CLI, and docs/runbooks.md maps every step.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { planFile } from '../client/src/runner/session';
import { resolveInputs } from '../client/src/runner/inputs';
import { lintRunbook } from '../server/src/lint';
import { initShellFromDisk } from '../server/src/shell-wasm';
import { formatPublicKey, parseSeed, signerFromSeed } from '../client/src/signing/keys';

const root = resolve(__dirname, '..');

/** The five reference documents and the runbook each became, with its heading in docs/runbooks.md. */
// `flags` are sample `--input` values; `secrets` are sample values for secret inputs (from the operator's
// environment in a real run). They are fake and exist only to prove each runbook's inputs resolve.
const library = [
  {
    file: 'trace-signing-key-rotation.runbook.yaml',
    doc: 'trace-signing-key-rotation.txt',
    flags: ['APP_ENV=staging', 'SUBSYSTEM=MQA_SCHEDULER', 'NEW_VERSION=2', 'PREVIOUS_VERSION=1'],
    secrets: {},
  },
  {
    file: 'strict-signature-quarantine-drill.runbook.yaml',
    doc: 'strict-signature-quarantine-drill.txt',
    flags: ['PRODUCER_DEPLOYMENT=spendguard-sidecar'],
    secrets: { CANONICAL_DATABASE_URL: 'postgres://spendguard@db.invalid/spendguard_canonical' },
  },
  {
    file: 'secret-rotation-90-day.runbook.yaml',
    doc: 'secret-rotation-90-day.md',
    flags: ['SECRETS_BACKEND=aws'],
    secrets: { NEW_ALPACA_KEY_ID: 'sample-key-id-not-real', NEW_ALPACA_SECRET_KEY: 'sample-secret-not-real' },
  },
  { file: 'operator.runbook.yaml', doc: 'operator-runbook.md', flags: ['APP_ENV=production', 'WORKER_EXPECTED=inactive'], secrets: {} },
  {
    file: 'encryption-key-rotation.runbook.yaml',
    doc: 'encryption-key-rotation.txt',
    flags: ['KMS_PROVIDER=gcp'],
    secrets: { ADMIN_TOKEN: 'sample-admin-token-not-real' },
  },
];

function runsafe(args: string[], env: NodeJS.ProcessEnv = {}, cwd = root) {
  const r = spawnSync(process.execPath, [join(cwd, 'client/out/cli.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every id a runbook declares: steps, sections, preconditions and rollbacks, at any depth. */
function declaredIds(doc: { steps?: unknown[]; preconditions?: unknown[]; rollback?: unknown[] }): string[] {
  const ids: string[] = [];
  const walk = (items: unknown[] | undefined) => {
    for (const item of items ?? []) {
      const o = item as { id?: string; steps?: unknown[] };
      if (o.id) ids.push(o.id);
      if (Array.isArray(o.steps)) walk(o.steps);
    }
  };
  walk(doc.steps);
  walk(doc.preconditions);
  walk(doc.rollback);
  return ids;
}

/** Section ids (sections are headings in the plan, not steps). */
function sectionsOf(doc: { steps?: unknown[] }): string[] {
  const out: string[] = [];
  const walk = (items: unknown[] | undefined) => {
    for (const item of items ?? []) {
      const o = item as { id?: string; section?: string; steps?: unknown[] };
      if (o.section !== undefined && o.id) out.push(o.id);
      if (Array.isArray(o.steps)) walk(o.steps);
    }
  };
  walk(doc.steps);
  return out;
}

before(() => {
  // scripts/test.mjs bundles once before any test file runs (files run concurrently).
  if (!existsSync(join(root, 'client/out/cli.js'))) throw new Error('client/out/cli.js is missing: run npm run build');
});

test('runsafe lint finds nothing, at any severity, in any shipped runbook', () => {
  const r = runsafe(['lint', '--format', 'json', 'runbooks']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const report = JSON.parse(r.stdout) as { files: { path: string; problems: { code: string; severity: string; message: string }[] }[]; unreadable: unknown[] };
  assert.deepEqual(report.unreadable, []);
  const paths = report.files.map((f) => f.path);
  for (const { file } of library) assert.ok(paths.includes(`runbooks/${file}`), `runbooks/${file} was not linted`);
  const findings = report.files.flatMap((f) => f.problems.map((p) => `${f.path}: ${p.severity} ${p.code} ${p.message}`));
  assert.deepEqual(findings, []);
});

test('each library runbook is named for its id', () => {
  for (const { file } of library) {
    const doc = parse(readFileSync(join(root, 'runbooks', file), 'utf8')) as { id: string };
    assert.equal(`${doc.id}.runbook.yaml`, file);
  }
});

test('docs/runbooks.md maps every step of every library runbook, and names no step that does not exist', () => {
  const md = readFileSync(join(root, 'docs/runbooks.md'), 'utf8');
  for (const { file, doc } of library) {
    const start = md.indexOf(`## ${doc} → \`${file}\``);
    assert.ok(start >= 0, `docs/runbooks.md has no section for ${doc}`);
    const end = md.indexOf('\n## ', start + 1);
    const section = md.slice(start, end < 0 ? undefined : end);
    const ids = declaredIds(parse(readFileSync(join(root, 'runbooks', file), 'utf8')));
    const mentioned = new Set([...section.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
    const missing = ids.filter((id) => !mentioned.has(id));
    assert.deepEqual(missing, [], `${doc}: steps with no place in the map`);
    // A backticked kebab-case token in the map is a step id; one that no longer exists is a stale map.
    const stale = [...mentioned].filter((t) => /^[a-z0-9]+(-[a-z0-9]+)+$/.test(t) && !ids.includes(t));
    assert.deepEqual(stale, [], `${doc}: the map names steps the runbook does not have`);
  }
});

test('runsafe run --dry-run plans every library runbook, and the plan shows every step and rollback', () => {
  for (const { file } of library) {
    const r = runsafe(['run', '--dry-run', '--non-interactive', `runbooks/${file}`]);
    assert.equal(r.code, 0, `${file}:\n${r.stdout}${r.stderr}`);
    const ids = declaredIds(parse(readFileSync(join(root, 'runbooks', file), 'utf8')));
    const sectionIds = new Set(sectionsOf(parse(readFileSync(join(root, 'runbooks', file), 'utf8'))));
    // A step of a loop is planned once per item, as `<id>[<item label>] [kind]`.
    const unplanned = ids.filter((id) => !sectionIds.has(id) && !new RegExp(`\\b${id.replace(/[.]/g, '\\.')}(\\[[^\\]\n]*\\])? \\[`).test(r.stdout));
    assert.deepEqual(unplanned, [], `${file}: steps missing from the plan`);
  }
});

test('sample inputs resolve through the run gate: values accepted, secrets only from the environment, captures deferred', async () => {
  for (const { file, flags, secrets } of library) {
    const { plan, errors } = planFile(join(root, 'runbooks', file));
    assert.deepEqual(errors, [], file);
    const captured = new Set([...plan.preconditions, ...plan.steps].flatMap((s) => (s.capture ? [s.capture.into] : [])));
    const values = new Map(flags.map((f) => [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)] as [string, string]));
    const resolved = await resolveInputs({ decls: plan.inputs, flags: values, env: secrets, captured });
    assert.deepEqual(resolved.errors, [], file);
    for (const decl of plan.inputs) {
      const v = resolved.values.get(decl.name);
      if (!v && decl.required === false) continue;
      assert.ok(v, `${file}: ${decl.name} did not resolve`);
      assert.equal(v.secret, decl.secret === true);
      if (decl.secret) assert.equal(v.source, 'environment');
    }
  }
  // The same gate refuses a value outside an input's enum, so the acceptance above means something.
  const { plan } = planFile(join(root, 'runbooks/trace-signing-key-rotation.runbook.yaml'));
  const bad = await resolveInputs({ decls: plan.inputs, flags: new Map([['APP_ENV', 'qa'], ['SUBSYSTEM', 'MQA_SCHEDULER'], ['NEW_VERSION', '2'], ['PREVIOUS_VERSION', '1']]), env: {}, captured: new Set() });
  assert.match(bad.errors.join('\n'), /APP_ENV: "qa" is not one of/);
});

/** Every shipped runbook, relative to the repository root. */
function shipped(dir = 'runbooks'): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? shipped(`${dir}/${e.name}`) : e.name.endsWith('.runbook.yaml') ? [`${dir}/${e.name}`] : [],
  );
}

test('the demo trust store lists exactly the public half of the committed demo approver key, as an approver', () => {
  const signer = signerFromSeed(parseSeed(readFileSync(join(root, 'test/fixtures/keys/demo-approver.key'), 'utf8')));
  const store = parse(readFileSync(join(root, 'runbooks/trust.yaml'), 'utf8')) as { keys: { key_id: string; public_key: string; roles: string[]; revoked_at?: string }[] };
  assert.equal(store.keys.length, 1);
  assert.equal(store.keys[0]!.public_key, formatPublicKey(signer.publicKey));
  assert.equal(store.keys[0]!.key_id, signer.keyId);
  assert.deepEqual(store.keys[0]!.roles, ['approver']);
  assert.match(readFileSync(join(root, 'test/fixtures/keys/README.md'), 'utf8'), /IS A PUBLIC TEST KEY/);
});

test('every shipped runbook is approved by the demo approver: runsafe verify against runbooks/trust.yaml', () => {
  const keyId = (parse(readFileSync(join(root, 'runbooks/trust.yaml'), 'utf8')) as { keys: { key_id: string }[] }).keys[0]!.key_id;
  const files = shipped();
  for (const { file } of library) assert.ok(files.includes(`runbooks/${file}`));
  for (const file of files) {
    const r = runsafe(['verify', file, '--kind', 'runbook', '--trust', 'runbooks/trust.yaml', '--format', 'json']);
    assert.equal(r.code, 0, `${file}: ${r.stdout}${r.stderr}\n(after editing a shipped runbook, run \`npm run approve-examples\` and commit the .sig)`);
    const report = JSON.parse(r.stdout) as { verdict: string; approvedBy: { keyId: string }[] };
    assert.equal(report.verdict, 'approved', file);
    assert.deepEqual(report.approvedBy.map((a) => a.keyId), [keyId], file);
  }
});

test('npm run approve-examples re-approves an edited runbook and leaves approved ones alone (in a copy of the repository)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runsafe-approve-'));
  for (const p of ['client/out', 'runbooks', 'scripts/approve-examples.mjs', 'test/fixtures/keys']) cpSync(join(root, p), join(dir, p), { recursive: true });
  const edited = 'runbooks/operator.runbook.yaml';
  const untouched = 'runbooks/encryption-key-rotation.runbook.yaml';
  const untouchedSig = readFileSync(join(dir, `${untouched}.sig`), 'utf8');
  writeFileSync(join(dir, edited), `${readFileSync(join(dir, edited), 'utf8')}# an edit\n`);
  const before = runsafe(['verify', edited, '--kind', 'runbook', '--trust', 'runbooks/trust.yaml', '--format', 'json'], {}, dir);
  assert.equal(before.code, 1);
  assert.equal((JSON.parse(before.stdout) as { verdict: string }).verdict, 'modified');
  const r = spawnSync(process.execPath, [join(dir, 'scripts/approve-examples.mjs')], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`re-signed ${edited}`));
  assert.match(r.stdout, new RegExp(`approved  ${untouched}`));
  assert.equal(readFileSync(join(dir, `${untouched}.sig`), 'utf8'), untouchedSig);
  const after = runsafe(['verify', edited, '--kind', 'runbook', '--trust', 'runbooks/trust.yaml', '--format', 'json'], {}, dir);
  assert.equal(after.code, 0, after.stdout);
  assert.equal((JSON.parse(after.stdout) as { verdict: string }).verdict, 'approved');
  // The seed travels only through the environment: it is in no output of the script.
  const seed = readFileSync(join(dir, 'test/fixtures/keys/demo-approver.key'), 'utf8').trim();
  assert.ok(!(r.stdout + r.stderr).includes(seed));
});

/** Step ids inside sections of a kind that must run only when chosen, mapped to their section's id. */
function optionalSteps(doc: { steps?: unknown[] }): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (items: unknown[] | undefined, owner: string | undefined) => {
    for (const item of items ?? []) {
      const o = item as { id?: string; section?: string; kind?: string; steps?: unknown[] };
      if (o.section !== undefined) walk(o.steps, owner ?? (['troubleshooting', 'incident', 'variant'].includes(o.kind ?? '') ? o.id : undefined));
      else if (o.id && owner) out.set(o.id, owner);
    }
  };
  walk(doc.steps, undefined);
  return out;
}

/** Every input name a section's `when` tests, and every other place an input is read (a step's `when`, `$NAME` in a script). */
function inputUses(doc: { steps?: unknown[]; preconditions?: unknown[]; rollback?: unknown[] }) {
  const bySection = new Set<string>();
  const elsewhere = new Set<string>();
  const walk = (items: unknown[] | undefined) => {
    for (const item of items ?? []) {
      const o = item as { section?: string; when?: { input?: string }; steps?: unknown[] };
      if (o.section !== undefined) {
        if (o.when?.input) bySection.add(o.when.input);
        walk(o.steps);
        continue;
      }
      if (o.when?.input) elsewhere.add(o.when.input);
      for (const m of JSON.stringify(item).matchAll(/\$\{?([A-Z_][A-Z0-9_]*)/g)) elsewhere.add(m[1]!);
    }
  };
  walk(doc.steps);
  walk(doc.preconditions);
  walk(doc.rollback);
  return { bySection, elsewhere };
}

test('no input only picks a section: troubleshooting, incident and variant sections are chosen with --section, never by an input', () => {
  for (const { file } of library) {
    const doc = parse(readFileSync(join(root, 'runbooks', file), 'utf8')) as { steps?: unknown[] };
    const { bySection, elsewhere } = inputUses(doc);
    const selectors = [...bySection].filter((name) => !elsewhere.has(name));
    assert.deepEqual(selectors, [], `${file}: inputs whose only job is to select a section`);
    // Every step of an optional section is planned as chosen-only, so a default run skips it.
    const { plan } = planFile(join(root, 'runbooks', file));
    const optional = optionalSteps(doc);
    for (const step of plan.steps) {
      const owner = optional.get(step.baseId ?? step.id);
      if (owner) assert.ok(step.optionalSections?.some((sec) => sec.key === owner), `${file}: ${step.id} runs without --section ${owner}`);
      else assert.deepEqual(step.optionalSections ?? [], [], `${file}: ${step.id} is in no optional section but is planned as one`);
    }
  }
  // The check above means something: an input that only picks a section is found.
  const probe = inputUses(parse('steps:\n  - section: T\n    when: { input: TROUBLESHOOT, equals: start }\n    steps: [{ id: a, run: "echo $OTHER" }]\n') as { steps: unknown[] });
  assert.deepEqual([...probe.bySection].filter((n) => !probe.elsewhere.has(n)), ['TROUBLESHOOT']);
});

/** `# want <rule>` / `# ok <rule>` markers (also `-- want` in SQL); each points at the next line that is not a marker. */
function markers(text: string): { kind: 'want' | 'ok'; rule: string; target: number }[] {
  const lines = text.split(/\r?\n/);
  const marker = /(?:#|--)\s*(want|ok)\s+([a-z-]+)\s*$/;
  const out: { kind: 'want' | 'ok'; rule: string; target: number }[] = [];
  lines.forEach((line, i) => {
    const m = marker.exec(line);
    if (!m) return;
    let t = i + 1;
    while (t < lines.length && marker.test(lines[t]!)) t++;
    out.push({ kind: m[1] as 'want' | 'ok', rule: m[2]!, target: t });
  });
  return out;
}

test('the rules find every unsafe line kept from the reference documents, and no near-miss', async () => {
  await initShellFromDisk();
  const dir = join(root, 'test/fixtures/rules/reference');
  const files = readdirSync(dir).filter((f) => f.endsWith('.runbook.yaml'));
  assert.ok(files.length >= 20, `${files.length} reference fixtures`);
  const failures: string[] = [];
  let wants = 0;
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    const { parsed, problems } = lintRunbook(text);
    const lineOf = (offset: number) => parsed.lines.positionAt(offset).line;
    const marks = markers(text);
    if (!marks.some((m) => m.kind === 'want') && !marks.some((m) => m.kind === 'ok')) failures.push(`${file}: no markers`);
    for (const m of marks) {
      const hit = problems.some((p) => p.code === m.rule && lineOf(p.span.start) === m.target);
      if (m.kind === 'want') wants++;
      if (m.kind === 'want' && !hit) failures.push(`${file}:${m.target + 1}: expected ${m.rule}, got ${problems.filter((p) => lineOf(p.span.start) === m.target).map((p) => p.code).join(', ') || 'nothing'}`);
      if (m.kind === 'ok' && hit) failures.push(`${file}:${m.target + 1}: near-miss flagged by ${m.rule}`);
    }
    // A wanted rule fires only where a marker expects it (no duplicate or misplaced findings).
    const wanted = new Set(marks.filter((m) => m.kind === 'want').map((m) => `${m.rule}@${m.target}`));
    const wantedRules = new Set(marks.filter((m) => m.kind === 'want').map((m) => m.rule));
    for (const p of problems) if (wantedRules.has(p.code) && !wanted.has(`${p.code}@${lineOf(p.span.start)}`)) failures.push(`${file}:${lineOf(p.span.start) + 1}: unexpected ${p.code}`);
  }
  assert.deepEqual(failures, []);
  assert.ok(wants >= 20, `${wants} unsafe lines`);
});
