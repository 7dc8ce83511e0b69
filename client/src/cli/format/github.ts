// GitHub Actions workflow commands: one ::error/::warning/::notice annotation per problem.
import { lineCol, type LintReport } from './report';

/** Escaping per GitHub's workflow command rules (data and property values differ). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const command = { error: 'error', warning: 'warning', info: 'notice' } as const;

export function formatGithub(report: LintReport): string {
  const out: string[] = [];
  for (const f of report.files) {
    for (const p of f.problems) {
      const { line, column, endLine, endColumn } = lineCol(f, p);
      const props = [`file=${escapeProperty(f.path)}`, `line=${line}`, `col=${column}`, `endLine=${endLine}`, `endColumn=${endColumn}`, `title=${escapeProperty(`runsafe ${p.code}`)}`];
      out.push(`::${command[p.severity]} ${props.join(',')}::${escapeData(p.message)}`);
    }
  }
  for (const u of report.unreadable) out.push(`::error file=${escapeProperty(u.path)},title=runsafe io::${escapeData(`cannot read: ${u.reason}`)}`);
  return out.length ? `${out.join('\n')}\n` : '';
}
