// What a command does to the world: destructive (needs confirmation) or state-changing (needs verification).
import { argv, hasFlag, positionals } from './helpers';
import type { ShellCommand } from './shell/index';
import type { SqlStatement } from './sql/index';

/** Every command name the two judgements below look at; any other command is neither (the fast path). */
const destroyers = new Set(['rm', 'kubectl', 'oc', 'helm', 'terraform', 'tofu', 'systemctl', 'service', 'shutdown', 'reboot', 'halt', 'poweroff', 'pkill', 'killall', 'dropdb', 'mkfs', 'wipefs', 'shred', 'docker', 'podman', 'docker-compose', 'heroku', 'redis-cli', 'dd', 'aws', 'gcloud', 'az', 'git']);
const changers = new Set([...destroyers, 'vault', 'fly', 'flyctl']);

/** Why a command destroys or stops something, or null. */
export function destructive(c: ShellCommand): string | null {
  if (c.name === null || !destroyers.has(c.name)) return null;
  const a = argv(c);
  // A dry run only shows what would happen.
  if (a.some((x) => x === '--dry-run' || (x.startsWith('--dry-run=') && x !== '--dry-run=none'))) return null;
  const sub = positionals(c, c.name === 'docker' || c.name === 'podman' || c.name === 'docker-compose' ? ['-f'] : []);
  switch (c.name) {
    case 'rm':
      return hasFlag(c, 'r', '--recursive') || hasFlag(c, 'R') ? 'rm -r deletes whole directory trees' : null;
    case 'kubectl':
    case 'oc':
      if (sub.includes('delete') && sub.indexOf('delete') <= 1) return `${c.name} delete removes cluster resources`;
      if (sub[0] === 'scale' && a.some((x, i) => x === '--replicas=0' || (x === '--replicas' && a[i + 1] === '0'))) return 'scaling to zero replicas stops the workload';
      if (sub[0] === 'drain') return `${c.name} drain evicts every pod from the node`;
      return null;
    case 'helm':
      return ['uninstall', 'delete', 'del', 'un'].includes(sub[0] ?? '') ? 'helm uninstall removes the release' : null;
    case 'terraform':
    case 'tofu':
      return sub[0] === 'destroy' || (sub[0] === 'apply' && a.includes('-destroy')) ? `${c.name} destroy tears down infrastructure` : null;
    case 'systemctl':
      return ['stop', 'disable', 'mask', 'kill', 'poweroff', 'reboot', 'halt'].includes(sub[0] ?? '') ? `systemctl ${sub[0]} stops a service` : null;
    case 'service':
      return sub[1] === 'stop' ? 'service stop stops a service' : null;
    case 'shutdown':
    case 'reboot':
    case 'halt':
    case 'poweroff':
    case 'pkill':
    case 'killall':
    case 'dropdb':
    case 'mkfs':
    case 'wipefs':
    case 'shred':
      return `${c.name} is destructive`;
    case 'docker':
    case 'podman':
    case 'docker-compose': {
      const s = sub[0] === 'compose' ? sub.slice(1) : sub;
      if (['stop', 'rm', 'kill', 'rmi', 'down'].includes(s[0] ?? '') || (s[0] === 'system' && s[1] === 'prune') || (s[0] === 'volume' && ['rm', 'prune'].includes(s[1] ?? ''))) return `${c.name} ${s.slice(0, 2).join(' ')} stops or removes containers or data`;
      return null;
    }
    case 'heroku':
      if (sub[0] === 'apps:destroy' || sub[0] === 'pg:reset') return `heroku ${sub[0]} destroys data`;
      if (sub[0] === 'ps:scale' && sub.slice(1).some((x) => /=0$/.test(x))) return 'scaling dynos to zero stops the app';
      return null;
    case 'redis-cli':
      return a.some((x) => /^flush(all|db)$/i.test(x)) ? 'FLUSHALL deletes every key' : null;
    case 'dd':
      return a.some((x) => x.startsWith('of=/dev/')) ? 'dd onto a device overwrites it' : null;
    case 'aws':
    case 'gcloud':
    case 'az':
      if (c.name === 'aws' && sub[0] === 's3' && (sub[1] === 'rb' || (sub[1] === 'rm' && a.includes('--recursive')))) return 'this deletes S3 data';
      return sub.some((x) => /^(delete|destroy|terminate|remove|purge)(-|$)/.test(x)) ? `${c.name} ${sub.find((x) => /^(delete|destroy|terminate|remove|purge)/.test(x))} deletes cloud resources` : null;
    case 'git':
      return sub[0] === 'clean' && hasFlag(c, 'f', '--force') ? 'git clean -f deletes untracked files' : null;
    default:
      return null;
  }
}

/** Why a SQL statement destroys data, or null. */
export function destructiveSql(st: SqlStatement): string | null {
  if (st.kind === 'DROP') return `DROP ${st.object ?? ''} removes it and its data`.replace('  ', ' ');
  if (st.kind === 'TRUNCATE') return 'TRUNCATE deletes every row';
  if ((st.kind === 'DELETE' || st.kind === 'UPDATE') && !st.hasWhere) return `${st.kind} without WHERE touches every row`;
  return null;
}

/** Why a command changes the state of a running system (so something should verify it), or null. */
export function stateChange(c: ShellCommand): string | null {
  return destructive(c) ?? nonDestructiveChange(c);
}

/** A change that destroys nothing (config, restart, deploy, secret write); callers have already asked `destructive`. */
export function nonDestructiveChange(c: ShellCommand): string | null {
  if (c.name === null || !changers.has(c.name)) return null;
  const a = argv(c);
  if (a.some((x) => x === '--dry-run' || (x.startsWith('--dry-run=') && x !== '--dry-run=none'))) return null;
  const sub = positionals(c, c.name === 'docker' || c.name === 'podman' || c.name === 'docker-compose' ? ['-f'] : []);
  switch (c.name) {
    case 'heroku':
      return /^(config:set|config:unset|restart|ps:restart|ps:scale|releases:rollback|maintenance:on|maintenance:off|pg:credentials:rotate|features:enable|features:disable)$/.test(sub[0] ?? '') ? `heroku ${sub[0]}` : null;
    case 'kubectl':
    case 'oc':
      return /^(apply|set|patch|edit|scale|create|replace|annotate|label|rollout)$/.test(sub[0] ?? '') && !(sub[0] === 'rollout' && sub[1] === 'status') ? `${c.name} ${sub[0]}` : null;
    case 'helm':
      return /^(upgrade|install|rollback)$/.test(sub[0] ?? '') ? `helm ${sub[0]}` : null;
    case 'systemctl':
      return /^(restart|start|reload|enable|try-restart|reload-or-restart)$/.test(sub[0] ?? '') ? `systemctl ${sub[0]}` : null;
    case 'service':
      return /^(restart|start|reload)$/.test(sub[1] ?? '') ? `service ${sub[1]}` : null;
    case 'docker':
      return /^(restart|run|start|update)$/.test(sub[0] ?? '') ? `docker ${sub[0]}` : null;
    case 'terraform':
    case 'tofu':
      return sub[0] === 'apply' ? `${c.name} apply` : null;
    case 'vault':
      return (sub[0] === 'kv' && /^(put|patch|rollback)$/.test(sub[1] ?? '')) || sub[0] === 'write' ? `vault ${sub.slice(0, 2).join(' ')}` : null;
    case 'aws':
      return /^(update-|put-|rotate-|enable-|disable-|create-|modify-|attach-|set-)/.test(sub[1] ?? '') ? `aws ${sub[0]} ${sub[1]}` : null;
    case 'gcloud':
      return sub.some((x) => /^(update|create|deploy|set-iam-policy|add-iam-policy-binding)$/.test(x)) ? `gcloud ${sub.slice(0, 3).join(' ')}` : null;
    case 'fly':
    case 'flyctl':
      return /^(deploy|secrets|scale)$/.test(sub[0] ?? '') ? `${c.name} ${sub[0]}` : null;
    default:
      return null;
  }
}

/** Why a SQL statement changes data or schema, or null. */
export function sqlChange(st: SqlStatement): string | null {
  return ['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'DROP', 'ALTER', 'CREATE', 'MERGE', 'GRANT', 'REVOKE', 'COPY'].includes(st.kind) ? `SQL ${st.kind}` : null;
}
