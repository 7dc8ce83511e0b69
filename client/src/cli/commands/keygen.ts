// `runsafe keygen`: create an Ed25519 private key file (0600) and print its public key and key id.
import { formatPublicKey } from '../../signing/keys';
import { writeNewKeyFile } from '../../node/key-file';
import { parse } from '../args';
import { EXIT_OK, UsageError, type Command } from '../command';
import { formatOption, writeJson } from '../key-options';

const help = `Usage: runsafe keygen --out <file> [--format text|json]

Creates a new Ed25519 private key: a random 32-byte seed written as base64url
(no padding) to <file>, created with mode 0600. An existing file is never
overwritten. The private key is never printed; the public key and key id are.

Add the public key to a trust store with:
  runsafe trust add trust.yaml --public-key <public key> --name <identity> --role approver --root-key root.key

Exit codes: 0 created, 2 usage error or the file exists / cannot be written.
`;

export const keygenCommand: Command = {
  name: 'keygen',
  help,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { out: { type: 'string', short: 'o' }, format: { type: 'string', default: 'text' } });
    const format = formatOption(values.format);
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    if (!values.out) throw new UsageError('--out <file> is required (the private key is only ever written to a file)');
    const signer = writeNewKeyFile(values.out as string);
    const out = { key_file: values.out, public_key: formatPublicKey(signer.publicKey), key_id: signer.keyId };
    if (format === 'json') writeJson(io, out);
    else io.stdout.write(`wrote private key ${out.key_file} (mode 0600)\npublic key: ${out.public_key}\nkey id:     ${out.key_id}\n`);
    return EXIT_OK;
  },
};
