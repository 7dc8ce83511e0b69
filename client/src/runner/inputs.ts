// Validates input values against their declarations and decides where each value may come from.
import { looksSecret } from '../../../server/src/rules/secret-names';
import { compileLinear } from './linear-regex';

export interface InputDecl {
  name: string;
  description?: string;
  enum?: Array<string | number | boolean>;
  default?: string | number | boolean;
  secret?: boolean;
  /** `string` (default), `number`, `integer` or `boolean`. */
  type?: string;
  /** A regular expression the whole value must match. */
  pattern?: string;
  /** A secret that may be shorter than 8 characters. */
  allowShort?: boolean;
  /** False: the run may go on without a value (the variable is then unset). Default true. */
  required?: boolean;
}

/**
 * A value as shown on a terminal: control characters (escape sequences that could move the
 * cursor, rewrite earlier lines or set the title; newlines that fake a line of the runner's
 * own) written as visible escapes.
 */
export function printable(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => JSON.stringify(c).slice(1, -1).replace(/^\\u00/, '\\x'));
}

/** Environment variable names: the only channel through which inputs reach a step. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Why a value is not acceptable for an input, or undefined when it is. Never repeats a secret value. */
export function validateInput(decl: InputDecl, value: string): string | undefined {
  if (!ENV_NAME.test(decl.name)) return `input name ${JSON.stringify(decl.name)} is not a valid environment variable name`;
  if (value.includes('\0')) return `${decl.name} contains a NUL character`;
  const shown = decl.secret ? 'the value' : JSON.stringify(value);
  if (decl.enum && decl.enum.length && !decl.enum.map(String).includes(value)) {
    return `${decl.name}: ${shown} is not one of ${decl.enum.map((v) => JSON.stringify(String(v))).join(', ')}`;
  }
  switch (decl.type ?? 'string') {
    case 'number':
      if (value.trim() === '' || !Number.isFinite(Number(value))) return `${decl.name}: ${shown} is not a number`;
      break;
    case 'integer':
      if (!/^-?\d+$/.test(value)) return `${decl.name}: ${shown} is not an integer`;
      break;
    case 'boolean':
      if (value !== 'true' && value !== 'false') return `${decl.name}: ${shown} is not true or false`;
      break;
    default:
      break;
  }
  if (decl.pattern !== undefined) {
    // Linear-time matching (linear-regex.ts): a catastrophic pattern cannot block the runner.
    const re = compileLinear(decl.pattern);
    if ('error' in re) return `${decl.name}: its pattern is not usable: ${re.error}`;
    if (!re.whole(value)) return `${decl.name}: ${shown} does not match ${decl.pattern}`;
  }
  return undefined;
}

/** Parses repeated `--input NAME=VALUE` flags; the value may contain '=' and anything else. */
export function parseInputFlags(flags: string[]): { values: Map<string, string>; errors: string[] } {
  const values = new Map<string, string>();
  const errors: string[] = [];
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    const name = eq > 0 ? flag.slice(0, eq) : '';
    if (!ENV_NAME.test(name)) {
      errors.push(`--input expects NAME=VALUE, got ${JSON.stringify(eq > 0 ? `${name}=…` : flag)}`);
      continue;
    }
    if (values.has(name)) errors.push(`--input ${name} is given twice`);
    values.set(name, flag.slice(eq + 1));
  }
  return { values, errors };
}

export type InputSource = 'flag' | 'environment' | 'prompt' | 'default' | 'capture';

export interface ResolvedInputs {
  values: Map<string, { value: string; source: InputSource; secret: boolean }>;
  /** Secret inputs a step captures later: not needed before the run starts. */
  deferred: string[];
  /** Inputs with no value from any source (an error too, unless `allowMissing`). */
  missing: string[];
  errors: string[];
}

export interface ResolveOptions {
  decls: InputDecl[];
  flags: Map<string, string>;
  /** The operator's environment: the only non-interactive source of secrets. */
  env: Record<string, string | undefined>;
  /** Inputs some step fills with `capture`. */
  captured: Set<string>;
  /** Asks the operator (hidden for secrets); absent in a non-interactive run. */
  ask?: (decl: InputDecl) => Promise<string | undefined>;
  /** A dry run: an input with no value is listed in `missing`, not refused (a real run would ask). */
  allowMissing?: boolean;
}

/**
 * Decides every input's value. Secrets never come from argv: `--input SECRET=…` is refused,
 * because other users see command lines in `ps` and shells keep them in history.
 */
export async function resolveInputs(o: ResolveOptions): Promise<ResolvedInputs> {
  const values: ResolvedInputs['values'] = new Map();
  const errors: string[] = [];
  const deferred: string[] = [];
  const missing: string[] = [];
  const known = new Set(o.decls.map((d) => d.name));
  for (const name of o.flags.keys()) if (!known.has(name)) errors.push(`--input ${name}: the runbook declares no input of that name`);
  for (const decl of o.decls) {
    const secret = decl.secret === true;
    let value: string | undefined;
    let source: InputSource | undefined;
    if (secret) {
      if (o.flags.has(decl.name)) {
        errors.push(`${decl.name} is a secret and is never accepted on the command line; set it in the environment (export ${decl.name}) or let the prompt ask`);
        continue;
      }
      const fromEnv = o.env[decl.name];
      if (fromEnv !== undefined && fromEnv !== '') [value, source] = [fromEnv, 'environment'];
      else if (o.captured.has(decl.name)) {
        deferred.push(decl.name);
        continue;
      }
    } else if (o.flags.has(decl.name) && looksSecret(decl.name)) {
      // Named like a secret (API_TOKEN, *_PASSWORD) but not marked secret: it would be recorded in clear.
      errors.push(`${decl.name} is named like a secret but the runbook does not mark it \`secret: true\`; it is refused on the command line (it would be shown and recorded in clear): mark it secret in the runbook`);
      continue;
    } else if (o.flags.has(decl.name)) [value, source] = [o.flags.get(decl.name)!, 'flag'];
    else if (o.captured.has(decl.name)) {
      deferred.push(decl.name);
      continue;
    }
    if (value === undefined && o.ask) {
      const asked = await o.ask(decl);
      if (asked === undefined) {
        errors.push(`${decl.name}: no value given`);
        continue;
      }
      if (asked === '' && decl.default === undefined && decl.required === false) continue;
      [value, source] = [asked === '' && decl.default !== undefined ? String(decl.default) : asked, asked === '' && decl.default !== undefined ? 'default' : 'prompt'];
    }
    if (value === undefined && decl.default !== undefined && !secret) [value, source] = [String(decl.default), 'default'];
    if ((value === undefined || source === undefined) && decl.required === false) continue;
    if (value === undefined || source === undefined) {
      missing.push(decl.name);
      if (o.allowMissing) continue;
      errors.push(
        secret
          ? `${decl.name} is a secret with no value: export ${decl.name} in the environment, or run interactively to be asked`
          : `${decl.name} has no value: pass --input ${decl.name}=VALUE${decl.enum ? ` (one of ${decl.enum.join(', ')})` : ''}`,
      );
      continue;
    }
    const problem = validateInput(decl, value);
    if (problem) errors.push(problem);
    else values.set(decl.name, { value, source, secret });
  }
  return { values, deferred, missing, errors };
}
