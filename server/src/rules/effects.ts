// What a command does to the world: destructive (needs confirmation) or state-changing (needs verification).
import { argv, hasFlag, positionals } from './helpers';
import type { ShellCommand } from './shell/index';
import type { SqlStatement } from './sql/index';

/** Every command name the two judgements below look at; any other command is neither (the fast path). */
const destroyers = new Set([
  'rm', 'kubectl', 'oc', 'helm', 'terraform', 'tofu', 'systemctl', 'service', 'shutdown', 'reboot', 'halt', 'poweroff', 'pkill', 'killall', 'dropdb', 'mkfs', 'wipefs', 'shred',
  'docker', 'podman', 'docker-compose', 'heroku', 'redis-cli', 'dd', 'aws', 'gcloud', 'az', 'git', 'gsutil', 'gitlab-ctl', 'supervisorctl', 'pg_ctl', 'pg_ctlcluster', 'consul', 'etcdctl',
  'nomad', 'docker-machine', 'vagrant', 'virsh', 'lxc', 'incus', 'doctl', 'hcloud', 'openstack', 's3cmd', 'mc', 'rclone', 'pg_restore', 'find', 'crontab', 'rabbitmqctl', 'patronictl',
  'gitlab-patronictl', 'kind', 'k3d', 'minikube', 'eksctl', 'nginx', 'flyctl', 'fly',
]);
const changers = new Set([...destroyers, 'vault']);

/** `--dry-run`, `--dry-run=client`, `--noop`, `--check`, `--why-run`: the command only shows what it would do. */
export function isDryRun(a: string[]): boolean {
  return a.some((x) => {
    const m = /^--?(dry-?run|noop|why-run|what-?if|check|simulate|plan-only)(?:=(.*))?$/i.exec(x);
    return m !== null && (m[2] === undefined || !/^(no|false|0|none|off|n)$/i.test(m[2]));
  });
}

/** Words in a script's name that say what it does to data (`storage_repository_delete.sh`, `redis-flushall.sh`). */
const destroyingName = /(delete|destroy|purge|wipe|flush|nuke)|(?:^|[^a-z])(cleanup|clean-up|teardown|tear-down|decommission|drop|remove)/i;

/** Why a command destroys, stops, purges or overwrites something, or null. */
export function destructive(c: ShellCommand): string | null {
  if (c.name === null) return null;
  if (!destroyers.has(c.name)) return scriptByName(c);
  const a = argv(c);
  // A dry run only shows what would happen.
  if (isDryRun(a)) return null;
  const sub = positionals(c, c.name === 'docker' || c.name === 'podman' || c.name === 'docker-compose' ? ['-f'] : []);
  const s0 = sub[0] ?? '';
  switch (c.name) {
    case 'rm':
      return hasFlag(c, 'r', '--recursive') || hasFlag(c, 'R') ? 'rm -r deletes whole directory trees' : null;
    case 'kubectl':
    case 'oc': {
      // `-n <ns>` placeholders or values the option table misses: a `delete` among the first words is the verb.
      const del = sub.indexOf('delete');
      if ((del >= 0 && del <= 1) || (a.indexOf('delete') >= 0 && a.indexOf('delete') <= 2)) return `${c.name} delete removes cluster resources`;
      if (s0 === 'scale' && a.some((x, i) => x === '--replicas=0' || (x === '--replicas' && a[i + 1] === '0'))) return 'scaling to zero replicas stops the workload';
      if (s0 === 'drain') return `${c.name} drain evicts every pod from the node`;
      return null;
    }
    case 'helm':
      return ['uninstall', 'delete', 'del', 'un'].includes(s0) ? 'helm uninstall removes the release' : null;
    case 'terraform':
    case 'tofu':
      return s0 === 'destroy' || (s0 === 'apply' && a.includes('-destroy')) ? `${c.name} destroy tears down infrastructure` : null;
    case 'systemctl':
      return ['stop', 'disable', 'mask', 'kill', 'poweroff', 'reboot', 'halt'].includes(s0) ? `systemctl ${s0} stops a service` : null;
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
      const s = s0 === 'compose' ? sub.slice(1) : sub;
      if (['stop', 'rm', 'kill', 'rmi', 'down'].includes(s[0] ?? '') || (s[0] === 'system' && s[1] === 'prune') || (s[0] === 'volume' && ['rm', 'prune'].includes(s[1] ?? ''))) return `${c.name} ${s.slice(0, 2).join(' ')} stops or removes containers or data`;
      return null;
    }
    case 'docker-machine':
      return ['rm', 'kill', 'stop'].includes(s0) ? `docker-machine ${s0} removes or stops the machine` : null;
    case 'heroku':
      if (s0 === 'apps:destroy' || s0 === 'pg:reset' || s0 === 'pg:backups:delete') return `heroku ${s0} destroys data`;
      if (s0 === 'pg:backups:restore' || s0 === 'pg:copy' || s0 === 'pg:push') return `heroku ${s0} overwrites the target database`;
      if (s0 === 'ps:scale' && sub.slice(1).some((x) => /=0$/.test(x))) return 'scaling dynos to zero stops the app';
      return null;
    case 'redis-cli':
      return a.some((x) => /^flush(all|db)$/i.test(x)) ? 'FLUSHALL deletes every key' : null;
    case 'dd':
      return a.some((x) => x.startsWith('of=/dev/')) ? 'dd onto a device overwrites it' : null;
    case 'aws':
    case 'gcloud':
    case 'az':
      if (c.name === 'aws' && s0 === 's3' && (sub[1] === 'rb' || (sub[1] === 'rm' && a.includes('--recursive')))) return 'this deletes S3 data';
      if (c.name === 'gcloud' && s0 === 'storage' && ['rm', 'rb'].includes(sub[1] ?? '')) return `gcloud storage ${sub[1]} deletes Cloud Storage data`;
      return sub.some((x) => /^(delete|destroy|terminate|remove|purge)(-|$)/.test(x)) ? `${c.name} ${sub.find((x) => /^(delete|destroy|terminate|remove|purge)/.test(x))} deletes cloud resources` : null;
    case 'gsutil':
      return s0 === 'rm' || s0 === 'rb' ? `gsutil ${s0} deletes Cloud Storage objects` : null;
    case 's3cmd':
    case 'mc':
      return ['rm', 'rb', 'del'].includes(s0) ? `${c.name} ${s0} deletes stored objects` : null;
    case 'rclone':
      return ['delete', 'deletefile', 'purge', 'rmdir', 'rmdirs'].includes(s0) ? `rclone ${s0} deletes remote files` : null;
    case 'git':
      return s0 === 'clean' && hasFlag(c, 'f', '--force') ? 'git clean -f deletes untracked files' : null;
    case 'gitlab-ctl':
      return ['stop', 'kill', 'uninstall', 'cleanse', 'remove-accounts'].includes(s0) ? `gitlab-ctl ${s0} stops or removes GitLab services` : null;
    case 'supervisorctl':
    case 'pg_ctl':
    case 'nomad':
      return sub.includes('stop') ? `${c.name} stop stops a service` : null;
    case 'pg_ctlcluster':
      return sub[2] === 'stop' ? 'pg_ctlcluster stop stops the database' : null;
    case 'nginx':
      return a.some((x, i) => x === '-s' && ['stop', 'quit'].includes(a[i + 1] ?? '')) ? 'nginx -s stop stops the server' : null;
    case 'rabbitmqctl':
      return ['stop', 'stop_app', 'reset', 'force_reset', 'delete_queue', 'purge_queue'].includes(s0) ? `rabbitmqctl ${s0} stops the broker or deletes its data` : null;
    case 'patronictl':
    case 'gitlab-patronictl':
      return s0 === 'remove' || s0 === 'reinit' ? `${c.name} ${s0} wipes a cluster member` : null;
    case 'consul':
    case 'etcdctl':
    case 'vagrant':
    case 'virsh':
    case 'lxc':
    case 'incus':
    case 'doctl':
    case 'hcloud':
    case 'openstack':
    case 'kind':
    case 'k3d':
    case 'minikube':
    case 'eksctl':
    case 'fly':
    case 'flyctl': {
      const verb = sub.slice(0, 4).find((x) => /^(delete|del|destroy|undefine|rm|remove|purge|deregister)$/.test(x));
      return verb ? `${c.name} ${sub.slice(0, sub.indexOf(verb) + 1).join(' ')} deletes what it names` : null;
    }
    case 'pg_restore':
      return hasFlag(c, 'c', '--clean') ? 'pg_restore --clean drops the existing objects before restoring over them' : null;
    case 'find':
      if (a.includes('-delete')) return 'find -delete deletes every file it matches';
      return a.some((x, i) => (x === '-exec' || x === '-execdir') && ['rm', 'shred', 'unlink'].includes(a[i + 1] ?? '')) ? 'find -exec rm deletes every file it matches' : null;
    case 'crontab':
      return a.includes('-r') ? 'crontab -r deletes the whole crontab' : null;
    default:
      return null;
  }
}

/**
 * A repository's own script named for what it destroys (`storage_repository_delete.sh`, `redisflush.exp`)
 * is destructive unless it is asked for a dry run (`--dry-run=yes`) or only for help.
 */
function scriptByName(c: ShellCommand): string | null {
  const nameWord = c.nameWord?.value ?? '';
  // Only scripts and programs run by path or with an extension: bare words are ordinary commands.
  if (!/[/.]/.test(nameWord) && !c.wrappers.some((w) => w === 'bundle exec' || w === 'poetry run' || w === 'pipenv run')) return null;
  const m = destroyingName.exec(c.name!);
  if (!m) return null;
  const a = argv(c);
  if (isDryRun(a) || a.some((x) => x === '-h' || x === '--help')) return null;
  return `${c.name} is named for what it ${/flush/i.test(m[0]) ? 'flushes' : 'deletes'} and runs without a dry run`;
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
  if (isDryRun(a)) return null;
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
