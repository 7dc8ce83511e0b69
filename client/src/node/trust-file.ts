// Reads and writes trust store files (YAML, or JSON when the name ends in .json), atomically.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync, constants } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { emptyTrustStore, lookupFor, parseTrustStore, verifyTrustStore, type TrustStore } from '../signing/trust-store';
import type { KeyLookup } from '../signing/trust-index';

/** Loads a store; a missing file is an error unless `allowMissing` (for `trust add` on a new file). */
export function readTrustFile(path: string, allowMissing = false): TrustStore {
  if (!existsSync(path)) {
    if (allowMissing) return emptyTrustStore();
    throw new Error(`trust store ${path} does not exist`);
  }
  const text = readFileSync(path, 'utf8');
  let doc: unknown;
  try {
    // uniqueKeys: a duplicated field in a trust store is an error, never "last one wins".
    doc = parseYaml(text, { uniqueKeys: true, maxAliasCount: 0 });
  } catch (err) {
    throw new Error(`trust store ${path}: not YAML or JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  try {
    return parseTrustStore(doc);
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`);
  }
}

/** Loads a store for verification: it must pass its own checks (rotation statements) first. */
export function loadTrust(path: string): { store: TrustStore; keys: KeyLookup } {
  const store = readTrustFile(path);
  const problems = verifyTrustStore(store);
  if (problems.length) throw new Error(`trust store ${path} failed self-verification:\n  ${problems.join('\n  ')}`);
  return { store, keys: lookupFor(store) };
}

export function writeTrustFile(path: string, store: TrustStore): void {
  const text = path.endsWith('.json')
    ? `${JSON.stringify(store, null, 2)}\n`
    : `# Runsafe trust store (schemas/trust-store.schema.json). Entries are never deleted: revoke or rotate.\n${stringifyYaml(store, { lineWidth: 0 })}`;
  // Write a sibling temp file, fsync, rename: readers see the old or the new store, never half.
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
