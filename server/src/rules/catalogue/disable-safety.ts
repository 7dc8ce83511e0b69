// disable-safety: turning off authentication, rate limits, TLS or signature checks, or debug/reload in production.
import { docsUrl } from '../../language/docs';
import { argv, isCommand } from '../helpers';
import type { ShellCommand, ShellWord, Span } from '../shell/index';
import type { Finding, Rule } from '../types';

const safetyWord = /(^|_)(AUTH|AUTHN|AUTHZ|AUTHENTICATION|AUTHORIZATION|TLS|SSL|HTTPS|VERIFY|VERIFICATION|SIGNATURE|SIGNATURES|STRICT|RATE_?LIMIT|RATELIMIT|THROTTLE|THROTTLING|CSRF|CERT|CERTS|SECURITY|INTEGRITY|MTLS)(_|$)/;
const disablingWord = /(^|_)(DISABLE|DISABLED|SKIP|BYPASS|INSECURE|NO_VERIFY|ALLOW_UNSIGNED|ALLOW_INSECURE|UNSAFE)(_|$)/;
const notASwitch = /(^|_)(TIMEOUT|TTL|RETRIES|RETRY|DELAY|PORT|LEVEL|URL|HOST|PATH|FILE|DIR|NAME|VERSION|ID|KEY)(_|$)/;
const falsy = /^(false|0|no|off|disabled?|none|never)$/i;
const truthy = /^(true|1|yes|on|enabled?|always)$/i;

/** Flags that switch off verification, whatever the command. */
const insecureFlag = /^--?(insecure|no-verify|skip-tls-verify|insecure-skip-tls-verify|tls-verify=false|no-check-certificate|disable-auth|no-auth|skip-auth|no-verify-ssl|disable-ssl|allow-unsigned|skip-signature-check|no-signature-check|skip-signature-verification|nogpgcheck|nosignature|allow-unauthenticated|insecure-ignore-tlog|insecure-ignore-sct)(=true)?$/;

/** Commands whose arguments set configuration of a running system (NAME=VALUE). */
function setsConfig(c: ShellCommand): boolean {
  return (
    isCommand(c, 'heroku', 'config:set') ||
    isCommand(c, 'kubectl', 'set', 'env') ||
    isCommand(c, 'oc', 'set', 'env') ||
    isCommand(c, 'fly', 'secrets', 'set') ||
    isCommand(c, 'flyctl', 'secrets', 'set') ||
    isCommand(c, 'systemctl', 'set-environment') ||
    isCommand(c, 'dokku', 'config:set') ||
    c.name === 'helm' ||
    c.name === 'docker' ||
    c.name === 'podman'
  );
}

/** A finding's reason, and whether it only matters in production (debug and auto-reload modes). */
interface Why {
  message: string;
  productionOnly: boolean;
}

/** Why NAME=VALUE turns a safety control off, or null. */
export function disables(rawName: string, value: string): Why | null {
  const message = disablesMessage(rawName, value);
  return message === null ? null : { message, productionOnly: /debug mode/.test(message) };
}

function disablesMessage(rawName: string, value: string): string | null {
  // `verifier.strictSignatures` (helm values) and `STRICT_SIGNATURES` (environment) are the same switch.
  const name = rawName.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase().replace(/[.-]/g, '_');
  const v = value.trim().replace(/^["']|["']$/g, '');
  if (name === 'NODE_TLS_REJECT_UNAUTHORIZED' && v === '0') return 'NODE_TLS_REJECT_UNAUTHORIZED=0 turns off TLS certificate checks for every Node request';
  if (name === 'PYTHONHTTPSVERIFY' && v === '0') return 'PYTHONHTTPSVERIFY=0 turns off HTTPS certificate checks';
  if (/(^|_|PG)SSLMODE$/.test(name) && /^(disable|allow|prefer)$/i.test(v)) return `${rawName}=${v} lets database connections, credentials included, go without TLS`;
  if (name === 'GIT_SSL_NO_VERIFY' && truthy.test(v)) return 'GIT_SSL_NO_VERIFY turns off TLS checks for git';
  if (/(^|_)(DEBUG)$/.test(name) && truthy.test(v)) return `${rawName}=${v} turns on debug mode in production, which leaks internals and often disables protections`;
  if (notASwitch.test(name.replace(/_?(ENABLED|REQUIRED|STRICT|MODE)$/, ''))) return null;
  if (disablingWord.test(name) && safetyWord.test(name) && truthy.test(v)) return `${rawName}=${v} disables a safety control`;
  if (safetyWord.test(name) && !disablingWord.test(name) && falsy.test(v)) return `${rawName}=${v} turns a safety control off`;
  return null;
}

export const disableSafety: Rule = {
  name: 'disable-safety',
  docs: docsUrl('disable-safety'),
  severity: 'error',
  summary: 'The step turns off authentication, rate limiting, TLS or signature verification, or enables debug/reload in production.',
  scope: 'step',
  check(ctx) {
    const out: Finding[] = [];
    const inputEnv = new Map(ctx.runbook.inputs.map((i) => [i.name, environmentOf([i.default, ...(i.enum ?? [])].filter((v): v is string => typeof v === 'string'))]));
    for (const info of ctx.scripts) {
      const p = info.shell;
      // A `confirm` message is the explicit acknowledgement: the operator reads what is traded and types the target.
      if (!p || info.step.confirm?.message) continue;
      const stepEnv = Object.entries(info.step.env).map(([k, v]) => `${k}=${v}`);
      // Debug and reload matter in production; without a sign of another environment, assume production.
      const production = (texts: string[], names: string[]) => {
        const envs = [environmentOf([...stepEnv, ...texts]), ...names.map((n) => inputEnv.get(n) ?? 'unknown')];
        return envs.includes('production') || !envs.includes('other');
      };
      let scriptInProduction: boolean | undefined;
      const report = (span: Span, why: Why, inProduction: () => boolean) => {
        if (!why.productionOnly || inProduction()) out.push({ span: info.source(span), message: why.message });
      };
      for (const d of p.definitions) {
        if (d.value?.value === null || d.value === null || d.kind === 'read' || d.kind === 'for') continue;
        const why = disables(d.name, d.value.value);
        if (why) report({ start: d.nameSpan.start, end: d.value.span.end }, why, () => (scriptInProduction ??= production([p.script], p.uses.map((u) => u.name))));
      }
      for (const c of p.commands) {
        const inProduction = () => production(c.words.map((w) => w.text), c.words.flatMap((w) => w.expansions.map((e) => e.name)));
        for (const e of c.env) {
          const value = e.value?.value ?? assignmentValue(c.words.find((w) => w.span.start === e.span.start));
          const why = value === null ? null : disables(e.name, value);
          // `DEBUG=1 ./scripts/archive.sh` makes a script talkative; debug mode matters for a server or app being started.
          if (why && why.productionOnly && !startsService(c)) continue;
          if (why) report(e.span, why, inProduction);
        }
        // Text written into a shell start-up file (`echo "alias kubectl='kubectl --insecure-skip-tls-verify'" >> ~/.bashrc`) is configuration.
        if ((c.name === 'echo' || c.name === 'printf') && writesStartupFile(c)) {
          for (const w of c.args) {
            const flag = (w.value ?? w.text).split(/[\s'"=]+/).find((t) => insecureFlag.test(t) || /^--insecure-skip-tls-verify$/.test(t));
            if (flag) report(w.span, always(`${flag} written into a shell start-up file turns off verification for every later command`), inProduction);
          }
          continue;
        }
        // Text that only mentions a setting (echo, grep patterns, tests) switches nothing.
        if (c.name && textOnly.has(c.name)) continue;
        flags(c, (span, why) => report(span, why, inProduction));
      }
    }
    return out;
  },
};

/** Environment, app, host or context names that say production, or clearly something else. */
const productionWord = /(^|[^a-z0-9])(prod|production|prd|live)([^a-z0-9]|$)/i;
const otherWord = /(^|[^a-z0-9])(dev|development|local|localhost|127\.0\.0\.1|demo|test|testing|ci|staging|stage|sandbox|qa)([^a-z0-9]|$)/i;

function environmentOf(texts: string[]): 'production' | 'other' | 'unknown' {
  if (texts.some((t) => productionWord.test(t))) return 'production';
  return texts.some((t) => otherWord.test(t)) ? 'other' : 'unknown';
}
const textOnly = new Set(['echo', 'printf', 'grep', 'egrep', 'fgrep', 'rg', 'test', '[', '[[', 'logger', 'cat', 'jq', 'yq', 'awk', 'sed']);

/** Shell start-up files: what is written there runs in every later shell. */
function writesStartupFile(c: ShellCommand): boolean {
  return c.redirects.some((r) => (r.operator === '>>' || r.operator === '>') && /(^|\/)(\.bashrc|\.bash_profile|\.profile|\.zshrc|\.zprofile|environment)$/.test(r.target?.value ?? r.target?.text ?? ''));
}

function assignmentValue(w: ShellWord | undefined): string | null {
  if (!w?.value) return null;
  const eq = w.value.indexOf('=');
  return eq > 0 ? w.value.slice(eq + 1) : null;
}

const always = (message: string): Why => ({ message, productionOnly: false });
const devMode = (message: string): Why => ({ message, productionOnly: true });

function flags(c: ShellCommand, report: (span: Span, why: Why) => void): void {
  const a = argv(c);
  c.args.forEach((w, i) => {
    const x = a[i]!;
    // git's --no-verify skips local hooks, not a certificate or signature check.
    if (insecureFlag.test(x) && !(c.name === 'git' && x === '--no-verify')) return report(w.span, always(`${x} turns off certificate or signature verification`));
    if (c.name === 'curl' && /^-[a-zA-Z]*k[a-zA-Z]*$/.test(x)) return report(w.span, always('curl -k accepts any TLS certificate'));
    if (/sslmode=(disable|allow|prefer)\b/i.test(x)) return report(w.span, always('sslmode=disable sends database traffic, credentials included, without TLS'));
    if (/^(http\.sslverify|sslverify)=false$/i.test(x)) return report(w.span, always('http.sslVerify=false turns off TLS checks for git'));
    if (/^http\.sslverify$/i.test(x) && c.name === 'git' && falsy.test(a[i + 1] ?? '')) return report(w.span, always('http.sslVerify false turns off TLS checks for git'));
    if (x === 'strict-ssl' && (c.name === 'npm' || c.name === 'yarn' || c.name === 'pnpm') && falsy.test(a[i + 1] ?? '')) return report(w.span, always('strict-ssl false turns off TLS checks for the package registry'));
    if (/^StrictHostKeyChecking=no$/i.test(x)) return report(w.span, always('StrictHostKeyChecking=no accepts any host key'));
    // `rsync -e "ssh -o StrictHostKeyChecking=no"`, `GIT_SSH_COMMAND='ssh -o …'`: the option inside a command string.
    if (/(^|\s)-o\s*StrictHostKeyChecking[= ]no\b/i.test(w.value ?? w.text)) return report(w.span, always('StrictHostKeyChecking=no in the ssh command accepts any host key'));
    if (x === '--reload' && c.name && devServers.has(c.name)) return report(w.span, devMode(`${c.name} --reload is a development mode; never in production`));
    if (x === '--debug' && c.name && devServers.has(c.name)) return report(w.span, devMode(`${c.name} --debug runs the interactive debugger, which allows code execution; never in production`));
    if (setsConfig(c)) {
      const eq = x.indexOf('=');
      const why = eq > 0 ? disables(x.slice(x.lastIndexOf(',', eq) + 1, eq), x.slice(eq + 1)) : null;
      if (why) report(w.span, why);
    }
    return undefined;
  });
}

/** Programs that start a server or an application process (where debug mode is a hazard). */
const appLaunchers = new Set(['node', 'python', 'python3', 'ruby', 'java', 'php', 'npm', 'yarn', 'pnpm', 'npx', 'bun', 'deno', 'dotnet', 'go', 'rails', 'rackup', 'puma', 'unicorn', 'celery', 'docker', 'podman', 'docker-compose', 'kubectl', 'helm', 'heroku', 'fly', 'flyctl', 'systemctl', 'pm2', 'supervisord']);

function startsService(c: ShellCommand): boolean {
  return c.name !== null && (devServers.has(c.name) || appLaunchers.has(c.name) || setsConfig(c));
}

const devServers = new Set(['uvicorn', 'gunicorn', 'hypercorn', 'flask', 'daphne', 'nodemon', 'rails', 'django-admin', 'manage.py']);
