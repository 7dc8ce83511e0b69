// key-history-deletion: destroying key versions that old signatures and ciphertexts still need.
import { docsUrl } from '../../language/docs';
import type { Step } from '../../language/model';
import type { RuleContext } from '../context';
import { argv, commandSpan, isCommand } from '../helpers';
import { isSecretName } from '../secret-names';
import type { ShellCommand } from '../shell/index';
import type { Finding, Rule } from '../types';

/** A versioned or superseded key: `…_V1`, `…_PREVIOUS`, `…_OLD`. */
const oldKeyName = /(_V\d+|_PREVIOUS|_PREV|_OLD)$/i;

export const keyHistoryDeletion: Rule = {
  name: 'key-history-deletion',
  docs: docsUrl('key-history-deletion'),
  severity: 'error',
  summary: 'Key versions are destroyed while history (signatures, ciphertexts) may still need them.',
  check(ctx) {
    const out: Finding[] = [];
    for (const info of ctx.scripts) {
      if (gatedByVerification(ctx, info.step)) continue;
      for (const c of info.shell?.commands ?? []) {
        const v = judge(ctx, c);
        if (v) out.push({ span: v.word !== undefined ? info.source(c.args[v.word]!.span) : commandSpan(info, c), message: v.message });
      }
    }
    return out;
  },
};

/** Removing an old key is fine once a step it `needs` has proved (with a check) that nothing uses it. */
function gatedByVerification(ctx: RuleContext, step: Step): boolean {
  return step.needs.some((n) => (ctx.stepsById.get(n.value) ?? []).some((s) => s.expect !== undefined || s.wait?.until !== undefined));
}

function judge(ctx: RuleContext, c: ShellCommand): { message: string; word?: number } | null {
  const a = argv(c);
  if (c.name === 'vault') {
    if (isCommand(c, 'vault', 'kv', 'destroy')) return { message: 'vault kv destroy permanently deletes secret versions' };
    if (isCommand(c, 'vault', 'kv', 'metadata', 'delete')) return { message: 'vault kv metadata delete destroys every version of the secret' };
    const max = a.findIndex((x, i) => x === '-max-versions=1' || x === '--max-versions=1' || ((x === '-max-versions' || x === '--max-versions') && a[i + 1] === '1'));
    if (max >= 0) return { message: '-max-versions=1 makes Vault drop every older version on the next write', word: max };
    if (isCommand(c, 'vault', 'delete') || isCommand(c, 'vault', 'secrets', 'disable')) return { message: `vault ${a.slice(0, 2).join(' ')} removes stored secrets for good` };
  }
  if (c.name === 'heroku' && a[0] === 'config:unset') {
    const i = a.findIndex((x, k) => k > 0 && !x.startsWith('-') && !/^-(a|r)$|^--(app|remote)$/.test(a[k - 1] ?? '') && oldKeyName.test(x) && (isSecretName(x, ctx.policy.secretNames) || isSecretName(x.replace(oldKeyName, ''), ctx.policy.secretNames)));
    if (i >= 0) return { message: `unsetting ${a[i]} removes a key version that older records may still need`, word: i };
  }
  if (isCommand(c, 'gcloud', 'kms', 'keys', 'versions', 'destroy')) return { message: 'destroying a KMS key version makes everything encrypted with it unreadable' };
  if (c.name === 'aws' && a[0] === 'kms' && ['schedule-key-deletion', 'delete-imported-key-material'].includes(a[1] ?? '')) return { message: `aws kms ${a[1]} destroys key material` };
  if (c.name === 'az' && a[0] === 'keyvault' && (a[1] === 'key' || a[1] === 'secret') && (a[2] === 'purge' || a[2] === 'delete')) return { message: `az keyvault ${a[1]} ${a[2]} removes key versions` };
  return null;
}
