// secret-input-unmarked: an input named like a secret (API_TOKEN, NEW_DB_PASSWORD) that the runbook
// does not mark `secret: true`, so its value would be asked in clear, shown and recorded.
import { docsUrl } from '../../language/docs';
import type { Input } from '../../language/model';
import { isSecretName } from '../secret-names';
import type { Finding, Fix, Rule } from '../types';
import type { RuleContext } from '../context';

/** Only a free-form string can hold a credential: a boolean, a number or an enum choice cannot. */
const couldHoldSecret = (i: Input): boolean => i.type === 'string' && i.enum === undefined;

export const secretInputUnmarked: Rule = {
  name: 'secret-input-unmarked',
  docs: docsUrl('secret-input-unmarked'),
  severity: 'warning',
  summary: 'An input named like a secret is not marked `secret: true`, so it would be shown and recorded in clear.',
  check(ctx) {
    const out: Finding[] = [];
    for (const input of ctx.runbook.inputs) {
      if (input.secret || !couldHoldSecret(input) || !isSecretName(input.name, ctx.policy.secretNames)) continue;
      const fix = markSecretFix(ctx, input);
      out.push({
        span: input.nameNode.span,
        message: `input \`${input.name}\` is named like a secret but not marked \`secret: true\`: it would be asked in clear, shown and recorded in the transcript, and \`runsafe run -i\` refuses it`,
        fixes: fix ? [fix] : [],
      });
    }
    return out;
  },
};

/** `secret: true` added to the input's own map, flow (`{ … }`) or block; nothing for other shapes. */
function markSecretFix(ctx: RuleContext, input: Input): Fix | undefined {
  const node = input.node;
  const title = `Mark \`${input.name}\` secret: true`;
  if (node.kind === 'scalar' && node.value === null && node.span.start === node.span.end && ctx.text[input.nameNode.span.end] === ':') {
    // `API_TOKEN:` with nothing after it.
    return { title, edits: [{ span: { start: input.nameNode.span.end + 1, end: input.nameNode.span.end + 1 }, newText: ' { secret: true }' }], safe: true };
  }
  if (node.kind !== 'map') return undefined;
  if (ctx.text[node.span.start] === '{') {
    const at = node.span.start + 1;
    const empty = node.pairs.length === 0;
    return { title, edits: [{ span: { start: at, end: at }, newText: empty ? ' secret: true ' : ' secret: true,' }], safe: true };
  }
  const first = node.pairs[0];
  if (!first) return undefined;
  const lineStart = ctx.text.lastIndexOf('\n', first.key.span.start - 1) + 1;
  const indent = ctx.text.slice(lineStart, first.key.span.start);
  if (!/^[ ]*$/.test(indent)) return undefined;
  return { title, edits: [{ span: { start: lineStart, end: lineStart }, newText: `${indent}secret: true\n` }], safe: true };
}
