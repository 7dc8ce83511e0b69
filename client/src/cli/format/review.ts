// `runsafe review` output: text for a terminal, markdown for a pull-request comment, JSON,
// and SARIF / GitHub annotations that carry only the findings new in head.
import { LineIndex } from '../../../../server/src/language/index';
import { policyStatement, summarise, type Statement } from '../../review/summary';
import type { PolicyChange } from '../../review/policy-delta';
import type { RunbookReview } from '../../review/review';
import { mdCode as code, mdText as md } from '../../signing/markdown-text';
import { formatGithub } from './github';
import type { CodeInfo, LintReport } from './report';
import { formatSarif } from './sarif';

export interface ReviewReport {
  /** What was compared: `base..head` commits or two file names. */
  base: string;
  head: string;
  runbooks: RunbookReview[];
  workspace: { path: string; changes: PolicyChange[] }[];
  failing: boolean;
}

/** Where a line of a side lives on the forge, for links in markdown. */
export type LinkFor = (side: 'base' | 'head', path: string, line: number) => string | undefined;

function verdict(r: ReviewReport): string {
  const errors = r.runbooks.reduce((n, x) => n + x.findings.new.filter((f) => f.severity === 'error').length, 0);
  const lowered = r.runbooks.some((x) => x.policyLowered) || r.workspace.some((w) => w.changes.some((c) => c.direction === 'lowered'));
  const why = [errors ? `${errors} new error-level finding${errors === 1 ? '' : 's'}` : '', lowered ? 'the policy is lowered' : ''].filter(Boolean);
  return why.length ? `fails: ${why.join(' and ')}` : 'passes: no new error-level finding, no policy lowered';
}

const count = (n: number, w: string) => `${n} runbook${n === 1 ? '' : 's'} ${w}`;

function workspaceStatements(r: ReviewReport): { path: string; statements: Statement[] }[] {
  return r.workspace.filter((w) => w.changes.length).map((w) => ({ path: w.path, statements: w.changes.map(policyStatement) }));
}

export function formatReviewText(r: ReviewReport): string {
  const out: string[] = [`runsafe review ${r.base}..${r.head}: ${count(r.runbooks.length, 'changed')}; ${verdict(r)}`];
  for (const w of workspaceStatements(r)) {
    out.push('', `${w.path} (workspace policy)`);
    for (const s of w.statements) out.push(`  ${s.level === 'error' ? '!' : '-'} ${s.text}`);
  }
  for (const rb of r.runbooks) {
    const sum = summarise(rb);
    out.push('', `${sum.path}: ${sum.headline}`);
    for (const part of sum.parts) {
      out.push(`  ${part.title}:`);
      for (const s of part.statements) {
        if (s.diff) {
          for (const l of s.diff.removed) out.push(`        - ${l}`);
          for (const l of s.diff.added) out.push(`        + ${l}`);
          continue;
        }
        const mark = s.level === 'error' ? '!' : s.level === 'risk' ? '*' : '-';
        out.push(`    ${mark} ${s.line ? `${s.side === 'base' ? 'base ' : ''}line ${s.line}: ` : ''}${s.text}`);
      }
    }
  }
  return `${out.join('\n')}\n`;
}

/** A fenced block whose fence is longer than any backtick run inside. */
function fence(lang: string, lines: string[]): string[] {
  const longest = Math.max(2, ...lines.map((l) => Math.max(0, ...[...l.matchAll(/`+/g)].map((m) => m[0].length))));
  const f = '`'.repeat(longest + 1);
  return [f + lang, ...lines, f];
}

export function formatReviewMarkdown(r: ReviewReport, link: LinkFor): string {
  const out: string[] = [`## Runsafe review`, '', `${count(r.runbooks.length, 'changed')} between ${code(r.base)} and ${code(r.head)}: **${verdict(r)}**`];
  for (const w of workspaceStatements(r)) {
    out.push('', `### Workspace policy ${code(w.path)}`, '');
    for (const s of w.statements) out.push(`- ${s.level === 'error' ? '**' : ''}${md(s.text)}${s.level === 'error' ? '**' : ''}`);
  }
  for (const rb of r.runbooks) {
    const sum = summarise(rb);
    out.push('', `### ${code(sum.path)}`, '', md(sum.headline));
    for (const part of sum.parts) {
      out.push('', `**${part.title}**`, '');
      for (const s of part.statements) {
        if (s.diff) {
          out.push(...fence('diff', [...s.diff.removed.map((l) => `- ${l}`), ...s.diff.added.map((l) => `+ ${l}`)]).map((l) => `  ${l}`));
          continue;
        }
        const url = s.line ? link(s.side ?? 'head', s.side === 'base' ? (rb.basePath ?? rb.path) : rb.path, s.line) : undefined;
        const at = s.line ? (url ? ` ([line ${s.line}](${url}))` : ` (${s.side === 'base' ? 'base ' : ''}line ${s.line})`) : '';
        const text = s.level === 'error' ? `**${md(s.text)}**` : md(s.text);
        out.push(`- ${s.level === 'risk' ? '⚠ ' : ''}${text}${at}`);
      }
    }
  }
  return `${out.join('\n')}\n`;
}

export function formatReviewJson(r: ReviewReport, version: string): string {
  const runbooks = r.runbooks.map(({ head: _head, ...rest }) => rest);
  return `${JSON.stringify({ tool: 'runsafe', version, base: r.base, head: r.head, failing: r.failing, workspace: r.workspace, runbooks }, null, 2)}\n`;
}

/** Only what is new in head, as a lint report the SARIF and GitHub formatters already render. */
function newFindingsReport(r: ReviewReport): LintReport {
  return {
    files: r.runbooks.flatMap((rb) => (rb.head ? [{ path: rb.path, text: rb.head.text, lines: new LineIndex(rb.head.text), problems: rb.head.problems, fingerprints: rb.head.fingerprints }] : [])),
    unreadable: [],
  };
}

export function formatReviewSarif(r: ReviewReport, version: string, info: (code: string) => CodeInfo): string {
  return formatSarif(newFindingsReport(r), version, info);
}

export function formatReviewGithub(r: ReviewReport): string {
  return formatGithub(newFindingsReport(r));
}
