// `runsafe verify`: verify a runbook approval, a run transcript or an exported audit chain against a trust store.
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_CHAIN_MAPPING, parseChainMapping, TRANSCRIPT_MAPPING, type ChainMapping } from '../../signing/chain-mapping';
import { createKeyLookup } from '../../signing/trust-index';
import type { VerificationReport } from '../../signing/verifier';
import type { TsaEntry } from '../../signing/trust-store';
import { checkRunbookApprovalTimed } from '../../node/approval-file';
import { trustFromOptions, TRUST_OPTIONS } from '../trust-options';
import { runVerifyJob } from '../../node/verify-worker';
import { fileAttestation } from '../../node/verify-file';
import type { KeyLookup, TrustKey } from '../../signing/trust-index';
import { assertReadableFile, unreadable } from '../../node/file-errors';
import { parse } from '../args';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError, type CliIo, type Command } from '../command';
import { formatOption, writeJson } from '../key-options';
import { detectKind, type VerifyKind } from '../verify-kind';
import { describePg, PG_HELP, PG_OPTIONS, verifyPg } from '../verify-pg';
import { firstRecord, verifySegments } from '../../node/verify-run';
import { checkLinks } from '../../signing/segments';

/** A resumed run: every segment, first to last, and the links between them (dropped, reordered or foreign segments fail). */
async function verifyRunSegments(files: string[], keys: KeyLookup, identities: Record<string, string>, values: Record<string, unknown>, io: CliIo, tsa: TsaEntry[]): Promise<number> {
  for (const f of files) if (detectKind(f).kind !== 'transcript') throw new UsageError(`${f} is not a runsafe transcript: several files verify the segments of one run`);
  const run = await verifySegments(files, { keys, tsa });
  if (values.format === 'json') writeJson(io, { kind: 'run', run_id: run.runId ?? null, verdict: run.report.verdict, links: run.links, segments: run.segments.map((s) => ({ file: s.file, ...s.report })) });
  else {
    io.stdout.write(`run ${run.runId ?? '(no run id)'}: ${run.report.verdict.toUpperCase()}: ${files.length} segments, ${run.report.records} records${run.links.length ? `; ${run.links.length} broken link(s) between segments` : ', each resuming the one before'}\n`);
    for (const f of run.links) io.stdout.write(`  ${f.kind} ${f.reason}: ${f.detail}\n`);
    for (const s of run.segments) io.stdout.write(describeReport('transcript', s.file, s.report, identities).replace(/^/gm, '  ').replace(/ +$/, ''));
  }
  const ok = run.report.verdict === 'verified' || (run.report.verdict === 'unterminated' && values['allow-unterminated'] === true) || (run.report.verdict === 'unsigned' && values['allow-unsigned'] === true);
  return ok ? EXIT_OK : EXIT_FINDINGS;
}

const help = `Usage: runsafe verify <file> [--trust <trust-file> [--allow-unsigned-store]] [--kind runbook|transcript|chain]
       runsafe verify <segment-1> <segment-2> … [--trust <trust-file>]   (a resumed run, first to last)
       runsafe verify --pg <ENV_VAR|url> --table <name> [options below]
                      [--mapping <file>] [--strict] [--quarantine <file>]
                      [--required <n>] [--expect-count <n>] [--expect-head <hash>]
                      [--allow-unterminated] [--allow-unsigned] [--allow-no-domain-separation]
                      [--format text|json]

Verifies, offline, one of:
  runbook     the approvals in <runbook>.sig over the runbook's exact bytes:
              approved (by whom, when) | modified | unapproved | untrusted |
              revoked | expired; --required N distinct approvers (default 1)
  transcript  a run transcript (JSON Lines): hash chain, signatures, key
              validity, and the signed head that closes the run
  chain       an exported audit chain (JSON Lines); --mapping names its fields
The kind is detected from the file when --kind is not given.

Findings carry the index (0-based record number) and id of each failing record:
  HASH_CHAIN_BREACH (critical)  a record was modified, inserted, removed or reordered
  SIGNATURE_BREACH  (high)      invalid_signature | unknown_key | key_revoked |
                                key_expired | key_not_yet_valid | wrong_role |
                                missing_signature (the signature is checked first)
  MALFORMED_RECORD              not JSON, not UTF-8, or not RFC 8785 canonical;
                                record_too_large: over --max-record-bytes
                                (default 16777216, 16 MiB): never read into
                                memory, only hashed, so the chain goes on

  --strict             reject every failing record; with --quarantine FILE the
                       rejected records' exact bytes go to FILE and one JSON
                       line per record (index, id, reasons, offset, sha256) to
                       FILE.reasons.jsonl. Without --strict failing records are
                       admitted and counted per reason.
  --mapping <file>     YAML/JSON: id, prev, sig, kid | (emitter + key_version),
                       time, seq, hash_encoding, signature_encoding (hex |
                       base64url | base64), payload_type, role; defaults:
                       runsafe's audit export (docs/signing.md)
  --allow-no-domain-separation  accept a mapping with payload_type: null
                       (signatures over the bare canonical bytes; reported)
  --expect-count/--expect-head  chains: detect truncation against the count or
                       last-record hash recorded when the chain was exported

The trust store must be signed by its root keys (runsafe trust init) and not
older than the newest version seen here (.runsafe/trust-pins.json);
--allow-unsigned-store loads an unsigned one for demos, with a warning.

Exit codes: 0 verified; 1 verification failed (including an unterminated or
unsigned transcript unless allowed); 2 usage or I/O error (also a trust store
that fails its own checks: unsigned, under-signed, tampered, rolled back; or a
table that cannot be read).
${PG_HELP}`;

function readMapping(path: string, allowNoDomainSeparation: boolean): ChainMapping {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'), { uniqueKeys: true, maxAliasCount: 0 });
  } catch (err) {
    throw new Error(`mapping ${path}: ${(err as Error).message.split('\n')[0]}`);
  }
  try {
    return parseChainMapping(doc, { allowNoDomainSeparation });
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`);
  }
}

function intOption(v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(String(v))) throw new UsageError(`--${name} must be a non-negative integer`);
  return Number(v);
}

function positiveInt(v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(String(v))) throw new UsageError(`--${name} must be a positive integer`);
  return Number(v);
}

export function describeReport(kind: VerifyKind, file: string, r: VerificationReport, identities: Record<string, string>): string {
  const out: string[] = [];
  const who = Object.entries(r.signers).map(([k, n]) => `${identities[k] ?? k} (${k}) ×${n}`).join(', ');
  const head = {
    verified: `VERIFIED: ${r.records} records${r.signed ? `, signed by ${who}` : ''}${kind === 'transcript' ? ', closed by its signed head' : ''}`,
    unsigned: `UNSIGNED: ${r.records} records; the hash chain is intact${kind === 'transcript' ? ' and closed' : ''}, but no record is signed`,
    unterminated: `UNTERMINATED: ${r.records} records verify, but the run has no closing head (a killed run or a truncated file)`,
    failed: r.records === 0 ? 'FAILED: the file holds no records' : `FAILED: ${r.failing} of ${r.records} records fail`,
  }[r.verdict];
  out.push(`${kind} ${file}: ${head}`);
  if (r.signed) out.push(r.time.source === 'tsa' ? `  time: judged at ${r.time.at}, from time-stamping authority ${r.time.tsa}` : "  time: the signers' own claims (no time-stamp token): a signer's clock is a claim");
  if (r.firstHashChainBreach) out.push(`  HASH_CHAIN_BREACH (critical): first at record ${r.firstHashChainBreach.index}${r.firstHashChainBreach.id !== null ? ` (id ${r.firstHashChainBreach.id})` : ''}: ${r.firstHashChainBreach.reason}`);
  if (r.firstSignatureBreach) out.push(`  SIGNATURE_BREACH (high): first at record ${r.firstSignatureBreach.index}${r.firstSignatureBreach.id !== null ? ` (id ${r.firstSignatureBreach.id})` : ''}: ${r.firstSignatureBreach.reason}`);
  for (const f of r.findings) out.push(`  record ${f.index}${f.id !== null ? ` (id ${f.id})` : ''}: ${f.kind} ${f.reason}: ${f.detail}`);
  if (r.findingsTruncated) out.push(`  … ${Object.values(r.counts).reduce((a, b) => a + b, 0) - r.findings.length} more findings (counts below are complete)`);
  if (Object.keys(r.counts).length) out.push(`  counts: ${Object.entries(r.counts).map(([k, n]) => `${k}=${n}`).join(' ')}`);
  if (r.verdict === 'failed' || r.rejected) out.push(r.strict ? `  strict: ${r.rejected} rejected, ${r.admitted} admitted` : `  non-strict: all ${r.admitted} records admitted, ${r.failing} counted as failing`);
  return `${out.join('\n')}\n`;
}

function looksLikeTranscript(file: string): boolean {
  try {
    return existsSync(file) && detectKind(file).kind === 'transcript';
  } catch {
    return false;
  }
}

async function verifyChainLike(kind: 'transcript' | 'chain', file: string, trustKeys: TrustKey[], identities: Record<string, string>, values: Record<string, unknown>, io: CliIo, tsa: TsaEntry[]): Promise<number> {
  if (values.quarantine && !values.strict) throw new UsageError('--quarantine needs --strict (non-strict mode admits failing records)');
  const mapping = kind === 'transcript' ? TRANSCRIPT_MAPPING : values.mapping ? readMapping(values.mapping as string, values['allow-no-domain-separation'] === true) : DEFAULT_CHAIN_MAPPING;
  if (mapping.payloadType === null) io.stderr.write('runsafe verify: WARNING: --allow-no-domain-separation: signatures are checked over the bare canonical bytes, with no payload type; a signature made for another kind of document over the same bytes would verify\n');
  if (kind === 'chain' && looksLikeTranscript(file)) throw new UsageError(`${file} is a runsafe transcript: verify it with --kind transcript (its genesis, seq and closing head are checked), not as a chain`);
  // The time-stamp token is checked here (ASN.1 code stays out of the worker); the chain in the worker.
  const attested = await fileAttestation(file, { mapping, tsa });
  const report = await runVerifyJob({ kind: 'file', path: file, trustKeys, attested, options: {
    mapping,
    strict: values.strict === true,
    quarantine: values.quarantine as string | undefined,
    expectCount: intOption(values['expect-count'], 'expect-count'),
    expectHead: values['expect-head'] as string | undefined,
    tsa,
    maxRecordBytes: positiveInt(values['max-record-bytes'], 'max-record-bytes'),
  } });
  if (values.format === 'json') writeJson(io, { kind, file, ...report });
  else io.stdout.write(describeReport(kind, file, report, identities));
  // A later segment of a resumed run alone is not the run: its earlier segments must come with it.
  const link = kind === 'transcript' ? checkLinks([{ file, start: await firstRecord(file), report }]) : [];
  for (const f of link) if (values.format !== 'json') io.stdout.write(`  ${f.kind} ${f.reason}: ${f.detail}\n`);
  const ok = !link.length && (report.verdict === 'verified' || (report.verdict === 'unterminated' && values['allow-unterminated'] === true) || (report.verdict === 'unsigned' && values['allow-unsigned'] === true));
  return ok ? EXIT_OK : EXIT_FINDINGS;
}

export const verifyCommand: Command = {
  name: 'verify',
  help,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      ...TRUST_OPTIONS,
      kind: { type: 'string' },
      mapping: { type: 'string' },
      strict: { type: 'boolean', default: false },
      quarantine: { type: 'string' },
      required: { type: 'string' },
      'expect-count': { type: 'string' },
      'expect-head': { type: 'string' },
      'allow-unterminated': { type: 'boolean', default: false },
      'allow-unsigned': { type: 'boolean', default: false },
      'allow-no-domain-separation': { type: 'boolean', default: false },
      format: { type: 'string', default: 'text' },
      'max-record-bytes': { type: 'string' },
      ...PG_OPTIONS,
    });
    formatOption(values.format);
    positiveInt(values['max-record-bytes'], 'max-record-bytes');
    const pg = values.pg !== undefined;
    const pgOnly = Object.keys(PG_OPTIONS).find((k) => k !== 'pg' && values[k] !== undefined);
    if (!pg && pgOnly) throw new UsageError(`--${pgOnly} needs --pg (a table to verify)`);
    if (pg && positionals.length) throw new UsageError('give a file to verify or --pg, not both');
    if (pg && values.kind !== undefined && values.kind !== 'chain') throw new UsageError('--pg verifies an audit chain (--kind chain)');
    if (!pg && positionals.length === 0) throw new UsageError('give a file to verify (or several segments of one run, or --pg for a table)');
    if (!pg) {
      for (const file of positionals) {
        try {
          assertReadableFile(file);
        } catch (err) {
          io.stderr.write(`runsafe verify: ${unreadable(file, err)}\n`);
          return EXIT_USAGE;
        }
      }
    }
    if (positionals.length > 1 && (values.strict || values.quarantine || values['expect-count'] !== undefined || values['expect-head'] !== undefined || (values.kind !== undefined && values.kind !== 'transcript'))) throw new UsageError('several files are the segments of one run: --strict, --quarantine, --expect-* and --kind other than transcript take one file');
    if (values.kind !== undefined && !['runbook', 'transcript', 'chain'].includes(values.kind as string)) throw new UsageError('--kind must be runbook, transcript or chain');
    const detected = pg ? { kind: 'chain' as VerifyKind, path: '' } : values.kind ? { kind: values.kind as VerifyKind, path: positionals[0]! } : detectKind(positionals[0]!);
    const trust = trustFromOptions(values, io, 'verify');
    const keys = trust?.keys ?? createKeyLookup([]);
    const identities = Object.fromEntries((trust?.store.keys ?? []).map((k) => [k.key_id, k.identity]));
    if (!trust) io.stderr.write('runsafe verify: no --trust given: no signature can be trusted\n');
    if (positionals.length > 1) return verifyRunSegments(positionals, keys, identities, values, io, trust?.store.tsa ?? []);
    if (pg) {
      const mapping = values.mapping ? readMapping(values.mapping as string, values['allow-no-domain-separation'] === true) : DEFAULT_CHAIN_MAPPING;
      return verifyPg(values, { mapping, trustKeys: trust?.store.keys ?? [], expectCount: intOption(values['expect-count'], 'expect-count') }, io, (name, r) => describeReport('chain', name, r, identities) + describePg(r, values));
    }
    if (detected.kind !== 'runbook') return verifyChainLike(detected.kind, detected.path, trust?.store.keys ?? [], identities, values, io, trust?.store.tsa ?? []);
    const required = intOption(values.required, 'required') ?? 1;
    const r = await checkRunbookApprovalTimed(detected.path, keys, trust?.store.tsa ?? [], required);
    if (values.format === 'json') writeJson(io, { kind: 'runbook', file: detected.path, ...r });
    else {
      io.stdout.write(`runbook ${detected.path}: ${r.verdict.toUpperCase()}: ${r.summary}\n  SHA-256 ${r.runbookSha256}\n`);
      for (const e of r.entries) io.stdout.write(`  signature ${e.index}: ${e.identity || '?'} (${e.keyId}) at ${e.approvedAt}: ${e.status}: ${e.detail}\n`);
    }
    return r.verdict === 'approved' ? EXIT_OK : EXIT_FINDINGS;
  },
};
