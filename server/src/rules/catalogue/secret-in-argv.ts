// secret-in-argv: a secret on a command line, where any local user can read it with ps or /proc.
import { docsUrl } from '../../language/docs';
import { secretInWord } from '../context';
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
        }
      }
    }
    return out;
  },
};
