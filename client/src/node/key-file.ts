// Private key files and environment variables: written 0600, refused when others can read them.
import { closeSync, fstatSync, openSync, readFileSync, writeSync, fsyncSync, constants } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { formatSeed, parseSeed, type Signer } from '../signing/keys';
import { nativeSigner as signerFromSeed } from './native-crypto';

/** Creates a new key file holding a fresh base64url seed; refuses to overwrite. Returns the signer. */
export function writeNewKeyFile(path: string): Signer {
  const seed = new Uint8Array(randomBytes(32));
  // O_EXCL: an existing key is never replaced; mode 0600 is applied at creation, not after.
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    writeSync(fd, `${formatSeed(seed)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  const signer = signerFromSeed(seed);
  seed.fill(0);
  return signer;
}

/** Reads a key file, refusing it when group or others may read or write it (as ssh does). */
export function readKeyFile(path: string): Signer {
  const fd = openSync(path, constants.O_RDONLY);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error(`key file ${path} is not a regular file`);
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
      throw new Error(`key file ${path} is accessible by group or others (mode ${(st.mode & 0o777).toString(8)}); run: chmod 600 ${path}`);
    }
    const text = readFileSync(fd, 'utf8');
    try {
      return signerFromSeed(parseSeed(text));
    } catch (err) {
      throw new Error(`key file ${path}: ${(err as Error).message}`);
    }
  } finally {
    closeSync(fd);
  }
}

/** Reads a seed from an environment variable (base64url or 64-hex); the value is never echoed. */
export function readKeyEnv(env: NodeJS.ProcessEnv, name: string): Signer {
  const value = env[name];
  if (value === undefined || value.trim() === '') throw new Error(`environment variable ${name} is not set`);
  try {
    return signerFromSeed(parseSeed(value));
  } catch (err) {
    throw new Error(`environment variable ${name}: ${(err as Error).message}`);
  }
}

/** `--key FILE` or `--key-env NAME`: the one way commands and the runner obtain a signer. */
export function readSigner(source: { file?: string; env?: string }, env: NodeJS.ProcessEnv): Signer {
  if (source.file && source.env) throw new Error('give either a key file or a key environment variable, not both');
  if (source.file) return readKeyFile(source.file);
  if (source.env) return readKeyEnv(env, source.env);
  throw new Error('no private key given (a key file or an environment variable)');
}
