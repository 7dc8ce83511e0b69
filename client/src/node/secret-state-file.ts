// Secret run state at rest: values a later step or a rollback of a resumed run needs, only ever on disk encrypted (AES-256-GCM) under a key the operator holds.
//
// File `<transcript>.state` (JSON, mode 0600, written aside and renamed over):
//   { "format": "runsafe-secret-state/1", "alg": "AES-256-GCM", "run_id": …, "iv": <base64 12 bytes>, "tag": <base64 16 bytes>, "data": <base64 ciphertext> }
// The plaintext is JSON { "values": { NAME: value } }; the additional data binds the format and the
// run id, so a state file moved to another run does not open. Why AES-256-GCM from node:crypto:
// an AEAD (a changed or wrong-key file fails to open instead of decrypting to garbage), in Node's
// OpenSSL (no new dependency, FIPS-validated builds exist), with a fresh random 96-bit nonce per
// write (a run writes a handful of times, far below GCM's random-nonce limits).
import { closeSync, constants, fstatSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { parseSeed } from '../signing/keys';

export const STATE_FORMAT = 'runsafe-secret-state/1';

/** Where a segment's secret state lives. */
export const statePath = (transcript: string) => `${transcript}.state`;

function aad(runId: string): Buffer {
  return Buffer.from(`${STATE_FORMAT}\0${runId}`, 'utf8');
}

function parseKey(text: string, where: string): Buffer {
  try {
    return Buffer.from(parseSeed(text));
  } catch {
    throw new Error(`${where}: a state key is 32 bytes as 64 hex digits or base64url (make one: openssl rand -hex 32 > state.key; chmod 600 state.key)`);
  }
}

/** `--state-key-file FILE` (refused when group or others may read it, as key files are) or `--state-key-env NAME`. */
export function readStateKey(source: { file?: string; env?: string }, env: Record<string, string | undefined>): Buffer {
  if (source.file && source.env) throw new Error('give either --state-key-file or --state-key-env, not both');
  if (source.env) {
    const v = env[source.env];
    if (v === undefined || v.trim() === '') throw new Error(`environment variable ${source.env} (the state key) is not set`);
    return parseKey(v, `environment variable ${source.env}`);
  }
  const file = source.file!;
  const fd = openSync(file, constants.O_RDONLY);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error(`state key file ${file} is not a regular file`);
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) throw new Error(`state key file ${file} is accessible by group or others (mode ${(st.mode & 0o777).toString(8)}); run: chmod 600 ${file}`);
    return parseKey(readFileSync(fd, 'utf8'), `state key file ${file}`);
  } finally {
    closeSync(fd);
  }
}

/** Encrypts `values` and replaces the state file atomically (a crash leaves the old file or the new one). */
export function writeSecretState(path: string, key: Buffer, runId: string, values: Record<string, string>): void {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(runId));
  const plain = Buffer.from(JSON.stringify({ values }), 'utf8');
  const data = Buffer.concat([cipher.update(plain), cipher.final()]);
  plain.fill(0);
  const doc = { format: STATE_FORMAT, alg: 'AES-256-GCM', run_id: runId, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    const buf = Buffer.from(`${JSON.stringify(doc)}\n`);
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    unlinkSync(tmp);
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
  try {
    const d = openSync(dirname(path), constants.O_RDONLY);
    fsyncSync(d);
    closeSync(d);
  } catch {
    // Directories cannot be opened everywhere (Windows); the file's own fsync holds.
  }
}

/** Opens a state file; a wrong key, another run's file or a changed file is refused in words. */
export function readSecretState(path: string, key: Buffer, runId: string): Record<string, string> {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code) throw err;
    throw new Error(`${path} is not a runsafe state file`);
  }
  if (doc['format'] !== STATE_FORMAT || doc['alg'] !== 'AES-256-GCM') throw new Error(`${path} is not a ${STATE_FORMAT} file`);
  if (doc['run_id'] !== runId) throw new Error(`${path} holds the state of run ${String(doc['run_id'])}, not ${runId}`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(String(doc['iv']), 'base64'));
    decipher.setAAD(aad(runId));
    decipher.setAuthTag(Buffer.from(String(doc['tag']), 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(String(doc['data']), 'base64')), decipher.final()]);
    const values = (JSON.parse(plain.toString('utf8')) as { values?: Record<string, string> }).values ?? {};
    plain.fill(0);
    return values;
  } catch {
    throw new Error(`the state key does not open ${path} (a different key, or the file was changed)`);
  }
}
