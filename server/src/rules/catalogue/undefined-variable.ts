// undefined-variable: `$NAME` used where no input, capture, step env, assignment or well-known variable defines it.
import { docsUrl } from '../../language/docs';
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
    for (const info of ctx.scripts) {
      const p = info.shell;
      if (!p) continue;
      const index = steps.indexOf(info.step);
      const capturedBefore = new Set(steps.slice(0, index).flatMap((s) => (s.capture ? [s.capture.into] : [])));
      const capturedLater = new Map(steps.slice(index).flatMap((s) => (s.capture && s !== info.step ? [[s.capture.into, s] as const] : [])));
      const reported = new Set<string>();
      for (const u of p.uses) {
        if (u.quoting === 'single-literal' || special.test(u.name) || u.form === 'default' || u.form === 'alternative' || u.form === 'required') continue;
        const n = u.name;
        if (reported.has(n) || wellKnown.has(n) || wellKnownPrefix.test(n) || inputs.has(n) || capturedBefore.has(n) || n in info.step.env) continue;
        // Functions and loops may define a variable textually after a use that runs later; any definition counts.
        if (p.definitions.some((d) => d.name === n)) continue;
        reported.add(n);
        const later = capturedLater.get(n);
        const message = later
          ? `$${n} is captured only by the later step ${later.id?.value ?? ''}; it is empty here`
          : `$${n} is not defined: declare it under \`inputs\`, capture it in an earlier step, or set it in the script`;
        out.push({ span: info.source(u.nameSpan), message });
      }
    }
    return out;
  },
};
