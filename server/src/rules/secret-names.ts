// Which variable names hold secrets, and which commands print secret material (taint sources).
import type { ShellCommand } from './shell/types';

/** Name parts that make a variable secret (`NEW_DB_PASSWORD`, `TRACE_SIGNING_PRIVKEY_X_V2`, `API_TOKEN`). */
const secretParts = new Set(['PASSWORD', 'PASSWD', 'PASS', 'SECRET', 'SECRETS', 'TOKEN', 'PRIVKEY', 'PRIVATEKEY', 'KEY', 'SEED', 'CREDENTIALS', 'CREDS', 'APIKEY', 'PASSPHRASE', 'PAT', 'DSN']);
/** Parts after a secret part that make the name describe the secret rather than hold it (`KEY_ID`, `TOKEN_URL`). */
const describingParts = new Set([
  'ID', 'IDS', 'URL', 'URI', 'NAME', 'PATH', 'FILE', 'DIR', 'VERSION', 'VER', 'ARN', 'LENGTH', 'LEN', 'TYPE', 'ALIAS', 'RING', 'SIZE', 'HOST', 'PORT',
  'USER', 'USERNAME', 'REF', 'FINGERPRINT', 'HASH', 'SHA', 'SHA256', 'DIGEST', 'EXPIRY', 'EXPIRES', 'TTL', 'COUNT', 'PREFIX', 'FORMAT', 'ENDPOINT', 'PROVIDER', 'STORE', 'BACKEND', 'SCOPE', 'ROTATION', 'AGE', 'DATE',
]);
/** Parts before KEY that make it public or an identifier (`PUBLIC_KEY`, `PRIMARY_KEY`). */
const publicBefore = new Set(['PER', 'NUM', 'MAX', 'MIN', 'TOTAL', 'PUBLIC', 'PUB', 'PRIMARY', 'FOREIGN', 'SORT', 'PARTITION', 'CACHE', 'IDEMPOTENCY', 'ROUTING', 'LICENSE']);

/** Built-in judgement on a name, before policy patterns. */
export function looksSecret(name: string): boolean {
  const parts = name.toUpperCase().split(/_+/).filter(Boolean);
  // An AppRole `secret_id` is the credential itself, not the id of one.
  if (parts.length >= 2 && parts[parts.length - 2] === 'SECRET' && parts[parts.length - 1] === 'ID' && (parts.length === 2 || ['VAULT', 'APPROLE', 'ROLE'].includes(parts[parts.length - 3]!))) return true;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (!secretParts.has(p)) continue;
    // PASS alone is too common as a word (PASS_COUNT, BYPASS); only count it at the end.
    if (p === 'PASS' && i !== parts.length - 1) continue;
    if ((p === 'KEY' || p === 'PAT') && i > 0 && publicBefore.has(parts[i - 1]!)) continue;
    if (parts.slice(i + 1).some((q) => describingParts.has(q))) continue;
    return true;
  }
  return false;
}

export function isSecretName(name: string, patterns: RegExp[]): boolean {
  return patterns.some((re) => re.test(name)) || looksSecret(name);
}

const values = (c: ShellCommand): string[] => c.args.map((w) => w.value ?? '');

/**
 * Describes what secret a command prints to stdout, or returns null. These are the taint sources:
 * random generators, key generators and secret stores read back.
 */
export function secretProducer(c: ShellCommand): string | null {
  const a = values(c);
  const has = (...xs: string[]) => xs.every((x) => a.includes(x));
  // Reading random devices (`tr -dc A-Za-z0-9 </dev/urandom`).
  if (c.redirects.some((r) => r.operator === '<' && /^\/dev\/u?random$/.test(r.target?.value ?? ''))) return 'random bytes from /dev/urandom';
  // The AWS CLI run some other way (`docker run amazon/aws-cli secretsmanager get-secret-value …`).
  if (c.name !== 'aws' && a.some((x, i) => x === 'secretsmanager' && a[i + 1] === 'get-secret-value')) return 'aws secretsmanager prints the secret value';
  switch (c.name) {
    case 'openssl':
      if (a[0] === 'rand') return 'openssl rand prints new key material';
      if (['genrsa', 'genpkey', 'ecparam'].includes(a[0] ?? '') && !a.some((x) => x === '-out' || x.startsWith('-out='))) return `openssl ${a[0]} prints a private key`;
      return null;
    case 'pwgen':
    case 'apg':
    case 'age-keygen':
      return `${c.name} prints a new secret`;
    case 'wg':
      return a[0] === 'genkey' || a[0] === 'genpsk' ? `wg ${a[0]} prints a private key` : null;
    case 'head':
    case 'dd':
      return a.some((x) => x.includes('/dev/urandom') || x.includes('/dev/random')) ? 'random bytes from /dev/urandom' : null;
    case 'vault': {
      const path = a.slice(1).find((x) => !x.startsWith('-')) ?? '';
      if (a[0] === 'kv' && a[1] === 'get') return 'vault prints the stored secret';
      // Transit key metadata (`vault read transit/keys/<name>`) holds no key material.
      if (a[0] === 'read') return /(^|\/)transit\/keys(\/|$)/.test(path) ? null : 'vault prints the stored secret';
      if (a[0] === 'write' && /(^|\/)transit\/decrypt\//.test(path)) return 'vault transit decrypt prints the plaintext';
      if (a[0] === 'write' && /(^|\/)auth\/.+\/login$/.test(path)) return 'vault prints the new token';
      if (a[0] === 'token' && a[1] === 'create') return 'vault token create prints the new token';
      if (a[0] === 'print' && a[1] === 'token') return 'vault print token prints the token';
      return null;
    }
    case 'aws':
      if (a[0] === 'secretsmanager' && a[1] === 'get-secret-value') return 'aws secretsmanager prints the secret value';
      if (a[0] === 'ssm' && a[1]?.startsWith('get-parameter') && a.includes('--with-decryption')) return 'aws ssm prints the decrypted parameter';
      if (a[0] === 'sts' && /^(get-session-token|assume-role|assume-role-with-saml|assume-role-with-web-identity|get-federation-token)$/.test(a[1] ?? '')) return `aws sts ${a[1]} prints temporary credentials`;
      if ((a[0] === 'ecr' || a[0] === 'ecr-public') && a[1] === 'get-login-password') return 'aws ecr get-login-password prints a registry password';
      if (a[0] === 'codeartifact' && a[1] === 'get-authorization-token') return 'aws codeartifact prints an authorization token';
      return null;
    case 'gcloud':
      if (has('secrets', 'versions', 'access')) return 'gcloud prints the secret version';
      return a.includes('auth') && a.some((x) => x === 'print-access-token' || x === 'print-identity-token') ? `gcloud auth ${a.find((x) => x.startsWith('print-'))} prints a bearer token` : null;
    case 'az':
      return a[0] === 'account' && a[1] === 'get-access-token' ? 'az account get-access-token prints a bearer token' : null;
    case 'heroku':
      if (a[0] === 'config') return 'heroku config prints every config value';
      if (a[0] === 'pg:credentials:url' || a[0] === 'auth:token') return `heroku ${a[0]} prints credentials`;
      // config:get prints one value: a secret only when the variable is (a key *version* is not).
      if (a[0] === 'config:get' && a.slice(1).some((x) => !x.startsWith('-') && looksSecret(x))) return 'heroku config:get prints a secret config value';
      return null;
    case 'kubectl':
    case 'oc':
      // Service-account tokens: `oc sa get-token`, `kubectl create token`, `oc whoami -t`.
      if (a.some((x) => x === 'get-token' || x === 'new-token') || (a[0] === 'create' && a[1] === 'token') || (a[0] === 'whoami' && a.some((x) => x === '-t' || x === '--show-token'))) return `${c.name} prints a service-account token`;
      if (a[0] !== 'get' || !(a[1] === 'secret' || a[1] === 'secrets' || a[1]?.startsWith('secret/'))) return null;
      return outputFormat(a) ? `${c.name} get secret -o ${outputFormat(a)} prints the secret data` : null;
    case 'infisical':
      return a[0] === 'secrets' && (a[1] === 'get' || a[1] === undefined) ? 'infisical prints secret values' : null;
    case 'op':
      return a[0] === 'read' ? '1Password CLI prints the secret' : null;
    case 'python':
    case 'python3':
    case 'node':
    case 'ruby':
    case 'perl': {
      // Only inline code counts (`-c`/`-e`, or a heredoc fed to `python3 -`): a script file's name says nothing.
      const flag = a.findIndex((x) => x === '-c' || x === '-e');
      const doc = c.redirects.find((r) => r.heredoc)?.heredoc?.body;
      const code = flag >= 0 ? (a[flag + 1] ?? '') : (a.length === 0 || a[0] === '-') && doc ? doc : '';
      return /os\.urandom|\bsecrets\.(token_\w+|choice|randbits|SystemRandom)|randomBytes|SecureRandom|generate_private_key|Ed25519PrivateKey\.generate/.test(code) && /print|console\.log|puts|say|write/.test(code)
        ? 'the one-liner prints new key material'
        : null;
    }
    default:
      if (c.name && /(^|-)(keygen|genkey|generate-key|gen-key)$/.test(c.name) && c.name !== 'ssh-keygen') return `${c.name} prints a new key`;
      if (a.some((x) => /^(generate-key|genkey|gen-key|keygen)$/.test(x))) return `${c.name} ${a.find((x) => /key/.test(x))} prints a new key`;
      return null;
  }
}

function outputFormat(a: string[]): string | null {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const m = /^(?:-o|--output)=?(.+)?$/.exec(x);
    if (!m) continue;
    const f = m[1] ?? a[i + 1] ?? '';
    if (/^(yaml|json|jsonpath|go-template)/.test(f)) return f.split('=')[0]!;
  }
  return null;
}

/** Commands that print every environment variable (and so every secret in scope). */
export function printsEnvironment(c: ShellCommand): boolean {
  if (c.name === 'env' || c.name === 'printenv') return c.args.every((w) => w.value?.startsWith('-') ?? false);
  if (c.name === 'set' || c.name === 'export' || c.name === 'declare' || c.name === 'typeset') return c.args.length === 0 || c.args.every((w) => w.value === '-p');
  return false;
}
