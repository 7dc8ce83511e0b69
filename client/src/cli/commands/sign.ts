// `runsafe sign <runbook>`: approve a runbook's exact bytes into the detached `<runbook>.sig` file.
import { signRunbookFile } from '../../node/approval-file';
import { loadTrust } from '../../node/trust-file';
import { parse } from '../args';
import { EXIT_OK, UsageError, type Command } from '../command';
import { formatOption, signerFromOptions, writeJson } from '../key-options';

const help = `Usage: runsafe sign <runbook> (--key <file> | --key-env <name>) [--name <identity>]
                    [--trust <trust-file>] [--format text|json]

Approves the runbook: signs the SHA-256 of its exact bytes (DSSE payload type
application/vnd.runsafe.runbook-approval+json) and writes, or extends,
<runbook>.sig beside it. Any later change to the file makes the approval
"modified". A policy may require several distinct approvers: each signs.

  --key <file>       private key file (must not be readable by group/others)
  --key-env <name>   environment variable holding the base64url (or 64-hex) seed
  --name <identity>  the identity recorded in the statement (default: the
                     key's identity in --trust, else its key id); verification
                     always uses the trust store's identity

Exit codes: 0 signed, 2 usage or I/O error (or this key already approved these bytes).
`;

export const signCommand: Command = {
  name: 'sign',
  help,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      key: { type: 'string' },
      'key-env': { type: 'string' },
      name: { type: 'string' },
      trust: { type: 'string' },
      format: { type: 'string', default: 'text' },
    });
    const format = formatOption(values.format);
    if (positionals.length !== 1) throw new UsageError('give exactly one runbook file');
    const signer = signerFromOptions(values, io.env);
    const identity = (values.name as string | undefined) ?? (values.trust ? loadTrust(values.trust as string).keys.byKeyId(signer.keyId)?.entry.identity : undefined) ?? signer.keyId;
    const r = signRunbookFile(positionals[0]!, signer, identity, new Date());
    if (format === 'json') writeJson(io, { signature_file: r.path, runbook_sha256: r.sha256, key_id: signer.keyId, identity, signatures: r.count });
    else io.stdout.write(`approved ${positionals[0]} (SHA-256 ${r.sha256}) as ${identity} (key ${signer.keyId}); ${r.path} holds ${r.count} signature(s)\n`);
    return EXIT_OK;
  },
};
