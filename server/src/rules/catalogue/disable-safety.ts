// disable-safety: turning off authentication, rate limits, TLS or signature checks, or debug/reload in production.
import { docsUrl } from '../../language/docs';
import type { ScriptInfo } from '../context';
import { argv, isCommand } from '../helpers';
import type { ShellCommand, ShellWord, Span } from '../shell/index';
import type { Finding, Rule } from '../types';

const safetyWord = /(^|_)(AUTH|AUTHN|AUTHZ|AUTHENTICATION|AUTHORIZATION|TLS|SSL|HTTPS|VERIFY|VERIFICATION|SIGNATURE|SIGNATURES|SIGNING|STRICT|RATE_?LIMIT|RATELIMIT|THROTTLE|THROTTLING|CSRF|CERT|CERTS|SECURITY|INTEGRITY|MTLS)(_|$)/;
const disablingWord = /(^|_)(DISABLE|DISABLED|SKIP|BYPASS|INSECURE|NO_VERIFY|ALLOW_UNSIGNED|ALLOW_INSECURE|UNSAFE)(_|$)/;
const notASwitch = /(^|_)(TIMEOUT|TTL|RETRIES|RETRY|DELAY|PORT|LEVEL|URL|HOST|PATH|FILE|DIR|NAME|VERSION|ID|KEY)(_|$)/;
const falsy = /^(false|0|no|off|disabled?|none|never)$/i;
const truthy = /^(true|1|yes|on|enabled?|always)$/i;

/** Flags that switch off verification, whatever the command. */
const insecureFlag = /^--?(insecure|no-verify|skip-tls-verify|insecure-skip-tls-verify|tls-verify=false|no-check-certificate|disable-auth|no-auth|skip-auth|no-verify-ssl|disable-ssl|allow-unsigned|skip-signature-check|no-signature-check)(=true)?$/;

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

/** Why NAME=VALUE turns a safety control off, or null. */
export function disables(rawName: string, value: string): string | null {
  const name = rawName.toUpperCase().replace(/[.-]/g, '_');
  const v = value.trim().replace(/^["']|["']$/g, '');
  if (name === 'NODE_TLS_REJECT_UNAUTHORIZED' && v === '0') return 'NODE_TLS_REJECT_UNAUTHORIZED=0 turns off TLS certificate checks for every Node request';
  if (name === 'PYTHONHTTPSVERIFY' && v === '0') return 'PYTHONHTTPSVERIFY=0 turns off HTTPS certificate checks';
  if (name === 'GIT_SSL_NO_VERIFY' && truthy.test(v)) return 'GIT_SSL_NO_VERIFY turns off TLS checks for git';
  if (/(^|_)(DEBUG)$/.test(name) && truthy.test(v)) return `${rawName}=${v} turns on debug mode, which leaks internals and often disables protections`;
  if (notASwitch.test(name.replace(/_?(ENABLED|REQUIRED|STRICT|MODE)$/, ''))) return null;
  if (disablingWord.test(name) && safetyWord.test(name) && truthy.test(v)) return `${rawName}=${v} disables a safety control`;
  if (safetyWord.test(name) && !disablingWord.test(name) && falsy.test(v)) return `${rawName}=${v} turns a safety control off`;
  return null;
}

export const disableSafety: Rule = {
  name: 'disable-safety',
  docs: docsUrl('disable-safety'),
  severity: 'error',
  summary: 'The step turns off authentication, rate limiting, TLS or signature verification, or enables debug/reload.',
  check(ctx) {
    const out: Finding[] = [];
    for (const info of ctx.scripts) {
      const p = info.shell;
      if (!p) continue;
      const report = (span: Span, message: string) => out.push({ span: info.source(span), message });
      for (const d of p.definitions) {
        if (d.value?.value === null || d.value === null || d.kind === 'read' || d.kind === 'for') continue;
        const why = disables(d.name, d.value.value);
        if (why) report({ start: d.nameSpan.start, end: d.value.span.end }, why);
      }
      for (const c of p.commands) {
        for (const e of c.env) {
          const value = e.value?.value ?? assignmentValue(c.words.find((w) => w.span.start === e.span.start));
          const why = value === null ? null : disables(e.name, value);
          if (why) report(e.span, why);
        }
        if (c.name === 'echo' || c.name === 'printf' || c.name === 'grep') continue;
        flags(info, c, report);
      }
    }
    return out;
  },
};

function assignmentValue(w: ShellWord | undefined): string | null {
  if (!w?.value) return null;
  const eq = w.value.indexOf('=');
  return eq > 0 ? w.value.slice(eq + 1) : null;
}

function flags(info: ScriptInfo, c: ShellCommand, report: (span: Span, message: string) => void): void {
  const a = argv(c);
  c.args.forEach((w, i) => {
    const x = a[i]!;
    if (insecureFlag.test(x)) return report(w.span, `${x} turns off certificate or signature verification`);
    if (c.name === 'curl' && /^-[a-zA-Z]*k[a-zA-Z]*$/.test(x)) return report(w.span, 'curl -k accepts any TLS certificate');
    if (/sslmode=(disable|allow|prefer)\b/i.test(x)) return report(w.span, 'sslmode=disable sends database traffic, credentials included, without TLS');
    if (/^(http\.sslverify|sslverify)=false$/i.test(x)) return report(w.span, 'http.sslVerify=false turns off TLS checks for git');
    if (/^StrictHostKeyChecking=no$/i.test(x)) return report(w.span, 'StrictHostKeyChecking=no accepts any host key');
    if (x === '--reload' && c.name && ['uvicorn', 'gunicorn', 'hypercorn', 'flask'].includes(c.name)) return report(w.span, `${c.name} --reload is a development mode; never in production`);
    if (x === '--debug' && c.name === 'flask') return report(w.span, 'flask --debug runs the interactive debugger, which allows code execution');
    if (setsConfig(c)) {
      const eq = x.indexOf('=');
      const why = eq > 0 ? disables(x.slice(x.lastIndexOf(',', eq) + 1, eq), x.slice(eq + 1)) : null;
      if (why) report(w.span, why);
    }
    return undefined;
  });
}
