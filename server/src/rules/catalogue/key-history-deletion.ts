// key-history-deletion: destroying key versions that old signatures and ciphertexts still need.
import { docsUrl } from '../../language/docs';
import type { Step } from '../../language/model';
import type { RuleContext } from '../context';
import { argv, commandSpan, isCommand, positionals } from '../helpers';
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
  scope: 'step',
  // A step may remove old keys once a step it needs has verified nothing uses them: that is outside the step.
  stepKey: (ctx, step) => String(gatedByVerification(ctx, step)),
  check(ctx) {
    const out: Finding[] = [];
    for (const info of ctx.scripts) {
      if (gatedByVerification(ctx, info.step)) continue;
      for (const c of info.shell?.commands ?? []) {
        const v = judge(ctx, c);
        if (v) out.push({ span: v.word !== undefined ? info.source(c.args[v.word]!.span) : commandSpan(info, c), message: v.message });
      }
      for (const unit of info.sql) {
        for (const st of unit.statements) {
          if (st.kind !== 'DELETE' && st.kind !== 'TRUNCATE' && st.kind !== 'DROP') continue;
          for (const t of st.tables) {
            if (t.role === 'target' && keyRegistry.test(t.name)) {
              out.push({ span: info.source(unit.span(t.start, t.end)), message: `${st.kind} on ${t.name} removes key records that verify older signatures; close the key's validity window (valid_until, revoked_at) instead` });
            }
          }
        }
      }
    }
    return out;
  },
};

/** Tables that hold the keys (or key versions) history is verified with. */
const keyRegistry = /^(signing_keys?|signing_key_versions?|public_keys?|verification_keys?|key_versions?|trust_store|trusted_keys?|crypto_keys?|encryption_keys?|data_keys?)$/i;

/**
 * Removing an old key is fine once a step it `needs` (directly or through that step's own `needs`)
 * has proved with a check that nothing uses the key any more.
 */
function gatedByVerification(ctx: RuleContext, step: Step): boolean {
  const seen = new Set<Step>();
  const proves = (s: Step): boolean => {
    if (seen.has(s)) return false;
    seen.add(s);
    if (s.expect !== undefined || s.wait?.until !== undefined) return true;
    return s.needs.some((n) => (ctx.stepsById.get(n.value) ?? []).some(proves));
  };
  return step.needs.some((n) => (ctx.stepsById.get(n.value) ?? []).some(proves));
}

/** `NAME-` arguments of `kubectl set env`: the variables it removes. */
function unsetByKubectl(c: ShellCommand): number {
  if (!isCommand(c, 'kubectl', 'set', 'env') && !isCommand(c, 'oc', 'set', 'env')) return -1;
  return c.args.findIndex((w) => w.value !== null && /^[A-Za-z_][A-Za-z0-9_]*-$/.test(w.value) && oldKey(w.value.slice(0, -1)));
}

/** A versioned or superseded key variable: `TRACE_SIGNING_PRIVKEY_X_V1`, `ENCRYPTION_KEY_PREVIOUS`. */
function oldKey(name: string): boolean {
  return oldKeyName.test(name) && keyish.test(name.replace(oldKeyName, ''));
}

const keyish = /(^|_)(KEY|KEYS|PRIVKEY|PRIVATE|SECRET|SEED|TOKEN|SIGNING|CERT|PASSWORD)(_|$)/i;

function judge(ctx: RuleContext, c: ShellCommand): { message: string; word?: number } | null {
  const a = argv(c);
  if (c.name === 'vault') {
    if (isCommand(c, 'vault', 'kv', 'destroy')) return { message: 'vault kv destroy permanently deletes secret versions' };
    if (isCommand(c, 'vault', 'kv', 'metadata', 'delete')) return { message: 'vault kv metadata delete destroys every version of the secret' };
    const max = a.findIndex((x, i) => x === '-max-versions=1' || x === '--max-versions=1' || ((x === '-max-versions' || x === '--max-versions') && a[i + 1] === '1'));
    if (max >= 0) return { message: '-max-versions=1 makes Vault drop every older version on the next write', word: max };
    if (isCommand(c, 'vault', 'delete') || isCommand(c, 'vault', 'secrets', 'disable')) return { message: `vault ${a.slice(0, 2).join(' ')} removes stored secrets for good` };
  }
  const unset = unsetByKubectl(c);
  if (unset >= 0) return { message: `removing ${a[unset]!.slice(0, -1)} drops a key version that older records may still need`, word: unset };
  if ((c.name === 'fly' || c.name === 'flyctl') && isCommand(c, c.name, 'secrets', 'unset')) {
    const i = a.findIndex((x, k) => k > 1 && oldKey(x));
    if (i >= 0) return { message: `unsetting ${a[i]} removes a key version that older records may still need`, word: i };
  }
  if (c.name === 'dokku' && a[0] === 'config:unset') {
    const i = a.findIndex((x, k) => k > 0 && oldKey(x));
    if (i >= 0) return { message: `unsetting ${a[i]} removes a key version that older records may still need`, word: i };
  }
  if (c.name === 'heroku' && a[0] === 'config:unset') {
    const i = a.findIndex((x, k) => k > 0 && !x.startsWith('-') && !/^-(a|r)$|^--(app|remote)$/.test(a[k - 1] ?? '') && oldKeyName.test(x) && (isSecretName(x, ctx.policy.secretNames) || isSecretName(x.replace(oldKeyName, ''), ctx.policy.secretNames)));
    if (i >= 0) return { message: `unsetting ${a[i]} removes a key version that older records may still need`, word: i };
  }
  if (c.name === 'vault' && (a[0] === 'write' || a[0] === 'delete')) {
    const path = positionals(c)[1] ?? '';
    if (/(^|\/)keys\/[^/]+\/trim$/.test(path)) return { message: 'trimming a transit key deletes its older versions for good' };
    const minimum = a.findIndex((x) => /^min_(decryption|available)_version=/.test(x));
    if (minimum >= 0) return { message: `${a[minimum]} makes older key versions unusable for decryption or verification`, word: minimum };
  }
  if (isCommand(c, 'gcloud', 'secrets', 'versions', 'destroy')) return { message: 'destroying a secret version deletes it for good' };
  if (isCommand(c, 'aws', 'secretsmanager', 'delete-secret') && a.includes('--force-delete-without-recovery')) return { message: 'delete-secret --force-delete-without-recovery skips the recovery window' };
  if (isCommand(c, 'gcloud', 'kms', 'keys', 'versions', 'destroy')) return { message: 'destroying a KMS key version makes everything encrypted with it unreadable' };
  if (c.name === 'aws' && a[0] === 'kms' && ['schedule-key-deletion', 'delete-imported-key-material'].includes(a[1] ?? '')) return { message: `aws kms ${a[1]} destroys key material` };
  if (c.name === 'az' && a[0] === 'keyvault' && (a[1] === 'key' || a[1] === 'secret' || a[1] === 'certificate') && a[2] === 'purge') return { message: `az keyvault ${a[1]} ${a[2]} removes key versions for good` };
  if (c.name === 'az' && a[0] === 'keyvault' && a[1] === 'purge') return { message: 'az keyvault purge destroys the whole deleted vault, every key and secret version in it' };
  return null;
}
