// Shared option handling for the signing commands: private key sources and output formats.
import { readSigner } from '../node/key-file';
import type { Signer } from '../signing/keys';
import { UsageError } from './command';

/** `--key FILE` / `--key-env NAME` (or prefixed, e.g. `--old-key`): the only ways a private key comes in. */
export function signerFromOptions(values: Record<string, unknown>, env: NodeJS.ProcessEnv, prefix = ''): Signer {
  const file = values[`${prefix}key`] as string | undefined;
  const name = values[`${prefix}key-env`] as string | undefined;
  if (!file && !name) throw new UsageError(`give --${prefix}key FILE or --${prefix}key-env NAME`);
  if (file && name) throw new UsageError(`give only one of --${prefix}key and --${prefix}key-env`);
  return readSigner({ file, env: name }, env);
}

export function formatOption(value: unknown): 'text' | 'json' {
  if (value !== 'text' && value !== 'json') throw new UsageError(`unknown format '${String(value)}'; use text or json`);
  return value;
}

export function writeJson(io: { stdout: NodeJS.WritableStream }, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
