// A run written in several transcript segments (a run and its resumes): the links between them, and one verdict for the whole run.
//
// Each segment is a transcript of its own (genesis prev, seq from 0, closed by its own head or cut
// off by a killed run). A resumed segment's run_start names what it continues:
//   "run_id": the run's id (the same in every segment),
//   "segment": n (the first segment is 1; a run_start without it is segment 1),
//   "resumes": { "run_id", "segment": n-1, "file": <base name>, "head": <hex SHA-256 of the previous segment's last line> }
// so the segments verify together only when given complete and in order: a dropped, reordered or
// foreign segment breaks the link, as a dropped or reordered record breaks the hash chain.
import type { Finding, VerificationReport } from './verifier';

type Rec = Record<string, unknown>;

export interface SegmentLink {
  run_id: string;
  segment: number;
  file: string;
  head: string;
}

export interface Segment {
  file: string;
  /** The segment's first record, when it is a run_start. */
  start: Rec | undefined;
  report: VerificationReport;
}

export interface RunVerification {
  /** The whole run's verdict: failed when any segment fails or a link is broken; otherwise the last segment's, with the weakest signing. */
  report: VerificationReport;
  segments: Segment[];
  /** Broken links between segments (HASH_CHAIN_BREACH, index 0 of the segment named in `detail`). */
  links: Finding[];
  runId: string | undefined;
}

/** The `resumes` link of a run_start, when it has a well-formed one. */
export function resumesOf(start: Rec | undefined): SegmentLink | undefined {
  const r = start?.['resumes'] as Rec | undefined;
  if (!r || typeof r !== 'object') return undefined;
  if (typeof r['run_id'] !== 'string' || typeof r['head'] !== 'string' || typeof r['file'] !== 'string' || !Number.isSafeInteger(r['segment'])) return undefined;
  return { run_id: r['run_id'], segment: r['segment'] as number, file: r['file'], head: r['head'] };
}

export function segmentNumber(start: Rec | undefined): number {
  const n = start?.['segment'];
  return Number.isSafeInteger(n) ? (n as number) : 1;
}

function linkFinding(reason: string, file: string, detail: string): Finding {
  return { kind: 'HASH_CHAIN_BREACH', severity: 'critical', reason, index: 0, id: null, detail: `${file}: ${detail}` };
}

/** The links between consecutive segments, in the order given. */
export function checkLinks(segments: Segment[]): Finding[] {
  const out: Finding[] = [];
  const first = segments[0];
  const runId = typeof first?.start?.['run_id'] === 'string' ? (first.start['run_id'] as string) : undefined;
  segments.forEach((s, i) => {
    if (!s.start || s.start['type'] !== 'run_start') {
      out.push(linkFinding('segment_not_a_run', s.file, 'its first record is not a run_start'));
      return;
    }
    const link = resumesOf(s.start);
    const n = segmentNumber(s.start);
    if (i === 0) {
      if (link || n !== 1) out.push(linkFinding('segment_missing', s.file, `it is segment ${n} of run ${String(s.start['run_id'])}, resuming ${link?.file ?? 'an earlier segment'}: give every segment of the run, first to last`));
      return;
    }
    const prev = segments[i - 1]!;
    if (!link) {
      out.push(linkFinding('segment_out_of_order', s.file, `it starts a run of its own (no resumes link), so it cannot follow ${prev.file}`));
      return;
    }
    if (s.start['run_id'] !== runId || link.run_id !== runId) {
      out.push(linkFinding('segment_other_run', s.file, `it belongs to run ${String(s.start['run_id'])}, not ${runId ?? '(no run id)'} of ${first!.file}`));
      return;
    }
    const prevN = segmentNumber(prev.start);
    if (link.head !== prev.report.lastHash || link.segment !== prevN || n !== prevN + 1) {
      out.push(
        linkFinding(
          link.segment === prevN ? 'segment_head_mismatch' : 'segment_missing',
          s.file,
          `segment ${n} resumes segment ${link.segment} (${link.file}) at head ${link.head}; the segment before it here is segment ${prevN} (${prev.file}) ending in ${prev.report.lastHash ?? '(nothing)'}: a segment was dropped, reordered or changed`,
        ),
      );
    }
  });
  return out;
}

/** One report for the whole run: counts and findings of every segment (prefixed with its file) and the links. */
export function verifyRun(segments: Segment[]): RunVerification {
  const links = checkLinks(segments);
  const last = segments.at(-1)!;
  const r: VerificationReport = {
    ...last.report,
    records: 0,
    signed: 0,
    failing: 0,
    admitted: 0,
    rejected: 0,
    counts: {},
    findings: [],
    findingsTruncated: false,
    signers: {},
    firstHashChainBreach: undefined,
    firstSignatureBreach: undefined,
  };
  for (const s of segments) {
    const p = s.report;
    r.records += p.records;
    r.signed += p.signed;
    r.failing += p.failing;
    r.admitted += p.admitted;
    r.rejected += p.rejected;
    r.findingsTruncated ||= p.findingsTruncated;
    for (const [k, n] of Object.entries(p.counts)) r.counts[k] = (r.counts[k] ?? 0) + n;
    for (const [k, n] of Object.entries(p.signers)) r.signers[k] = (r.signers[k] ?? 0) + n;
    for (const f of p.findings) r.findings.push({ ...f, detail: segments.length > 1 ? `${s.file}: ${f.detail}` : f.detail });
    r.firstHashChainBreach ??= p.firstHashChainBreach;
    r.firstSignatureBreach ??= p.firstSignatureBreach;
  }
  for (const f of links) {
    r.findings.push(f);
    r.counts[`${f.kind}:${f.reason}`] = (r.counts[`${f.kind}:${f.reason}`] ?? 0) + 1;
    r.firstHashChainBreach ??= { index: f.index, id: f.id, reason: f.reason };
  }
  // An earlier segment may be unterminated (a killed run that was resumed); any other failure fails the run.
  const earlierFailed = segments.slice(0, -1).some((s) => s.report.verdict === 'failed');
  if (links.length || earlierFailed || last.report.verdict === 'failed') r.verdict = 'failed';
  else if (last.report.verdict === 'unterminated') r.verdict = 'unterminated';
  else if (segments.some((s) => s.report.verdict === 'unsigned' || (s.report.signed === 0 && s.report.records > 0))) r.verdict = r.signed > 0 ? 'failed' : 'unsigned';
  else r.verdict = 'verified';
  if (r.verdict === 'failed' && !links.length && !earlierFailed && last.report.verdict !== 'failed') {
    // Signed and unsigned segments mixed: the unsigned ones prove nothing about who wrote them.
    const f = linkFinding('segment_unsigned', segments.find((s) => s.report.signed === 0)!.file, 'this segment is unsigned while others are signed');
    r.findings.push(f);
    r.counts[`SIGNATURE_BREACH:${f.reason}`] = 1;
    f.kind = 'SIGNATURE_BREACH';
    f.severity = 'high';
    r.firstSignatureBreach ??= { index: 0, id: null, reason: f.reason };
  }
  r.terminated = last.report.terminated;
  r.lastHash = last.report.lastHash;
  const runId = segments[0]?.start?.['run_id'];
  return { report: r, segments, links, runId: typeof runId === 'string' ? runId : undefined };
}
