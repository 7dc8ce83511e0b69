// secret-in-argv: a secret on a command line, where any local user can read it with ps or /proc.
import { docsUrl } from '../../language/docs';
import { reveals, secretInWord } from '../context';
import { isSecretName } from '../secret-names';
import type { ShellCommand, ShellWord, Span } from '../shell/index';
import type { Finding, Rule } from '../types';

/** Builtins never exec, so their arguments never appear in a process list. */
const builtins = new Set([
  'echo', 'printf', 'test', '[', '[[', 'read', 'export', 'local', 'declare', 'typeset', 'readonly', 'set', 'unset', 'cd', 'pushd', 'popd',
  ':', 'true', 'false', 'eval', 'let', 'shift', 'return', 'exit', 'source', '.', 'trap', 'wait', 'alias', 'type', 'hash', 'ulimit', 'umask',
  'getopts', 'mapfile', 'readarray', 'break', 'continue',
]);

export const secretInArgv: Rule = {
  name: 'secret-in-argv',
  docs: docsUrl('secret-in-argv'),
  severity: 'warning',
  summary: 'A secret is passed as a command-line argument, visible to every local user through ps.',
  scope: 'step',
  check(ctx) {
    const out: Finding[] = [];
    for (const info of ctx.scripts) {
      for (const c of info.shell?.commands ?? []) {
        // Wrapped builtins (`sudo echo`) run /bin/echo, a real process.
        if (!c.name || (builtins.has(c.name) && c.wrappers.length === 0)) continue;
        // `env NAME=$SECRET cmd` and `sudo NAME=$SECRET cmd` hand it over as environment, which is the advice.
        const envWords = new Set(c.env.map((e) => e.span.start));
        for (const w of c.words) {
          if (envWords.has(w.span.start)) continue;
          const s = secretInWord(ctx, info, w);
          if (s) out.push({ span: info.source(s.span), message: `${s.what} is on the command line of ${c.name}, where any local user can read it with ps; pass it through the environment or stdin` });
          else {
            const named = namedSecretValue(ctx, c, w);
            if (named) out.push({ span: info.source(named.span), message: `${named.what} is on the command line of ${c.name}, where any local user can read it with ps; pass it through the environment or stdin` });
          }
        }
      }
    }
    return out;
  },
};

/**
 * A value handed over under a secret's name, whatever variable holds it: `password="$1"`,
 * `aws configure set aws_secret_access_key "$2"`, `--secret_key=$K`.
 */
function namedSecretValue(ctx: Parameters<Rule['check']>[0], c: ShellCommand, w: ShellWord): { span: Span; what: string } | null {
  const e = w.expansions.find((x) => reveals(x));
  // `--key=$KMS_KEY_NAME`: a variable named for a name, path or id holds no secret, whatever the option says.
  if (!e || /(^|_)(NAME|NAMES|ID|IDS|PATH|FILE|DIR|URL|URI|ARN|ALIAS|VERSION|REGION|PROJECT|RING|LOCATION|HOST|USER|USERNAME)(_|$)/i.test(e.name)) return null;
  const secretOption = (n: string) => !/^-*key$/i.test(n) && isSecretName(n.replace(/[.-]/g, '_'), ctx.policy.secretNames);
  const lead = w.pieces[0]?.kind === 'literal' ? w.pieces[0].value : '';
  const m = /^-{0,2}([A-Za-z_][A-Za-z0-9_.-]*)=$/.exec(lead);
  if (m && w.pieces[1]?.kind === 'expansion' && secretOption(m[1]!)) return { span: e.span, what: `the value of ${m[1]} (${e.name === '@' ? '$@' : `$${e.name}`})` };
  // `… set NAME VALUE` (aws configure set, npm config set, git config): the word before names the value.
  const i = c.args.indexOf(w);
  const prev = c.args[i - 1]?.value ?? '';
  const setter = c.args.slice(0, Math.max(0, i - 1)).some((x) => x.value === 'set' || x.value === 'config');
  if (setter && i > 0 && w.pieces.length === 1 && secretOption(prev)) return { span: e.span, what: `the value of ${prev} ($${e.name})` };
  return null;
}
