// `runsafe transcript summary`: verify a transcript and render the markdown attestation operators file.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createHash } from 'node:crypto';
import { dsseEnvelope, runStatement } from '../../signing/intoto';
import { signerFromOptions } from '../key-options';
import { TRANSCRIPT_MAPPING } from '../../signing/chain-mapping';
import { renderAttestation } from '../../signing/attestation';
import { createKeyLookup } from '../../signing/trust-index';
import { trustFromOptions, TRUST_OPTIONS } from '../trust-options';
import { stampTranscript } from '../../node/verify-file';
import { readRecords, verifySegments } from '../../node/verify-run';
import { parse } from '../args';
import { EXIT_FINDINGS, EXIT_OK, UsageError, type Command } from '../command';

const help = `Usage: runsafe transcript summary <transcript> [<next segment> …] [--trust <trust-file> [--allow-unsigned-store]] [--out <file>]
                                [--format markdown|intoto (--key <file> | --key-env <name>)]
       runsafe transcript stamp <transcript> --tsa <url>

Verifies the transcript and renders the attestation the reference runbooks ask
operators to file (for example docs/ops/attestation-log/YYYY-MM-DD-….md): date
and time (UTC), runbook and its SHA-256, operator and signing key, inputs
(secrets shown as not recorded), every step with its result and checks, the
outcome, and the verification result (pass/fail with the failing record).
A resumed run is summarised as one run: give its segments first to last (the
links between them are verified as runsafe verify SEG1 SEG2 … does).

--format intoto writes an in-toto Statement v1 (predicate type
https://runsafe.dev/attestation/run/v1: runbook id and hash, operator, steps,
outcome, verification) in a DSSE envelope signed with --key: any DSSE
verifier checks it with that key's public half.

stamp asks the RFC 3161 time-stamping authority at --tsa for a token over the
SHA-256 of the transcript's signed head and writes it beside it as
<transcript>.tsr; verifiers with that authority's certificate in the trust
store then judge key windows at the authority's time.

Exit codes: 0 the transcript verified (stamp: the token was written), 1 it did
not (the summary still says why), 2 usage or I/O error.
`;

export const transcriptCommand: Command = {
  name: 'transcript',
  help,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { ...TRUST_OPTIONS, out: { type: 'string', short: 'o' }, tsa: { type: 'string' }, format: { type: 'string', default: 'markdown' }, key: { type: 'string' }, 'key-env': { type: 'string' } });
    const [action, file, ...more] = positionals;
    const extra = action === 'summary' ? [] : more;
    if (action !== 'summary' && action !== 'stamp') throw new UsageError(`expected 'summary' or 'stamp', got ${action === undefined ? 'nothing' : `'${action}'`}`);
    if (!file || extra.length) throw new UsageError(action === 'summary' ? 'give a transcript file (or the segments of one run, first to last)' : 'give exactly one transcript file');
    if (values.format !== 'markdown' && values.format !== 'intoto') throw new UsageError(`--format must be markdown or intoto, not '${String(values.format)}'`);
    if (action === 'stamp') {
      if (!values.tsa) throw new UsageError('transcript stamp needs --tsa <url>');
      const out = await stampTranscript(file, values.tsa as string);
      io.stdout.write(`time-stamped the head of ${file}: ${out}\n`);
      return EXIT_OK;
    }
    const trust = trustFromOptions(values, io, 'transcript');
    const files = [file, ...more];
    // Every segment and the links between them (one segment: exactly runsafe verify <file>, plus "is it a later segment alone").
    const report = (await verifySegments(files, { keys: trust?.keys ?? createKeyLookup([]), tsa: trust?.store.tsa ?? [] })).report;
    // Second pass for the content: output records are skipped so memory stays small.
    const records = await readRecords(files);
    // A file with no run_start anywhere is not a transcript (a tampered one still has it, so it still gets its FAIL summary).
    if (!records.some((r) => r['type'] === 'run_start')) throw new Error(`${file} is not a runsafe transcript (no run_start record); use runsafe verify for other files`);
    const signers = Object.fromEntries((trust?.store.keys ?? []).map((k) => [k.key_id, k.identity]));
    let text: string;
    if (values.format === 'intoto') {
      // The operator signs the attestation: a DSSE envelope any DSSE verifier checks with their public key.
      const signer = signerFromOptions(values, io.env);
      const statement = runStatement({ file, records, report, signers, transcriptSha256: createHash('sha256').update(readFileSync(file)).digest('hex'), transcriptName: basename(file) });
      text = `${JSON.stringify(dsseEnvelope(statement, signer), null, 2)}\n`;
    } else text = renderAttestation({ file: files.join(' '), records, report, signers });
    if (values.out) writeFileSync(values.out as string, text);
    else io.stdout.write(text);
    return report.verdict === 'verified' ? EXIT_OK : EXIT_FINDINGS;
  },
};
