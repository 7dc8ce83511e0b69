// Reads and writes trust store files (YAML, or JSON when the name ends in .json), atomically.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync, constants } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { emptyTrustStore, lookupFor, orderedStore, parseTrustStore, rotationProblems, storeSignatureProblems, type TrustStore } from '../signing/trust-store';
import { checkPin, type StorePin } from '../signing/trust-root';
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

export interface LoadTrustOptions {
  /** Where rollback pins are kept (default: .runsafe in the current folder). */
  stateDir?: string;
  /** Demos only: load an unsigned, under-signed or tampered store, with a loud note. */
  allowUnsigned?: boolean;
  now?: Date;
}

export interface LoadedTrust {
  store: TrustStore;
  keys: KeyLookup;
  /** True when the store is signed by its root threshold and passed the rollback pin. */
  signed: boolean;
  /** Things the user must see (first use, an unsigned store allowed): print them to stderr. */
  notes: string[];
}

const PINS_FILE = 'trust-pins.json';

function readPins(stateDir: string): Record<string, StorePin> {
  const p = join(stateDir, PINS_FILE);
  if (!existsSync(p)) return {};
  try {
    const doc = JSON.parse(readFileSync(p, 'utf8')) as { runsafe_trust_pins?: number; stores?: Record<string, StorePin> };
    if (doc.runsafe_trust_pins !== 1 || !doc.stores || typeof doc.stores !== 'object') throw new Error('not a pins file');
    return doc.stores;
  } catch (err) {
    throw new Error(`${p}: unreadable trust store pins (${(err as Error).message}); it records the newest version of each store seen, so it is not ignored`);
  }
}

function writePins(stateDir: string, stores: Record<string, StorePin>): void {
  mkdirSync(stateDir, { recursive: true });
  atomicWrite(join(stateDir, PINS_FILE), `${JSON.stringify({ runsafe_trust_pins: 1, stores }, null, 2)}\n`, 0o644);
}

/**
 * Loads a store for verification. It must pass its own checks: key rotation statements, the
 * root signatures (at least the threshold, none failing), and the rollback pin: a store older
 * than the newest version seen here, or another content under a version seen, is refused, and
 * a newer version is pinned. `allowUnsigned` (demos) loads an unsigned store with a loud note.
 */
export function loadTrust(path: string, o: LoadTrustOptions = {}): LoadedTrust {
  const store = readTrustFile(path);
  const rotation = rotationProblems(store);
  if (rotation.length) throw new Error(`trust store ${path} failed self-verification:\n  ${rotation.join('\n  ')}`);
  const notes: string[] = [];
  const unsigned = storeSignatureProblems(store);
  if (unsigned.length) {
    if (!o.allowUnsigned) throw new Error(`trust store ${path} failed self-verification:\n  ${unsigned.join('\n  ')}\n  (--allow-unsigned-store loads it anyway, for demos only)`);
    notes.push(`WARNING: UNSIGNED TRUST STORE ${path} loaded because of --allow-unsigned-store: ${unsigned.join('; ')}. Whoever can write this file decides every verdict below; never use this for real evidence.`);
    return { store, keys: lookupFor(store), signed: false, notes };
  }
  const stateDir = o.stateDir ?? join(process.cwd(), '.runsafe');
  const pins = readPins(stateDir);
  const decision = checkPin(store, pins[store.store_id!], (o.now ?? new Date()).toISOString());
  if (decision.problem) throw new Error(`trust store ${path} refused: ${decision.problem} (pins: ${join(stateDir, PINS_FILE)})`);
  if (decision.note) notes.push(`${decision.note} (in ${join(stateDir, PINS_FILE)})`);
  if (decision.pin !== pins[store.store_id!]) {
    try {
      writePins(stateDir, { ...pins, [store.store_id!]: decision.pin });
    } catch (err) {
      notes.push(`WARNING: could not record trust store version ${store.version} in ${stateDir} (${(err as Error).message}): rollback to an older version would not be detected here`);
    }
  }
  return { store, keys: lookupFor(store), signed: true, notes };
}

/** Write a sibling temp file, fsync, rename: readers see the old or the new file, never half. */
function atomicWrite(path: string, text: string, mode: number): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

const HEADER = [
  '# Runsafe trust store (schemas/trust-store.schema.json). Entries are never deleted: revoke or rotate.',
  '# Signed by its root keys: change it only with `runsafe trust` (any other edit breaks the signatures).',
].join('\n');

export function writeTrustFile(path: string, store: TrustStore, header = HEADER): void {
  const doc = orderedStore(store);
  const text = path.endsWith('.json') ? `${JSON.stringify(doc, null, 2)}\n` : `${header}\n${stringifyYaml(doc, { lineWidth: 0, aliasDuplicateObjects: false })}`;
  atomicWrite(path, text, 0o644);
}
