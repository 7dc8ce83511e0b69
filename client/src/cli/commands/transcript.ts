// `runsafe transcript summary`: verify a transcript and render the markdown attestation operators file.
import { writeFileSync } from 'node:fs';
import { TRANSCRIPT_MAPPING } from '../../signing/chain-mapping';
import { renderAttestation } from '../../signing/attestation';
import { createKeyLookup } from '../../signing/trust-index';
import { trustFromOptions, TRUST_OPTIONS } from '../trust-options';
import { verifyFile } from '../../node/verify-file';
import { readLines } from '../../node/line-reader';
import { parse } from '../args';
import { EXIT_FINDINGS, EXIT_OK, UsageError, type Command } from '../command';

const help = `Usage: runsafe transcript summary <transcript> [--trust <trust-file> [--allow-unsigned-store]] [--out <file.md>]

Verifies the transcript and renders the attestation the reference runbooks ask
operators to file (for example docs/ops/attestation-log/YYYY-MM-DD-….md): date
and time (UTC), runbook and its SHA-256, operator and signing key, inputs
(secrets shown as not recorded), every step with its result and checks, the
outcome, and the verification result (pass/fail with the failing record).

Exit codes: 0 the transcript verified, 1 it did not (the summary still says
why), 2 usage or I/O error.
`;

export const transcriptCommand: Command = {
  name: 'transcript',
  help,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { ...TRUST_OPTIONS, out: { type: 'string', short: 'o' } });
    const [action, file, ...extra] = positionals;
    if (action !== 'summary') throw new UsageError(`expected 'summary', got ${action === undefined ? 'nothing' : `'${action}'`}`);
    if (!file || extra.length) throw new UsageError('give exactly one transcript file');
    const trust = trustFromOptions(values, io, 'transcript');
    const report = await verifyFile(file, { mapping: TRANSCRIPT_MAPPING, keys: trust?.keys ?? createKeyLookup([]) });
    // Second pass for the content: output records are skipped so memory stays small.
    const records: Record<string, unknown>[] = [];
    for await (const line of readLines(file)) {
      try {
        const r = JSON.parse(Buffer.from(line.bytes).toString('utf8')) as Record<string, unknown>;
        if (r && typeof r === 'object' && r['type'] !== 'output') records.push(r);
      } catch {
        // Unreadable records are already findings in the report.
      }
    }
    // A file with no run_start anywhere is not a transcript (a tampered one still has it, so it still gets its FAIL summary).
    if (!records.some((r) => r['type'] === 'run_start')) throw new Error(`${file} is not a runsafe transcript (no run_start record); use runsafe verify for other files`);
    const signers = Object.fromEntries((trust?.store.keys ?? []).map((k) => [k.key_id, k.identity]));
    const md = renderAttestation({ file, records, report, signers });
    if (values.out) writeFileSync(values.out as string, md);
    else io.stdout.write(md);
    return report.verdict === 'verified' ? EXIT_OK : EXIT_FINDINGS;
  },
};
