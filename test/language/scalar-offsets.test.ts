// Every YAML scalar style maps decoded characters back to their exact source offsets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Scalar, stringify } from 'yaml';
import { parseYaml, sourceSpan, mapGet, type LScalar } from '../../server/src/language/index';

function scalarOf(text: string, key = 'run'): LScalar {
  const parsed = parseYaml(text);
  assert.equal(parsed.root?.kind, 'map', `not a map: ${text}`);
  const node = mapGet(parsed.root as never, key) as LScalar;
  assert.equal(node.kind, 'scalar');
  return node;
}

/** The source text of the decoded range [from, to) of `key`'s value. */
function sourceOf(text: string, from: number, to: number, key = 'run'): string {
  const node = scalarOf(text, key);
  const span = sourceSpan(node.sourceOffsets(), from, to);
  return text.slice(span.start, span.end);
}

test('plain scalar: offsets are the source offsets', () => {
  const text = 'run: echo "$KEY" | wc -c\n';
  const v = scalarOf(text).value as string;
  const i = v.indexOf('$KEY');
  assert.equal(sourceOf(text, i, i + 4), '$KEY');
  assert.equal(scalarOf(text).style, 'plain');
});

test('literal block: indentation is skipped on every line', () => {
  const text = 'steps:\n  - x\nrun: |\n    set -e\n    heroku config | grep TRACE_SIGNING\n      indented more\n';
  const node = scalarOf(text);
  assert.equal(node.style, 'literal');
  const v = node.value as string;
  const i = v.indexOf('grep');
  assert.equal(sourceOf(text, i, i + 4), 'grep');
  const span = sourceSpan(node.sourceOffsets(), i, i + 4);
  // Line 5 (index 4), column 20 in the file: after 4 spaces of block indentation.
  const before = text.slice(0, span.start);
  assert.equal(before.split('\n').length, 5);
  assert.equal(span.start - before.lastIndexOf('\n') - 1, 20);
  const j = v.indexOf('indented');
  assert.equal(sourceOf(text, j - 2, j + 8), '  indented');
});

test('folded block: folded line breaks map to the break, words stay exact', () => {
  const text = 'run: >\n  heroku config:set X=1\n  -a raxx-api-prod\n\n  echo done\n';
  const node = scalarOf(text);
  assert.equal(node.style, 'folded');
  const v = node.value as string;
  assert.equal(v, 'heroku config:set X=1 -a raxx-api-prod\necho done\n');
  const i = v.indexOf('-a raxx');
  assert.equal(sourceOf(text, i, i + 7), '-a raxx');
  const k = v.indexOf('echo');
  assert.equal(sourceOf(text, k, k + 9), 'echo done');
});

test('block with chomping and indentation indicators', () => {
  for (const header of ['|-', '|+', '>-', '|2', '>+']) {
    const text = `run: ${header}\n    echo "$A"\n    echo "$B"\n`;
    const node = scalarOf(text);
    const v = node.value as string;
    const i = v.indexOf('$B');
    assert.equal(sourceOf(text, i, i + 2), '$B', header);
  }
});

test('double-quoted: escapes map to the whole escape sequence', () => {
  const text = 'run: "printf \\"%s\\" \\"$X\\"\\n\\tdone \\u00e9"\n';
  const node = scalarOf(text);
  const v = node.value as string;
  assert.equal(v, 'printf "%s" "$X"\n\tdone é');
  const i = v.indexOf('$X');
  assert.equal(sourceOf(text, i, i + 2), '$X');
  assert.equal(sourceOf(text, i - 1, i + 3), '\\"$X\\"');
  const e = v.indexOf('é');
  assert.equal(sourceOf(text, e, e + 1), '\\u00e9');
  const t = v.indexOf('\t');
  assert.equal(sourceOf(text, t, t + 5), '\\tdone');
});

test('double-quoted: escaped line breaks and folding across lines', () => {
  const text = 'run: "git push \\\n    --force origin\n  main"\n';
  const node = scalarOf(text);
  const v = node.value as string;
  assert.equal(v, 'git push --force origin main');
  const i = v.indexOf('--force');
  assert.equal(sourceOf(text, i, i + 7), '--force');
  const m = v.indexOf('main');
  assert.equal(sourceOf(text, m, m + 4), 'main');
});

test("single-quoted: '' maps to the doubled quote", () => {
  const text = "run: 'echo ''$SECRET'' > /dev/null'\n";
  const node = scalarOf(text);
  const v = node.value as string;
  assert.equal(v, "echo '$SECRET' > /dev/null");
  const i = v.indexOf('$SECRET');
  assert.equal(sourceOf(text, i - 1, i + 8), "''$SECRET''");
});

test('multi-line plain scalar folds lines', () => {
  const text = 'run: kubectl scale deployment api\n  --replicas=0\n';
  const v = scalarOf(text).value as string;
  assert.equal(v, 'kubectl scale deployment api --replicas=0');
  const i = v.indexOf('--replicas=0');
  assert.equal(sourceOf(text, i, i + 12), '--replicas=0');
});

test('CRLF line endings keep exact offsets', () => {
  const text = 'run: |\r\n  echo a\r\n  echo "$TOKEN"\r\n';
  const v = scalarOf(text).value as string;
  const i = v.indexOf('$TOKEN');
  assert.equal(sourceOf(text, i, i + 6), '$TOKEN');
});

// Property: whatever string yaml writes in whatever style, every non-whitespace character
// of the decoded value maps to a source position holding that character (or an escape).
test('property: every style, every printable value, characters map onto themselves', () => {
  const styles = ['PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'] as const;
  let checked = 0;
  const chars = fc.constantFrom(...'abcXYZ019 $"\'\\#:-|>{}[],&*!%@`\n\tµé'.split(''));
  fc.assert(
    fc.property(fc.array(chars, { minLength: 1, maxLength: 60 }).map((a) => a.join('')), fc.constantFrom(...styles), (value, style) => {
      const s = new Scalar(value);
      s.type = style;
      let text: string;
      try {
        text = stringify({ run: s }, { lineWidth: 20, minContentWidth: 5 });
      } catch {
        return true;
      }
      const parsed = parseYaml(text);
      const node = parsed.root?.kind === 'map' ? (mapGet(parsed.root, 'run') as LScalar | undefined) : undefined;
      if (!node || node.value !== value) return true; // yaml chose a different value representation
      checked++;
      const { starts } = node.sourceOffsets();
      for (let i = 0; i < value.length; i++) {
        const c = value[i]!;
        if (/\s/.test(c)) continue;
        const at = text[starts[i]!];
        const ok = at === c || at === '\\' || (c === "'" && at === "'");
        if (!ok) throw new Error(`char ${JSON.stringify(c)} at ${i} of ${JSON.stringify(value)} (${style}) maps to ${JSON.stringify(at)} in ${JSON.stringify(text)}`);
      }
      return true;
    }),
    { numRuns: 400 },
  );
  // Guard against a vacuous property: most generated cases must really be checked.
  assert.ok(checked > 200, `only ${checked} of 400 cases were checked`);
});
