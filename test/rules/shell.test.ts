// Shell analysis over real-world command shapes: wrappers, quoting, redirects, heredocs, nesting, variables.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { initShellFromDisk } from '../../server/src/shell-wasm';
import { parseShell, type ShellCommand, type ShellParse, type Span } from '../../server/src/rules/shell/index';

before(async () => {
  await initShellFromDisk();
});

const slice = (p: ShellParse, s: Span | null): string => (s ? p.script.slice(s.start, s.end) : '<null>');
const named = (p: ShellParse, name: string): ShellCommand[] => p.commands.filter((c) => c.name === name);
const one = (p: ShellParse, name: string): ShellCommand => {
  const found = named(p, name);
  assert.equal(found.length, 1, `expected one '${name}' in ${JSON.stringify(p.commands.map((c) => c.name))}`);
  return found[0]!;
};
const values = (c: ShellCommand): (string | null)[] => c.args.map((w) => w.value);

test('resolves the command through wrappers', () => {
  const cases: [string, string | null, string[]][] = [
    ['sudo -u postgres psql -c "SELECT 1"', 'psql', ['sudo']],
    ['sudo -E env A=1 B=2 timeout -s KILL 30 kubectl delete pod x', 'kubectl', ['sudo', 'env', 'timeout']],
    ['env -i PATH=/bin /usr/bin/printenv', 'printenv', ['env']],
    ['nohup ./server.sh --port 80 &', 'server.sh', ['nohup']],
    ['exec -a name psql', 'psql', ['exec']],
    ['command psql -c x', 'psql', ['command']],
    ['nice -n 10 ionice -c 3 rm -rf /tmp/x', 'rm', ['nice', 'ionice']],
    ['kubectl get pods -o name | xargs -I{} kubectl delete {}', 'kubectl', ['xargs']],
    ['kubectl exec canonical-ingest-0 -- env', 'env', ['kubectl exec']],
    ['kubectl -n prod exec -it pod-1 -c app -- psql -c "DELETE FROM t"', 'psql', ['kubectl exec']],
    ['docker exec -it -u postgres spendguard-postgres psql -U x', 'psql', ['docker exec']],
    ['docker compose exec db psql', 'psql', ['docker compose exec']],
    ['sudo', 'sudo', []],
    ['env', 'env', []],
  ];
  for (const [script, name, wrappers] of cases) {
    const p = parseShell(script);
    const first = p.commands.find((c) => c.depth === 0 && c.wrappers.length === wrappers.length && c.name === name);
    assert.ok(first, `${script}: got ${JSON.stringify(p.commands.map((c) => [c.name, c.wrappers]))}`);
    assert.deepEqual(first.wrappers, wrappers, script);
  }
  // `command -v x` and `sudo -l` run nothing.
  assert.equal(parseShell('command -v psql').commands[0]!.name, null);
  const sudo = parseShell('sudo A=1 B="$X" make');
  assert.deepEqual(sudo.commands[0]!.env.map((e) => e.name), ['A', 'B']);
  const prefix = parseShell('PGPASSWORD="$PW" LANG=C psql -h db');
  assert.deepEqual(prefix.commands[0]!.env.map((e) => [e.name, slice(prefix, e.nameSpan)]), [['PGPASSWORD', 'PGPASSWORD'], ['LANG', 'LANG']]);
  assert.equal(prefix.commands[0]!.env[0]!.value!.expansions[0]!.name, 'PW');
});

test('decodes words in every quoting style and keeps exact spans', () => {
  const p = parseShell(`echo "a \\"b\\" \\$c" 'it''s' $'tab\\there' plain\\ word "x"'y'z "\${HOME}/bin" --flag=\${V}`);
  const echo = one(p, 'echo');
  assert.deepEqual(values(echo), ['a "b" $c', 'its', 'tab\there', 'plain word', 'xyz', null, null]);
  assert.equal(echo.args[5]!.expansions[0]!.name, 'HOME');
  assert.equal(echo.args[5]!.expansions[0]!.quoting, 'double');
  assert.equal(slice(p, echo.args[5]!.expansions[0]!.span), '${HOME}');
  assert.equal(echo.args[6]!.expansions[0]!.quoting, 'unquoted');
  assert.equal(slice(p, echo.args[6]!.expansions[0]!.nameSpan), 'V');
  // Every decoded character maps back to the character that produced it.
  const first = echo.args[0]!.pieces[0]!;
  assert.equal(first.kind, 'literal');
  if (first.kind === 'literal') assert.equal(p.script[first.map[first.value.indexOf('b')]!], 'b');
});

test('records quoting context and expansion forms', () => {
  const p = parseShell(`echo '$SECRET' "$A" $B "\${#C}" "\${D:-none}" \${E:+set} "\${F%.*}" "\${!G}" "\${H:0:4}"
[ -n "$T1" ] && [[ -z $T2 ]] && test -n "$T3"
cat <<EOF
body $HD
EOF`);
  const by = (n: string) => p.uses.find((u) => u.name === n)!;
  assert.equal(by('SECRET').quoting, 'single-literal');
  assert.equal(by('A').quoting, 'double');
  assert.equal(by('B').quoting, 'unquoted');
  assert.equal(by('HD').quoting, 'heredoc');
  assert.deepEqual(['A', 'C', 'D', 'E', 'F', 'G', 'H'].map((n) => by(n).form), ['plain', 'length', 'default', 'alternative', 'transform', 'indirect', 'substring']);
  assert.deepEqual(['T1', 'T2', 'T3', 'A'].map((n) => by(n).inTest), [true, true, true, false]);
  for (const u of p.uses) assert.ok(slice(p, u.nameSpan).endsWith(u.name), `${u.name} -> ${slice(p, u.nameSpan)}`);
});

test('follows stdout and stderr through redirects, pipes and captures', () => {
  const p = parseShell(`a1 >/dev/null 2>&1
a2 2>&1 >/dev/null
a3 &>/dev/null
a4 > out.txt
a5 1>&2 2>/dev/null
{ a6; a7 2>&1; } > /dev/null
a8 | a9 |& a10
X=$(a11) ; echo "$(a12)"
tee >(a13) < <(a14)
if a15; then a16; fi 2>/dev/null >&2`);
  const s = (n: string) => {
    const c = one(p, n);
    return `${c.stdout}/${c.stderr}`;
  };
  assert.equal(s('a1'), 'null/null');
  assert.equal(s('a2'), 'null/terminal');
  assert.equal(s('a3'), 'null/null');
  assert.equal(s('a4'), 'file/terminal');
  assert.equal(s('a5'), 'terminal/null');
  assert.equal(s('a6'), 'null/terminal');
  assert.equal(s('a7'), 'null/null');
  assert.equal(s('a8'), 'pipe/terminal');
  assert.equal(s('a9'), 'pipe/pipe');
  assert.equal(s('a10'), 'terminal/terminal');
  assert.equal(s('a11'), 'captured/terminal');
  assert.equal(one(p, 'a11').capturedInto, 'X');
  assert.equal(s('a12'), 'captured/terminal');
  assert.equal(one(p, 'a12').capturedInto, null);
  assert.equal(s('a13'), 'terminal/terminal');
  assert.equal(s('a14'), 'captured/terminal');
  assert.equal(s('a16'), 'null/null');
  assert.deepEqual(one(p, 'a8').pipeTo, [one(p, 'a9').id]);
  assert.deepEqual(one(p, 'a10').pipeFrom, [one(p, 'a9').id]);
  assert.equal(one(p, 'a10').stdinFrom, 'pipe');
});

test('line continuations keep one command and its redirects', () => {
  const script = 'heroku config:set \\\n  TRACE_SIGNING_PRIVKEY_MQA_SCHEDULER_V2="<new seed>" \\\n  -a raxx-api-prod >/dev/null 2>&1';
  const p = parseShell(script);
  const h = one(p, 'heroku');
  assert.deepEqual(values(h), ['config:set', 'TRACE_SIGNING_PRIVKEY_MQA_SCHEDULER_V2=<new seed>', '-a', 'raxx-api-prod']);
  assert.equal(h.stdout, 'null');
  assert.equal(h.stderr, 'null');
  assert.equal(slice(p, h.args[1]!.span), 'TRACE_SIGNING_PRIVKEY_MQA_SCHEDULER_V2="<new seed>"');
  const q = parseShell('echo "one\\\ntwo"');
  assert.deepEqual(values(one(q, 'echo')), ['onetwo']);
});

test('heredocs: delimiters, bodies, spans and expansions', () => {
  const p = parseShell(`cat <<'EOF'
literal $NOT_EXPANDED
EOF
cat <<"Q" > out
also $LITERAL
Q
cat <<-EOF
\tindented $EXPANDED
\tEOF
cat <<EOF | grep x
$(date) \${Y}
EOF`);
  const cats = named(p, 'cat');
  assert.equal(cats.length, 4);
  const docs = cats.map((c) => c.redirects.find((r) => r.heredoc)!.heredoc!);
  assert.deepEqual(docs.map((d) => [d.delimiter, d.quoted]), [['EOF', true], ['Q', true], ['EOF', false], ['EOF', false]]);
  assert.deepEqual(docs[0]!.expansions, []);
  assert.equal(docs[0]!.body, 'literal $NOT_EXPANDED\n');
  assert.equal(slice(p, docs[0]!.bodySpan), docs[0]!.body);
  assert.equal(cats[1]!.stdout, 'file');
  assert.deepEqual(docs[2]!.expansions.map((e) => [e.name, slice(p, e.span)]), [['EXPANDED', '$EXPANDED']]);
  assert.deepEqual(docs[3]!.expansions.map((e) => e.name), ['Y']);
  assert.equal(docs[3]!.substitutionIds.length, 1);
  assert.equal(p.commands[docs[3]!.substitutionIds[0]!]!.name, 'date');
  assert.equal(cats[3]!.stdout, 'pipe');
  assert.deepEqual(cats[3]!.pipeTo, [one(p, 'grep').id]);
  assert.equal(cats[3]!.stdinFrom, 'heredoc');
});

test('recurses into bash -c, sh -c, su -c, eval and heredocs fed to a shell, mapping spans back', () => {
  const scripts = [
    `bash -c 'echo "$NEW_SECRET"'`,
    `sudo bash -c "echo \\"\\$NEW_SECRET\\""`,
    `sh -euo pipefail -c 'set -x; echo $NEW_SECRET'`,
    `bash -lc "printf '%s' \\"\\$NEW_SECRET\\""`,
    `su - postgres -c 'echo $NEW_SECRET'`,
    `eval "echo \\$NEW_SECRET"`,
    `kubectl exec pod -- sh -c 'echo $NEW_SECRET'`,
    `ssh-agent bash -c 'bash -c "echo \\$NEW_SECRET"'`,
    `bash -c 'bash -c "echo \\$NEW_SECRET"'`,
    `sudo -u app bash <<EOF\necho "\\$NEW_SECRET"\nEOF`,
    `bash <<'EOF'\n  echo "$NEW_SECRET" >&2\nEOF`,
  ];
  for (const script of scripts) {
    const p = parseShell(script);
    const use = p.uses.find((u) => u.name === 'NEW_SECRET' && u.quoting !== 'single-literal');
    assert.ok(use, `${script}: no expansion of NEW_SECRET in ${JSON.stringify(p.uses)}`);
    assert.equal(slice(p, use.nameSpan), 'NEW_SECRET', script);
    const inner = p.commands.find((c) => (c.name === 'echo' || c.name === 'printf') && c.depth > 0);
    assert.ok(inner, `${script}: no nested echo`);
    assert.ok(['shell-c', 'eval', 'heredoc-shell'].includes(inner.origin), script);
    assert.ok(/^(echo|printf)$/.test(slice(p, inner.nameSpan)), `${script}: name span ${slice(p, inner.nameSpan)}`);
    assert.equal(p.commands[inner.parentId!]!.depth, inner.depth - 1);
  }
  // The nested shell's output goes where its parent's goes.
  const quiet = parseShell(`bash -c 'echo $X' >/dev/null 2>&1 | cat`);
  const echo = one(quiet, 'echo');
  assert.equal(echo.stdout, 'null');
  const piped = parseShell(`bash -c 'echo -n "$K"' | wc -c`);
  assert.deepEqual(one(piped, 'echo').pipeTo, [one(piped, 'wc').id]);
});

test('collects definitions: assignments, export, local, read, loops, mapfile, printf -v', () => {
  const p = parseShell(`A=1
export B=2 C
local D="$(openssl rand -hex 32)"
declare -x E=3
readonly F=4
read -r -s -p "Password: " G H
read
for I in a b; do echo "$I"; done
while read -r J; do :; done < list
mapfile -t K < file
printf -v L '%s' x
NEW_DB_PASSWORD=$(openssl rand -base64 18 | tr -d "=+/")`);
  const defs = new Map(p.definitions.map((d) => [d.name, d]));
  for (const n of ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'REPLY', 'I', 'J', 'K', 'L', 'NEW_DB_PASSWORD']) assert.ok(defs.has(n), `missing ${n}`);
  assert.equal(defs.get('B')!.kind, 'export');
  assert.equal(defs.get('D')!.kind, 'local');
  assert.equal(defs.get('G')!.kind, 'read');
  assert.equal(defs.get('I')!.kind, 'for');
  const gen = defs.get('NEW_DB_PASSWORD')!;
  assert.deepEqual(gen.sourceIds.map((id) => p.commands[id]!.name), ['openssl', 'tr']);
  assert.equal(one(p, 'tr').capturedInto, 'NEW_DB_PASSWORD');
  assert.equal(slice(p, gen.nameSpan), 'NEW_DB_PASSWORD');
  assert.equal(named(p, 'openssl').find((c) => c.capturedInto === 'D')!.stdout, 'captured');
});

test('comments carry spans; `#` inside words is not a comment', () => {
  const p = parseShell(`# runsafe-ignore secret-echo: shown on purpose\necho "a # b" c#d # trailing`);
  assert.deepEqual(p.comments.map((c) => c.text), ['# runsafe-ignore secret-echo: shown on purpose', '# trailing']);
  for (const c of p.comments) assert.equal(slice(p, c.span), c.text);
  assert.deepEqual(values(one(p, 'echo')), ['a # b', 'c#d']);
});

test('reports parse errors without failing', () => {
  for (const bad of ['echo "unterminated', 'if then fi', 'a | | b', '$(', 'case x in']) {
    const p = parseShell(bad);
    assert.equal(p.hasErrors, true, bad);
  }
  assert.equal(parseShell('echo fine').hasErrors, false);
});

test('reference runbook commands', () => {
  const drill = parseShell(`psql -h $CANONICAL_PG_HOST -U spendguard -d spendguard_canonical -c " SELECT reason, count(*) FROM audit_signature_quarantine GROUP BY reason;"
kubectl exec <canonical-ingest-pod> -- env | grep STRICT_SIGNATURES`);
  assert.equal(named(drill, 'psql').length, 1);
  const heroku = parseShell('heroku config -a raxx-api-prod | grep TRACE_SIGNING');
  assert.equal(one(heroku, 'heroku').stdout, 'pipe');
  assert.equal(one(heroku, 'grep').stdout, 'terminal');
  const rotation = parseShell(`NEW_DB_PASSWORD=$(openssl rand -base64 18 | tr -d "=+/")\necho "New password generated (keep secure): $NEW_DB_PASSWORD"`);
  const echo = one(rotation, 'echo');
  assert.equal(echo.stdout, 'terminal');
  assert.equal(echo.args[0]!.expansions[0]!.name, 'NEW_DB_PASSWORD');
});

test('parseShell never throws and keeps spans inside the script (property)', () => {
  const pieces = fc.constantFrom('echo', ' ', '"', "'", '$', '${', '}', '$(', ')', '`', '\\', '\n', '<<', 'EOF', '|', '&&', ';', '>', '2>&1', 'bash -c ', 'sudo ', '#', 'X', '=', '{', '(', '[[', ']]', '$\'', '<<-', '<(');
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.array(pieces, { maxLength: 60 }).map((a) => a.join(''))), (script) => {
      const p = parseShell(script);
      const inside = (s: Span | null) => s === null || (s.start >= 0 && s.end <= script.length && s.start <= s.end);
      for (const c of p.commands) {
        assert.ok(inside(c.span) && inside(c.nameSpan), JSON.stringify(script));
        for (const w of c.words) assert.ok(inside(w.span));
      }
      for (const u of p.uses) assert.ok(inside(u.span) && inside(u.nameSpan), JSON.stringify(script));
    }),
    { numRuns: 400 },
  );
});

test('hostile input: deep nesting and long scripts finish and flag truncation', () => {
  const deep = '$('.repeat(2000) + 'x' + ')'.repeat(2000);
  const p = parseShell(deep);
  assert.equal(typeof p.truncated, 'boolean');
  const long = 'echo "$X" | grep y >/dev/null\n'.repeat(5000);
  assert.equal(parseShell(long).commands.length, 10000);
});
