// `runsafe trust add|revoke|rotate|list`: manage a trust store file; entries are never deleted.
import { parsePublicKey } from '../../signing/keys';
import { addKey, revokeKey, rotateKey, verifyTrustStore } from '../../signing/trust-store';
import { ROLES, type Role } from '../../signing/trust-index';
import { readTrustFile, writeTrustFile } from '../../node/trust-file';
import { parse } from '../args';
import { EXIT_FINDINGS, EXIT_OK, UsageError, type CliIo, type Command } from '../command';
import { formatOption, signerFromOptions, writeJson } from '../key-options';


const help = `Usage:
  runsafe trust add <trust-file> --public-key <base64url> --name <identity>
                    --role approver|operator|emitter [--role …]
                    [--valid-from <iso>] [--valid-until <iso>]
  runsafe trust revoke <trust-file> <key-id> --reason <text> [--at <iso>] [--compromised]
  runsafe trust rotate <trust-file> <key-id> (--old-key <file> | --old-key-env <name>)
                    (--new-key <file> | --new-key-env <name>)
  runsafe trust list <trust-file> [--format text|json]

A trust store (YAML, or JSON when the name ends in .json; schema in
schemas/trust-store.schema.json) lists public keys with an identity, roles
(approver signs runbooks, operator signs transcripts, emitter signs audit
events), a version per identity and a validity window.

  add     adds a key as the next version of its identity (creates the file).
          Small-order and non-canonical public keys are refused.
  revoke  marks a key revoked from --at (default now) with a reason. Records
          it signed at or after that time fail with key_revoked (retirement).
          --compromised: every signature by the key fails, whatever time it
          claims (a thief can write any time). On a revoked key, --at may move
          earlier, never later.
  rotate  adds the new key as the next version (same identity and roles, valid
          from now), closes the old key's window at now, and records a
          rotation statement signed by both keys. Nothing is deleted: records
          signed inside the old window keep verifying.
  list    shows the keys and checks the store itself (rotation signatures).

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

function list(path: string, format: 'text' | 'json', io: CliIo): number {
  const store = readTrustFile(path);
  const problems = verifyTrustStore(store);
  if (format === 'json') writeJson(io, { keys: store.keys, rotations: store.rotations ?? [], problems });
  else {
    const now = Date.now();
    for (const k of store.keys) {
      const state = k.revoked_at ? `revoked ${k.revoked_at} (${k.revocation_reason ?? ''})` : k.valid_until && Date.parse(k.valid_until) < now ? `expired ${k.valid_until}` : k.valid_from && Date.parse(k.valid_from) > now ? `valid from ${k.valid_from}` : 'valid';
      io.stdout.write(`${k.key_id}  ${k.identity} v${k.version}  [${k.roles.join(',')}]  ${state}\n  public key ${k.public_key}${k.valid_from ? `  from ${k.valid_from}` : ''}${k.valid_until ? `  until ${k.valid_until}` : ''}\n`);
    }
    for (const r of store.rotations ?? []) io.stdout.write(`rotation ${r.statement.time}: ${r.statement.identity} v${r.statement.from.version} (${r.statement.from.key_id}) -> v${r.statement.to.version} (${r.statement.to.key_id})\n`);
    io.stdout.write(problems.length ? `PROBLEMS:\n  ${problems.join('\n  ')}\n` : `${store.keys.length} key(s); the store verifies (${(store.rotations ?? []).length} rotation statement(s))\n`);
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
      format: { type: 'string', default: 'text' },
    });
    const [action, file, keyId, ...extra] = positionals;
    if (!action || !['add', 'revoke', 'rotate', 'list'].includes(action)) throw new UsageError('expected add, revoke, rotate or list');
    if (!file) throw new UsageError(`trust ${action}: the trust store file is required`);
    const format = formatOption(values.format);
    const now = new Date().toISOString();
    if (action === 'list') return list(file, format, io);
    if (action === 'add') {
      if (keyId !== undefined) throw new UsageError(`unexpected argument '${keyId}'`);
      if (!values['public-key']) throw new UsageError('--public-key is required');
      if (!values.name) throw new UsageError('--name <identity> is required');
      const publicKey = parsePublicKey(values['public-key'] as string);
      const { store, key } = addKey(readTrustFile(file, true), {
        publicKey,
        identity: values.name as string,
        roles: roles(values),
        now,
        validFrom: isoOption(values['valid-from'], 'valid-from'),
        validUntil: isoOption(values['valid-until'], 'valid-until'),
      });
      writeTrustFile(file, store);
      if (format === 'json') writeJson(io, key);
      else io.stdout.write(`added ${key.key_id} (${key.identity} v${key.version}, ${key.roles.join(',')}) to ${file}\n`);
      return EXIT_OK;
    }
    if (!keyId) throw new UsageError(`trust ${action}: the key id is required`);
    if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
    if (action === 'revoke') {
      if (!values.reason) throw new UsageError('--reason <text> is required');
      const at = isoOption(values.at, 'at') ?? now;
      const compromised = values.compromised === true;
      writeTrustFile(file, revokeKey(readTrustFile(file), keyId, values.reason as string, at, { compromised }));
      if (format === 'json') writeJson(io, { key_id: keyId, revoked_at: at, compromised });
      else io.stdout.write(compromised ? `revoked ${keyId} as compromised in ${file}: every signature by it now fails, whatever time it claims\n` : `revoked ${keyId} from ${at} in ${file}\n`);
      return EXIT_OK;
    }
    const oldSigner = signerFromOptions(values, io.env, 'old-');
    const newSigner = signerFromOptions(values, io.env, 'new-');
    const { store, key } = rotateKey(readTrustFile(file), keyId, oldSigner, newSigner, now);
    writeTrustFile(file, store);
    if (format === 'json') writeJson(io, { from: keyId, to: key.key_id, version: key.version, time: now });
    else io.stdout.write(`rotated ${key.identity}: ${keyId} -> ${key.key_id} (v${key.version}) at ${now}; rotation statement signed by both keys\n`);
    return EXIT_OK;
  },
};
