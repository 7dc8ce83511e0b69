// The environment a step starts with: a small allowlist of the operator's variables, then inputs, secrets only where used.

/** Operator variables every step sees: what programs need to find themselves and speak the locale. */
export const BASE_ALLOWLIST = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'TZ', 'TERM'];

/**
 * Variables that make a shell (or the tools it starts) run code or change behaviour before the
 * step's first line: they never pass, whatever the workspace's `env_passthrough` says.
 */
export const NEVER_PASS = new Set(['BASH_ENV', 'ENV', 'SHELLOPTS', 'BASHOPTS', 'PROMPT_COMMAND', 'PS4', 'CDPATH', 'GLOBIGNORE', 'IFS', 'ZDOTDIR', 'LD_PRELOAD', 'LD_LIBRARY_PATH', 'LD_AUDIT', 'NODE_OPTIONS', 'PYTHONSTARTUP', 'PERL5OPT']);

function passes(name: string, passthrough: ReadonlySet<string>): boolean {
  if (NEVER_PASS.has(name) || name.startsWith('BASH_FUNC_')) return false;
  return BASE_ALLOWLIST.includes(name) || name.startsWith('LC_') || passthrough.has(name);
}

/** The operator's variables a step may see: the allowlist plus the workspace's `env_passthrough`. */
export function operatorAllowlist(operatorEnv: Record<string, string | undefined>, passthrough: readonly string[] = []): Record<string, string> {
  const extra = new Set(passthrough);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(operatorEnv)) if (v !== undefined && passes(k, extra)) out[k] = v;
  return out;
}

/**
 * Whether a step's text names a variable as a whole word (`$DB_PASSWORD`, `${DB_PASSWORD}`,
 * `os.environ["DB_PASSWORD"]`, `printenv DB_PASSWORD`): the uses the runbook shows a reviewer.
 */
export function mentions(texts: readonly (string | undefined)[], name: string): boolean {
  const re = new RegExp(`(^|[^A-Za-z0-9_])${name}($|[^A-Za-z0-9_])`);
  return texts.some((t) => t !== undefined && re.test(t));
}

export interface StepEnvInput {
  operatorEnv: Record<string, string | undefined>;
  passthrough?: readonly string[];
  /** Inputs and captures so far. */
  vars: ReadonlyMap<string, { value: string; secret: boolean }>;
  /** The step's own text (command, env values, cwd): where its secret uses are. */
  texts: readonly (string | undefined)[];
  /** Secrets the step declares it needs (`secrets: [NAME]`), e.g. for a script that reads them itself. */
  declared?: readonly string[];
  /** The step's literal `env:` map. */
  stepEnv?: Record<string, string>;
}

/**
 * Builds the step's whole environment (nothing else is inherited): allowlisted operator
 * variables, every non-secret input, and each secret only when the step names or declares it,
 * so that `systemctl` or an application binary in an unrelated step never receives a password.
 */
export function stepEnvironment(o: StepEnvInput): Record<string, string> {
  const env = operatorAllowlist(o.operatorEnv, o.passthrough);
  const declared = new Set(o.declared ?? []);
  for (const [k, v] of o.vars) {
    if (!v.secret || declared.has(k) || mentions(o.texts, k)) env[k] = v.value;
  }
  Object.assign(env, o.stepEnv ?? {});
  for (const k of Object.keys(env)) if (NEVER_PASS.has(k)) delete env[k];
  return env;
}
