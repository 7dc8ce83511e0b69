// `runsafe sign <runbook>`: approve a runbook's exact bytes into the detached `<runbook>.sig` file.
import { signRunbookFile } from '../../node/approval-file';
import { trustFromOptions, TRUST_OPTIONS } from '../trust-options';
import { keyStateAt } from '../../signing/trust-index';
import { parse } from '../args';
import { EXIT_OK, UsageError, type Command } from '../command';
import { formatOption, signerFromOptions, writeJson } from '../key-options';

const help = `Usage: runsafe sign <runbook> (--key <file> | --key-env <name>) [--name <identity>]
                    [--trust <trust-file>] [--tsa <url>] [--format text|json]

Approves the runbook: signs its id and the SHA-256 of its exact bytes (DSSE
payload type application/vnd.runsafe.runbook-approval+json) and writes, or
extends, <runbook>.sig beside it. Any later change to the file makes the
approval "modified"; a renamed copy stays approved. A policy may require
several distinct approvers: each signs.

  --key <file>       private key file (must not be readable by group/others)
  --key-env <name>   environment variable holding the base64url (or 64-hex) seed
  --trust <file>     check the key first: it must be in the store, hold the
                     approver role and be valid now; the statement records
                     its identity there
  --name <identity>  needs --trust, and must be the key's identity there
                     (without --trust the statement records the key id;
                     verification always uses the trust store's identity)
  --tsa <url>        time-stamp the signature at this RFC 3161 authority: with
                     its certificate in the trust store (runsafe trust tsa), the
                     key's window is judged at the authority's time and a
                     backdated approved_at is a finding

Exit codes: 0 signed, 2 usage or I/O error, or a key the trust store does not
let approve (or this key already approved these bytes).
`;

export const signCommand: Command = {
  name: 'sign',
  help,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      key: { type: 'string' },
      'key-env': { type: 'string' },
      name: { type: 'string' },
      tsa: { type: 'string' },
      ...TRUST_OPTIONS,
      format: { type: 'string', default: 'text' },
    });
    const format = formatOption(values.format);
    if (positionals.length !== 1) throw new UsageError('give exactly one runbook file');
    const signer = signerFromOptions(values, io.env);
    const name = values.name as string | undefined;
    let identity = signer.keyId;
    if (values.trust !== undefined) {
      const trust = values.trust as string;
      const key = trustFromOptions(values, io, 'sign')!.keys.byKeyId(signer.keyId);
      if (!key) throw new Error(`key ${signer.keyId} is not in ${trust}: add it (runsafe trust add) before approving with it`);
      if (name !== undefined && name !== key.entry.identity) throw new Error(`key ${signer.keyId} belongs to '${key.entry.identity}' in ${trust}, not '${name}': an approval cannot claim another identity`);
      if (!key.entry.roles.includes('approver')) throw new Error(`key ${signer.keyId} (${key.entry.identity}) lacks the approver role in ${trust} (roles: ${key.entry.roles.join(', ')}): its approval would not count`);
      const state = keyStateAt(key, Date.now());
      if (state) throw new Error(`key ${signer.keyId} (${key.entry.identity}) is ${state.replace('key_', '').replace(/_/g, ' ')} now in ${trust}: its approval would not count`);
      identity = key.entry.identity;
    } else if (name !== undefined) {
      throw new UsageError('--name needs --trust: the identity is the key\'s identity in the trust store');
    }
    const r = await signRunbookFile(positionals[0]!, signer, identity, new Date(), { tsa: values.tsa as string | undefined });
    if (format === 'json') writeJson(io, { signature_file: r.path, runbook_sha256: r.sha256, key_id: signer.keyId, identity, signatures: r.count });
    else io.stdout.write(`approved ${positionals[0]} (SHA-256 ${r.sha256}) as ${identity} (key ${signer.keyId})${r.tsa ? ', time-stamped by the TSA' : ''}; ${r.path} holds ${r.count} signature(s)\n`);
    return EXIT_OK;
  },
};
