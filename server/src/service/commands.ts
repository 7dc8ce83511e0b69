// Short notes on what well-known shell commands do to secrets and state, for hovers in scripts.
// The rules decide findings; these notes only explain a command to the author.

/** Keyed by command, or command and sub-command (`heroku config:set`). */
const notes: Record<string, string> = {
  'heroku config': 'prints every config var of the app **with its value**, secrets included',
  'heroku config:set': 'sets config vars and restarts the dyno; it **prints the values back**, so send its output to `/dev/null 2>&1` when setting secrets',
  'heroku config:unset': 'removes config vars and restarts the dyno; removing an old key version breaks verification of history signed with it',
  'heroku run': 'runs a one-off dyno with the app\'s config; its output is shown in the terminal',
  env: 'with no command, prints every environment variable **with its value**, secrets included',
  printenv: 'prints environment variables **with their values**, secrets included',
  'set -x': 'traces every command with its expanded arguments, so secrets in scope reach the terminal',
  echo: 'writes its arguments to stdout: a secret expanded here is shown and recorded',
  printf: 'writes its arguments to stdout: a secret expanded here is shown unless piped away',
  'kubectl delete': 'deletes cluster resources; destructive, needs `confirm`',
  'kubectl scale': 'changes replica counts; `--replicas=0` stops the workload',
  'kubectl get': 'reads resources; `get secret -o yaml|json` prints secret values (base64)',
  'helm uninstall': 'removes a release and its resources; destructive',
  'terraform destroy': 'destroys every resource in the state; destructive',
  'terraform apply': 'changes infrastructure to match the configuration',
  rm: 'removes files; `-rf` removes trees without asking',
  'git push': 'updates a remote; `--force`, `-f`, `+ref` and `--mirror` rewrite published history',
  'git filter-repo': 'rewrites history',
  'git filter-branch': 'rewrites history',
  'vault kv destroy': 'permanently destroys secret versions; history signed with them can no longer be verified',
  'vault kv metadata': '`metadata delete` removes every version of a secret permanently',
  'vault kv put': 'writes a new secret version; pass values by stdin (`key=-`) so `ps` cannot see them',
  'openssl rand': 'prints random bytes; when used as a key, capture the output instead of showing it',
  psql: 'runs SQL; with `-c` or a heredoc, statements on append-only tables are checked',
  curl: 'makes an HTTP request; `-k`/`--insecure` turns off TLS verification',
  'systemctl stop': 'stops a service; needs `confirm`',
  'flyway repair': 'rewrites the migration history table',
};

const separators = /[;&|()\n`]/;

/**
 * The note for the command word at `index` of a script, when the cursor is on a command name
 * (or its sub-command) that has one; with the span of that word in the script text.
 */
export function commandNoteAt(script: string, index: number): { command: string; note: string; from: number; to: number } | undefined {
  let start = index;
  while (start > 0 && !separators.test(script[start - 1]!)) start--;
  let end = index;
  while (end < script.length && !separators.test(script[end]!)) end++;
  const segment = script.slice(start, end);
  const words: { text: string; from: number }[] = [];
  for (const m of segment.matchAll(/[^\s]+/g)) words.push({ text: m[0], from: start + m.index });
  // Skip leading assignments (`VAR=x cmd`) and wrappers that do not change the command.
  let i = 0;
  while (i < words.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!.text) || ['sudo', 'exec', 'time', 'command'].includes(words[i]!.text))) i++;
  const cmd = words[i];
  if (!cmd) return undefined;
  const sub = words[i + 1];
  const sub2 = words[i + 2];
  const on = (w: { text: string; from: number } | undefined) => !!w && index >= w.from && index <= w.from + w.text.length;
  if (!on(cmd) && !on(sub) && !on(sub2)) return undefined;
  const base = cmd.text.replace(/^.*\//, '');
  for (const key of [sub && sub2 ? `${base} ${sub.text} ${sub2.text}` : '', sub ? `${base} ${sub.text}` : '', base]) {
    if (key && notes[key]) {
      const last = key.split(' ').length === 3 ? sub2! : key.includes(' ') ? sub! : cmd;
      return { command: key, note: notes[key]!, from: cmd.from, to: last.from + last.text.length };
    }
  }
  return undefined;
}
