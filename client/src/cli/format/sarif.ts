// SARIF 2.1.0 output for code-scanning tools (GitHub, Azure DevOps, IDE viewers).
import { fingerprintKey } from '../../review/fingerprint';
import { lineCol, type CodeInfo, type LintReport } from './report';

const level = { error: 'error', warning: 'warning', info: 'note' } as const;

/** A relative path as a URI reference (forward slashes, percent-encoded segments). */
function uriOf(path: string): string {
  return path
    .split(/[\\/]/)
    .map((s) => encodeURIComponent(s))
    .join('/');
}

export function formatSarif(report: LintReport, version: string, info: (code: string) => CodeInfo): string {
  const codes = [...new Set(report.files.flatMap((f) => f.problems.map((p) => p.code)))].sort();
  const index = new Map(codes.map((c, i) => [c, i]));
  const results = report.files.flatMap((f) =>
    f.problems.map((p, i) => {
      const { line, column, endLine, endColumn } = lineCol(f, p);
      const fp = f.fingerprints?.[i];
      return {
        ruleId: p.code,
        ruleIndex: index.get(p.code)!,
        level: level[p.severity],
        message: { text: p.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: uriOf(f.path), uriBaseId: '%SRCROOT%' },
              region: { startLine: line, startColumn: column, endLine, endColumn: endColumn > column || endLine > line ? endColumn : column + 1, snippet: { text: f.lines.lineText(line - 1) } },
            },
          },
        ],
        // Code scanning tracks an alert across commits by this, not by its line.
        ...(fp ? { partialFingerprints: { [fingerprintKey]: fp } } : {}),
      };
    }),
  );
  const notifications = report.unreadable.map((u) => ({
    level: 'error' as const,
    message: { text: `cannot read ${u.path}: ${u.reason}` },
    locations: [{ physicalLocation: { artifactLocation: { uri: uriOf(u.path), uriBaseId: '%SRCROOT%' } } }],
  }));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'runsafe',
            version,
            semanticVersion: version,
            informationUri: 'https://github.com/runsafe/runsafe',
            rules: codes.map((c) => {
              const i = info(c);
              return { id: c, name: c, shortDescription: { text: i.summary }, helpUri: i.helpUri };
            }),
          },
        },
        columnKind: 'utf16CodeUnits',
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The directory runsafe lint ran in.' } } },
        results,
        invocations: [{ executionSuccessful: report.unreadable.length === 0, toolExecutionNotifications: notifications }],
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
