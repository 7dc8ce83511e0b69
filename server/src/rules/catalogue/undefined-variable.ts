// undefined-variable: `$NAME` used where no input, loop binding, capture, step env, assignment or well-known variable defines it.
import { docsUrl } from '../../language/docs';
import { boundNames } from '../../language/loops';
import type { Finding, Rule } from '../types';

/** Variables every shell or operator environment has; `RUNSAFE_*` come from the runner. */
const wellKnown = new Set([
  'HOME', 'PATH', 'USER', 'LOGNAME', 'PWD', 'OLDPWD', 'SHELL', 'TERM', 'LANG', 'LANGUAGE', 'TMPDIR', 'TMP', 'TEMP', 'HOSTNAME', 'HOST', 'UID', 'EUID', 'GROUPS',
  'PPID', 'RANDOM', 'SECONDS', 'LINENO', 'IFS', 'OPTARG', 'OPTIND', 'REPLY', 'PIPESTATUS', 'HOSTTYPE', 'OSTYPE', 'MACHTYPE', 'PS1', 'PS2', 'PS4', 'EDITOR',
  'VISUAL', 'PAGER', 'DISPLAY', 'COLUMNS', 'LINES', 'SSH_AUTH_SOCK', 'KUBECONFIG', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'CI', 'TZ', 'FUNCNAME',
  'BASH_SOURCE', 'BASH_VERSION', 'BASH_REMATCH', 'BASHPID', 'SHLVL', 'EPOCHSECONDS', 'EPOCHREALTIME', 'DATABASE_URL', 'NO_COLOR', 'XDG_CONFIG_HOME', 'XDG_RUNTIME_DIR',
]);
const wellKnownPrefix = /^(LC_|BASH_|XDG_|RUNSAFE_|GITHUB_|RUNNER_)/;
const special = /^([0-9]+|[@*#?$!_-])$/;

export const undefinedVariable: Rule = {
  name: 'undefined-variable',
  docs: docsUrl('undefined-variable'),
  severity: 'warning',
  summary: 'A variable is used that no input, capture, step env, assignment or well-known variable defines.',
  check(ctx) {
    const out: Finding[] = [];
    const inputs = new Set(ctx.runbook.inputs.map((i) => i.name));
    const steps = ctx.runbook.allSteps;
    // One pass over the steps: where each step sits and, per captured name, the positions capturing it
    // (ascending), so each script asks about earlier and later captures without re-walking the steps.
    const position = new Map(steps.map((s, i) => [s, i] as const));
    const captures = new Map<string, number[]>();
    steps.forEach((s, i) => {
      if (!s.capture) return;
      const at = captures.get(s.capture.into);
      if (at) at.push(i);
      else captures.set(s.capture.into, [i]);
    });
    for (const info of ctx.scripts) {
      const p = info.shell;
      if (!p) continue;
      // A script of a step outside the list counts as sitting before the last step.
      const start = position.get(info.step) ?? steps.length - 1;
      const capturedBefore = (n: string) => (captures.get(n)?.[0] ?? Infinity) < start;
      /** The last step from here on, other than this one, that captures `n`. */
      const capturedLater = (n: string) => {
        const at = captures.get(n) ?? [];
        for (let k = at.length - 1; k >= 0 && at[k]! >= start; k--) if (steps[at[k]!] !== info.step) return steps[at[k]!];
        return undefined;
      };
      const reported = new Set<string>();
      // Inside a loop, the names it binds are defined for every item.
      const bound = new Set(boundNames(info.step));
      for (const u of p.uses) {
        if (u.quoting === 'single-literal' || special.test(u.name) || u.form === 'default' || u.form === 'alternative' || u.form === 'required') continue;
        const n = u.name;
        if (reported.has(n) || wellKnown.has(n) || wellKnownPrefix.test(n) || inputs.has(n) || bound.has(n) || capturedBefore(n) || n in info.step.env) continue;
        // Functions and loops may define a variable textually after a use that runs later; any definition counts.
        if (p.definitions.some((d) => d.name === n)) continue;
        reported.add(n);
        const later = capturedLater(n);
        const message = later
          ? `$${n} is captured only by the later step ${later.id?.value ?? ''}; it is empty here`
          : `$${n} is not defined: declare it under \`inputs\`, capture it in an earlier step, or set it in the script`;
        out.push({ span: info.source(u.nameSpan), message });
      }
    }
    return out;
  },
};
