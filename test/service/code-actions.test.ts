// Code actions: schema suggestions, rule fixes from typed data, suppress with reason, fix-all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, codeActions, fixAll, type CodeAction } from '../../server/src/service/index';
import type { Problem } from '../../server/src/language/index';
import { applyEdits, fixture, golden, uri } from './helpers';

const base = fixture('rotation.runbook.yaml');
const apply = (text: string, a: CodeAction) => applyEdits(text, a.edit.changes[uri]!);
const spanOf = (text: string, needle: string) => {
  const start = text.indexOf(needle);
  assert.ok(start >= 0, needle);
  return { start, end: start + needle.length };
};

test('a misspelt key gets its "did you mean" fix', () => {
  const text = base.replace('    title: Run the integrity checker', '    tilte: Run the integrity checker');
  const doc = analyze(uri, text);
  const actions = codeActions(doc, spanOf(text, 'tilte'));
  const fix = actions.find((a) => a.title === 'Change `tilte` to `title`')!;
  assert.equal(fix.kind, 'quickfix');
  assert.equal(fix.isPreferred, true);
  assert.equal(fix.diagnostics![0]!.code, 'schema-unknown-key');
  assert.equal(apply(text, fix), base);
  assert.ok(!actions.some((a) => a.title.startsWith('Suppress')), 'schema problems are fixed, not suppressed');
});

test('a misspelt enum value gets its fix', () => {
  const text = base.replace('    kind: x', '').replace('  - section: "Part A: new key"\n', '  - section: "Part A: new key"\n    kind: trubleshooting\n');
  const doc = analyze(uri, text);
  const fix = codeActions(doc, spanOf(text, 'trubleshooting')).find((a) => a.kind === 'quickfix')!;
  assert.match(apply(text, fix), /kind: troubleshooting\n/);
});

/** A rule finding as the rules report it: code, span and typed data with fixes. */
function withRuleProblem(text: string, p: Problem) {
  const doc = analyze(uri, text);
  doc.problems.push(p);
  return doc;
}

test('rule fixes come from typed data, never from the message', () => {
  const text = base;
  const span = spanOf(text, 'heroku run python');
  const doc = withRuleProblem(text, {
    code: 'unverified-change',
    severity: 'warning',
    message: 'words that do not matter',
    span,
    data: {
      rule: 'unverified-change',
      fixes: [
        { title: 'Risky rewrite', edits: [{ span, newText: 'true' }], safe: false },
        { title: 'Add an exit check', edits: [{ span: { start: span.start, end: span.start }, newText: 'set -e; ' }], safe: true },
        { title: 'Suppress unverified-change on this line (give a reason)', edits: [{ span: { start: 0, end: 0 }, newText: '# runsafe-ignore unverified-change: <reason>\n' }], safe: false },
      ],
    },
  });
  const actions = codeActions(doc, span);
  const fix = actions.find((a) => a.title === 'Add an exit check')!;
  assert.equal(fix.isPreferred, true, 'the first safe fix is preferred');
  assert.equal(actions.find((a) => a.title === 'Risky rewrite')!.isPreferred, undefined);
  assert.match(apply(text, fix), /run: set -e; heroku run python/);
  // The engine's own suppression fix is replaced by the service's, placed where it is safe.
  assert.deepEqual(actions.filter((a) => a.title.startsWith('Suppress')).map((a) => a.title), ['Suppress unverified-change here (with a reason)']);
  // Fix-all takes only safe fixes.
  assert.match(apply(text, fixAll(doc)!), /run: set -e; heroku run python/);
});

test('suppress with reason: a shell comment inside a literal script, directly above the finding', () => {
  const text = base;
  const span = spanOf(text, 'heroku config:set "TRACE');
  const doc = withRuleProblem(text, { code: 'secret-in-argv', severity: 'warning', message: 'm', span });
  const action = codeActions(doc, span).find((a) => a.title.startsWith('Suppress'))!;
  golden('suppress-literal', apply(text, action).split('\n').slice(30, 38));
});

test('suppression above a continued command or a multi-line value, and the engine honours it; none in a heredoc body', () => {
  const suppressed = (text: string, needle: string, code: string) => {
    const span = spanOf(text, needle);
    const doc = withRuleProblem(text, { code, severity: 'warning', message: 'm', span });
    return codeActions(doc, span).filter((a) => a.title.startsWith('Suppress')).map((a) => apply(text, a));
  };
  // After a trailing backslash a comment would end the command: it goes above the command's first line.
  const [continued] = suppressed(base, '-a "raxx-api-$APP_ENV" >/dev/null', 'secret-in-argv');
  const lines = continued!.split('\n');
  const i = lines.findIndex((l) => l.includes('# runsafe-ignore'));
  assert.match(lines[i + 1]!, /^ {10}heroku config:set "TRACE_SIGNING_PRIVKEY_/);
  // In a folded value a comment line would become text: it goes above the key.
  const folded = base.replace('    run: heroku run python -m jobs.trace_integrity_check --window-hours 1 -a "raxx-api-$APP_ENV"', '    run: >\n      heroku run python\n      -m jobs.trace_integrity_check');
  const [above] = suppressed(folded, '-m jobs', 'secret-echo');
  assert.match(above!, /\n {4}# runsafe-ignore secret-echo: TODO say why this is safe\n {4}run: >\n/);
  // In a heredoc body any comment line becomes part of the document fed to the command.
  const heredoc = base.replace('  - id: store-in-vault', '  - id: show\n    run: |\n      cat <<EOF\n      token=$NEW_SEED\n      EOF\n  - id: store-in-vault');
  assert.deepEqual(suppressed(heredoc, 'token=$NEW_SEED', 'secret-echo'), []);
  // The rule engine reads the inserted comment as covering a real finding on a continued line
  // (its reason is the placeholder, which the engine reports until the author writes one).
  const real = base.replace('  - id: store-in-vault', '  - id: show-seed\n    run: |\n      printf "%s" \\\n        "$NEW_SEED"\n  - id: store-in-vault');
  const doc = analyze(uri, real);
  const finding = doc.problems.find((p) => p.code === 'secret-echo');
  assert.ok(finding, 'the rule reports the printed secret');
  const action = codeActions(doc, finding.span).find((a) => a.title.startsWith('Suppress'))!;
  const after = analyze(uri, apply(real, action));
  assert.ok(!after.problems.some((p) => p.code === 'secret-echo'), 'the finding is suppressed');
  assert.ok(after.problems.some((p) => p.code === 'invalid-suppression'), 'the placeholder reason is not a reason');
});

test('a real rule fix and suppression: heroku config:set of a secret without a redirect', () => {
  const text = base.replace('  - id: store-in-vault', '  - id: set-plain\n    run: heroku config:set "KEY=$NEW_SEED" -a app\n  - id: store-in-vault');
  const doc = analyze(uri, text);
  const problem = doc.problems.find((p) => p.code === 'secret-echo')!;
  assert.ok(problem, 'the rule reports the echoed config value');
  const actions = codeActions(doc, problem.span);
  const titles = actions.map((a) => a.title);
  assert.ok(titles.includes('Suppress secret-echo here (with a reason)'));
  const all = fixAll(doc)!;
  assert.match(apply(text, all), /run: heroku config:set "KEY=\$NEW_SEED" -a app >\/dev\/null 2>&1\n/);
  assert.equal(fixAll(analyze(uri, apply(text, all))), null, 'nothing left to fix');
});

test('fix-all applies every preferred fix once, skipping overlaps', () => {
  const text = base.replace('    title: Run the integrity checker', '    tilte: Run the integrity checker').replace('    confirm: true', '    confrim: true');
  const doc = analyze(uri, text);
  const all = fixAll(doc)!;
  assert.equal(all.kind, 'source.fixAll.runsafe');
  assert.equal(all.diagnostics!.length, 2);
  assert.equal(apply(text, all), base);
  assert.equal(codeActions(doc, { start: 0, end: 0 }, ['source.fixAll']).length, 1);
  assert.equal(codeActions(doc, { start: 0, end: 0 }, ['quickfix']).length, 0);
  assert.equal(fixAll(analyze(uri, base)), null);
});
