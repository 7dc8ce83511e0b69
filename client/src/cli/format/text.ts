// Compiler-style text output: `path:line:col severity code message`, the source line, a caret.
import { counts, lineCol, plural, type LintReport } from './report';

export interface TextStyle {
  color: boolean;
}

const ansi = (code: string, on: boolean) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

export function formatText(report: LintReport, style: TextStyle): string {
  const red = ansi('31;1', style.color);
  const yellow = ansi('33;1', style.color);
  const blue = ansi('36;1', style.color);
  const dim = ansi('2', style.color);
  const bold = ansi('1', style.color);
  const out: string[] = [];
  for (const file of report.files) {
    for (const p of file.problems) {
      const { line, column, endLine, endColumn } = lineCol(file, p);
      const sev = p.severity === 'error' ? red('error') : p.severity === 'warning' ? yellow('warning') : blue('info');
      out.push(`${bold(`${file.path}:${line}:${column}`)} ${sev} ${dim(p.code)} ${p.message}`);
      // Tabs would shift the caret; show them as single spaces in both lines.
      const src = file.lines.lineText(line - 1).replace(/\t/g, ' ');
      const shown = src.length > 200 ? `${src.slice(0, 200)}…` : src;
      const gutter = String(line).length;
      const width = endLine === line ? Math.max(1, endColumn - column) : Math.max(1, src.length - column + 1);
      const caretWidth = Math.min(width, Math.max(1, shown.length - column + 2));
      out.push(`${dim(`${String(line)} |`)} ${shown}`);
      out.push(`${' '.repeat(gutter)} ${dim('|')} ${' '.repeat(Math.max(0, column - 1))}${(p.severity === 'error' ? red : p.severity === 'warning' ? yellow : blue)('^'.repeat(caretWidth))}`);
    }
  }
  for (const u of report.unreadable) out.push(`${bold(u.path)} ${red('error')} ${dim('io')} cannot read: ${u.reason}`);
  const c = counts(report);
  const parts = [plural(c.errors, 'error'), plural(c.warnings, 'warning')];
  if (c.infos) parts.push(plural(c.infos, 'info'));
  out.push(`${out.length ? '\n' : ''}${parts.join(', ')} in ${plural(report.files.length, 'file')}${report.unreadable.length ? ` (${plural(report.unreadable.length, 'file')} unreadable)` : ''}${report.baselined ? ` (${plural(report.baselined, 'known finding')} in the baseline not shown)` : ''}`);
  return `${out.join('\n')}\n`;
}
