// Machine-readable JSON output: one object with every file, problem and a summary.
import { counts, lineCol, type LintReport } from './report';

export function formatJson(report: LintReport, version: string): string {
  const doc = {
    tool: 'runsafe',
    version,
    files: report.files.map((f) => ({
      path: f.path,
      problems: f.problems.map((p) => ({
        code: p.code,
        severity: p.severity,
        message: p.message,
        ...lineCol(f, p),
        offset: p.span.start,
        length: p.span.end - p.span.start,
        ...(p.data ? { data: p.data } : {}),
      })),
    })),
    unreadable: report.unreadable,
    summary: { files: report.files.length, ...counts(report) },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
