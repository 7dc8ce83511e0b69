// `runsafe trust init|add|revoke|rotate|window|root|sign|list`: a signed trust store; every change is the next version, signed again.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePublicKey, type Signer } from '../../signing/keys';
import { addKey, initTrustStore, revokeKey, rotateKey, setWindow, storeSignatureProblems, verifyTrustStore, type TrustStore } from '../../signing/trust-store';
import { rootSetOf, rotateRoot, signStore } from '../../signing/trust-root';
import { ROLES, type Role } from '../../signing/trust-index';
import { loadTrust, readTrustFile, writeTrustFile } from '../../node/trust-file';
import { readSigner } from '../../node/key-file';
import { parse } from '../args';
import { EXIT_FINDINGS, EXIT_OK, UsageError, type CliIo, type Command } from '../command';
import { formatOption, signerFromOptions, writeJson } from '../key-options';

const help = `Usage:
  runsafe trust init <trust-file> ROOT... [--root-public-key <key>]... [--threshold <n>]
                     [--from <unsigned-store>] [--tsa-cert <pem-file> --tsa-name <name>]
  runsafe trust add <trust-file> --public-key <base64url> --name <identity>
                    --role approver|operator|emitter [--role …]
                    [--valid-from <iso>] [--valid-until <iso>] ROOT...
  runsafe trust revoke <trust-file> <key-id> --reason <text> [--at <iso>] [--compromised] ROOT...
  runsafe trust rotate <trust-file> <key-id> (--old-key <file> | --old-key-env <name>)
                    (--new-key <file> | --new-key-env <name>) ROOT...
  runsafe trust window <trust-file> <key-id> [--valid-from <iso>|none] [--valid-until <iso>|none] ROOT...
  runsafe trust tsa <trust-file> --tsa-cert <pem-file> --tsa-name <name> ROOT...
  runsafe trust root <trust-file> NEW-ROOT... [--new-root-public-key <key>]... [--threshold <n>] ROOT...
  runsafe trust sign <trust-file> ROOT...
  runsafe trust list <trust-file> [--format text|json]

  ROOT is --root-key <file> or --root-key-env <name> (repeatable): root private keys.
  NEW-ROOT is --new-root-key <file> or --new-root-key-env <name> (repeatable).

A trust store (YAML, or JSON when the name ends in .json; schema in
schemas/trust-store.schema.json) lists public keys with an identity, roles
(approver signs runbooks, operator signs transcripts, emitter signs audit
events), a version per identity and a validity window. Like TUF root metadata
it names root keys and a threshold, carries a version number, and is signed by
at least the threshold of root keys over its canonical content. Verifiers
refuse an unsigned, under-signed or tampered store, and one older than the
newest version they have seen (pinned in .runsafe/trust-pins.json).

  init    creates version 1 with the given root keys (threshold default 1),
          signed by the root private keys given; --from takes the keys of an
          unsigned (format 1) store.
  add     adds a key as the next version of its identity. Small-order and
          non-canonical public keys are refused.
  revoke  marks a key revoked from --at (default now) with a reason. Records
          it signed at or after that time fail with key_revoked (retirement).
          --compromised: every signature by the key fails, whatever time it
          claims (a thief can write any time). On a revoked key, --at may move
          earlier, never later.
  rotate  adds the new key as the next version (same identity and roles, valid
          from now), closes the old key's window at now, and records a
          rotation statement signed by both keys. Nothing is deleted.
  window  sets (or with "none" removes) a key's valid_from / valid_until.
  tsa     trusts an RFC 3161 time-stamping authority's certificate (PEM).
  root    replaces the root keys: a root rotation statement signed by the
          threshold of the old root keys and of the new ones.
  sign    adds root signatures to the current version (a threshold above 1:
          each root holder signs in turn).
  list    shows the version, root keys, keys, and checks the store itself.

Every change writes the next version and signs it with the ROOT keys given;
with fewer than the threshold, the file says so until others run trust sign.

Exit codes: 0 ok, 1 list found a problem in the store, 2 usage or I/O error.
`;

function roles(values: Record<string, unknown>): Role[] {
  const raw = ((values.role as string[] | undefined) ?? []).flatMap((r) => r.split(','));
  if (raw.length === 0) throw new UsageError(`--role is required (${ROLES.join(', ')})`);
  for (const r of raw) if (!ROLES.includes(r as Role)) throw new UsageError(`unknown role '${r}'; use ${ROLES.join(', ')}`);
  return raw as Role[];
}

function isoOption(v: unknown, name: string): string | undefined {
  if (v === undefined) return undefined;
  const ms = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}(T|$)/.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(ms)) throw new UsageError(`--${name} must be an ISO 8601 date-time, got '${String(v)}'`);
  return new Date(ms).toISOString();
}

/** Private keys from --<prefix>root-key FILE and --<prefix>root-key-env NAME, both repeatable. */
function rootSigners(values: Record<string, unknown>, env: NodeJS.ProcessEnv, prefix = ''): Signer[] {
  const files = (values[`${prefix}root-key`] as string[] | undefined) ?? [];
  const names = (values[`${prefix}root-key-env`] as string[] | undefined) ?? [];
  return [...files.map((file) => readSigner({ file }, env)), ...names.map((name) => readSigner({ env: name }, env))];
}

function publicKeys(values: Record<string, unknown>, name: string): Uint8Array[] {
  return ((values[name] as string[] | undefined) ?? []).map((k) => parsePublicKey(k));
}

function threshold(values: Record<string, unknown>): number {
  const t = values.threshold;
  if (t === undefined) return 1;
  if (!/^[1-9]\d*$/.test(String(t))) throw new UsageError('--threshold must be a positive integer');
  return Number(t);
}

function tsaEntry(values: Record<string, unknown>): { name: string; certificate: string } | undefined {
  const file = values['tsa-cert'] as string | undefined;
  if (file === undefined) return undefined;
  const name = values['tsa-name'] as string | undefined;
  if (!name) throw new UsageError('--tsa-cert needs --tsa-name <name>');
  const pem = readFileSync(file, 'utf8');
  const m = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem);
  if (!m) throw new Error(`${file}: no PEM certificate in it`);
  return { name, certificate: `${m[0]}\n` };
}

/** Signs the new version with the root keys given and writes it; says how many more signatures it needs. */
function commit(file: string, store: TrustStore, signers: Signer[], io: CliIo): void {
  const signed = signers.length ? signStore(store, signers) : store;
  writeTrustFile(file, signed);
  const missing = storeSignatureProblems(signed);
  if (missing.length) io.stderr.write(`runsafe trust: ${file} version ${signed.version} is NOT yet valid: ${missing.join('; ')}\n`);
}

/** The one problem a version collecting root signatures may have. */
const SHORT = /^signed by \d+ of the \d+ root key\(s\) required/;

/** The store a change starts from: it must verify (signatures and rollback pin) before anyone re-signs it. */
function current(file: string, io: CliIo): TrustStore {
  const store = readTrustFile(file);
  if (store.runsafe_trust === 1) throw new Error(`${file} is an unsigned store (format 1): create a signed one with runsafe trust init <new-file> --from ${file} --root-key …`);
  const under = storeSignatureProblems(store);
  // A version still collecting root signatures may be changed further by its root holders.
  const onlyShort = under.length > 0 && under.every((p) => SHORT.test(p));
  if (onlyShort) return store;
  const loaded = loadTrust(file, { stateDir: join(io.cwd, '.runsafe') });
  for (const n of loaded.notes) io.stderr.write(`runsafe trust: ${n}\n`);
  return loaded.store;
}

function needRoot(signers: Signer[], action: string): void {
  if (signers.length === 0) throw new UsageError(`trust ${action}: give the root keys that sign the next version (--root-key FILE or --root-key-env NAME)`);
}

function list(path: string, format: 'text' | 'json', io: CliIo): number {
  const store = readTrustFile(path);
  const problems = verifyTrustStore(store);
  if (format === 'json') writeJson(io, { ...store, problems });
  else {
    const now = Date.now();
    if (store.root) io.stdout.write(`trust store ${store.store_id} version ${store.version}: root threshold ${store.root.threshold} of ${store.root.keys.map((k) => k.key_id).join(', ')}; signed by ${(store.signatures ?? []).map((s) => s.key_id).join(', ') || 'nobody'}\n`);
    for (const k of store.keys) {
      const state = k.compromised ? `COMPROMISED (revoked ${k.revoked_at}, ${k.revocation_reason ?? ''}): every signature fails` : k.revoked_at ? `revoked ${k.revoked_at} (${k.revocation_reason ?? ''})` : k.valid_until && Date.parse(k.valid_until) < now ? `expired ${k.valid_until}` : k.valid_from && Date.parse(k.valid_from) > now ? `valid from ${k.valid_from}` : 'valid';
      io.stdout.write(`${k.key_id}  ${k.identity} v${k.version}  [${k.roles.join(',')}]  ${state}\n  public key ${k.public_key}${k.valid_from ? `  from ${k.valid_from}` : ''}${k.valid_until ? `  until ${k.valid_until}` : ''}\n`);
    }
    for (const r of store.rotations ?? []) io.stdout.write(`rotation ${r.statement.time}: ${r.statement.identity} v${r.statement.from.version} (${r.statement.from.key_id}) -> v${r.statement.to.version} (${r.statement.to.key_id})\n`);
    for (const r of store.root_rotations ?? []) io.stdout.write(`root rotation at version ${r.statement.version}: ${r.statement.from.keys.map((k) => k.key_id).join(',')} -> ${r.statement.to.keys.map((k) => k.key_id).join(',')} (threshold ${r.statement.to.threshold})\n`);
    for (const t of store.tsa ?? []) io.stdout.write(`time-stamping authority: ${t.name}\n`);
    io.stdout.write(problems.length ? `PROBLEMS:\n  ${problems.join('\n  ')}\n` : `${store.keys.length} key(s); the store verifies (root signatures, ${(store.rotations ?? []).length} rotation statement(s))\n`);
  }
  return problems.length ? EXIT_FINDINGS : EXIT_OK;
}

export const trustCommand: Command = {
  name: 'trust',
  help,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      'public-key': { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string', multiple: true },
      'valid-from': { type: 'string' },
      'valid-until': { type: 'string' },
      reason: { type: 'string' },
      at: { type: 'string' },
      compromised: { type: 'boolean', default: false },
      'old-key': { type: 'string' },
      'old-key-env': { type: 'string' },
      'new-key': { type: 'string' },
      'new-key-env': { type: 'string' },
      'root-key': { type: 'string', multiple: true },
      'root-key-env': { type: 'string', multiple: true },
      'root-public-key': { type: 'string', multiple: true },
      'new-root-key': { type: 'string', multiple: true },
      'new-root-key-env': { type: 'string', multiple: true },
      'new-root-public-key': { type: 'string', multiple: true },
      threshold: { type: 'string' },
      from: { type: 'string' },
      'tsa-cert': { type: 'string' },
      'tsa-name': { type: 'string' },
      format: { type: 'string', default: 'text' },
    });
    const actions = ['init', 'add', 'revoke', 'rotate', 'window', 'tsa', 'root', 'sign', 'list'];
    const [action, file, keyId, ...extra] = positionals;
    if (!action || !actions.includes(action)) throw new UsageError(`expected ${actions.join(', ')}`);
    if (!file) throw new UsageError(`trust ${action}: the trust store file is required`);
    const format = formatOption(values.format);
    const now = new Date().toISOString();
    if (action === 'list') return list(file, format, io);
    const signers = rootSigners(values, io.env);
    const takesKeyId = ['revoke', 'rotate', 'window'].includes(action);
    if (!takesKeyId && keyId !== undefined) throw new UsageError(`unexpected argument '${keyId}'`);
    if (takesKeyId && !keyId) throw new UsageError(`trust ${action}: the key id is required`);
    if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);

    if (action === 'init') {
      if (existsSync(file)) throw new Error(`${file} already exists: a store is created once, then changed version by version`);
      const root = rootSetOf(signers, publicKeys(values, 'root-public-key'), threshold(values));
      const from = values.from ? readTrustFile(values.from as string) : undefined;
      const tsa = tsaEntry(values);
      const base = initTrustStore({ storeId: randomBytes(16).toString('hex'), root, from });
      commit(file, tsa ? { ...base, tsa: [...(base.tsa ?? []), tsa] } : base, signers, io);
      if (format === 'json') writeJson(io, { file, store_id: base.store_id, version: 1, root });
      else io.stdout.write(`created ${file}: trust store ${base.store_id} version 1, root threshold ${root.threshold} of ${root.keys.map((k) => k.key_id).join(', ')}${from ? `, ${from.keys.length} key(s) from ${values.from as string}` : ''}\n`);
      return EXIT_OK;
    }
    if (action === 'sign') {
      needRoot(signers, action);
      const store = readTrustFile(file);
      // Signing adds to signatures that must already hold: never sign over content changed after others signed it.
      const broken = storeSignatureProblems(store).filter((p) => !SHORT.test(p));
      if (broken.length) throw new Error(`${file} cannot be signed: ${broken.join('; ')}`);
      commit(file, store, signers, io);
      io.stdout.write(`signed ${file} version ${store.version} with ${signers.map((s) => s.keyId).join(', ')}\n`);
      return EXIT_OK;
    }
    needRoot(signers, action);
    const store = current(file, io);
    if (action === 'add') {
      if (!values['public-key']) throw new UsageError('--public-key is required');
      if (!values.name) throw new UsageError('--name <identity> is required');
      const { store: next, key } = addKey(store, {
        publicKey: parsePublicKey(values['public-key'] as string),
        identity: values.name as string,
        roles: roles(values),
        now,
        validFrom: isoOption(values['valid-from'], 'valid-from'),
        validUntil: isoOption(values['valid-until'], 'valid-until'),
      });
      commit(file, next, signers, io);
      if (format === 'json') writeJson(io, key);
      else io.stdout.write(`added ${key.key_id} (${key.identity} v${key.version}, ${key.roles.join(',')}) to ${file} (version ${next.version})\n`);
      return EXIT_OK;
    }
    if (action === 'revoke') {
      if (!values.reason) throw new UsageError('--reason <text> is required');
      const at = isoOption(values.at, 'at') ?? now;
      const compromised = values.compromised === true;
      const next = revokeKey(store, keyId!, values.reason as string, at, { compromised });
      commit(file, next, signers, io);
      if (format === 'json') writeJson(io, { key_id: keyId, revoked_at: at, compromised, version: next.version });
      else io.stdout.write(compromised ? `revoked ${keyId} as compromised in ${file} (version ${next.version}): every signature by it now fails, whatever time it claims\n` : `revoked ${keyId} from ${at} in ${file} (version ${next.version})\n`);
      return EXIT_OK;
    }
    if (action === 'window') {
      const bound = (name: string) => (values[name] === 'none' ? null : isoOption(values[name], name));
      if (values['valid-from'] === undefined && values['valid-until'] === undefined) throw new UsageError('give --valid-from and/or --valid-until (an ISO time, or none)');
      const next = setWindow(store, keyId!, { validFrom: bound('valid-from'), validUntil: bound('valid-until') });
      commit(file, next, signers, io);
      io.stdout.write(`set the window of ${keyId} in ${file} (version ${next.version})\n`);
      return EXIT_OK;
    }
    if (action === 'tsa') {
      const tsa = tsaEntry(values);
      if (!tsa) throw new UsageError('--tsa-cert <pem-file> and --tsa-name <name> are required');
      const next = { ...store, tsa: [...(store.tsa ?? []).filter((t) => t.name !== tsa.name), tsa], version: (store.version ?? 0) + 1, signatures: [] };
      commit(file, next, signers, io);
      io.stdout.write(`trusted time-stamping authority ${tsa.name} in ${file} (version ${next.version})\n`);
      return EXIT_OK;
    }
    if (action === 'root') {
      const newSigners = rootSigners(values, io.env, 'new-');
      const to = rootSetOf(newSigners, publicKeys(values, 'new-root-public-key'), threshold(values));
      const next = rotateRoot(store, to, signers, newSigners);
      commit(file, next, newSigners, io);
      io.stdout.write(`rotated the root keys of ${file} (version ${next.version}): threshold ${to.threshold} of ${to.keys.map((k) => k.key_id).join(', ')}; the rotation is signed by the old and the new root keys\n`);
      return EXIT_OK;
    }
    const oldSigner = signerFromOptions(values, io.env, 'old-');
    const newSigner = signerFromOptions(values, io.env, 'new-');
    const { store: next, key } = rotateKey(store, keyId!, oldSigner, newSigner, now);
    commit(file, next, signers, io);
    if (format === 'json') writeJson(io, { from: keyId, to: key.key_id, version: key.version, time: now, store_version: next.version });
    else io.stdout.write(`rotated ${key.identity}: ${keyId} -> ${key.key_id} (v${key.version}) at ${now}; rotation statement signed by both keys (store version ${next.version})\n`);
    return EXIT_OK;
  },
};
