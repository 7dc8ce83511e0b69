// history-rewrite: force pushes, history filters, editing or downgrading applied migrations, re-signing records.
import { docsUrl } from '../../language/docs';
import { addStepKey, argv, commandSpan, confirmed, hasFlag, isCommand } from '../helpers';
import type { ShellCommand } from '../shell/index';
import { tokenizeSql } from '../sql/index';
import type { Span } from '../../language/positions';
import type { Step } from '../../language/model';
import type { RuleContext } from '../context';
import type { Finding, Fix, Rule } from '../types';

const migrationPath = /(^|\/)(migrations?|alembic\/versions|db\/migrate|flyway|changelog)\//;
const editors = new Set(['sed', 'perl', 'ed', 'ex', 'vi', 'vim', 'nvim', 'nano', 'emacs', 'rm', 'mv', 'truncate', 'tee', 'cp', 'patch']);

export const historyRewrite: Rule = {
  name: 'history-rewrite',
  docs: docsUrl('history-rewrite'),
  severity: 'error',
  summary: 'The step rewrites history others rely on: force pushes, filtered repositories, edited migrations, re-signed records.',
  scope: 'step',
  check(ctx) {
    const out: Finding[] = [];
    for (const info of ctx.scripts) {
      for (const c of info.shell?.commands ?? []) {
        const f = judge(c);
        if (!f) continue;
        // A lease push in a confirmed step: the operator is asked whether anyone builds on the branch, which is what the warning asks for.
        if (f.leased && confirmed(info.step)) continue;
        const span = f.word !== undefined ? info.source(c.args[f.word]!.span) : commandSpan(info, c);
        const finding: Finding = { span, message: f.message };
        if (f.severity) finding.severity = f.severity;
        // Only when the file holds the flag as written: a mapping through escapes could edit the wrong characters.
        if (f.word !== undefined && f.lease && ctx.text.slice(span.start, span.end).replace(/[\\"']/g, '') === c.args[f.word]!.value) {
          finding.fixes = [leaseFix(ctx, info.step, span)];
        }
        out.push(finding);
      }
      for (const unit of info.sql) {
        for (const st of unit.statements) {
          if (st.kind !== 'UPDATE') continue;
          const column = assignedColumns(unit.text.slice(st.start, st.end)).find((col) => signatureColumn.test(col.name));
          if (column) out.push({ span: info.source(unit.span(st.start + column.start, st.start + column.end)), message: `rewriting ${column.name} re-signs or re-chains historical records, which replaces the evidence they carry` });
        }
      }
    }
    return out;
  },
};

/**
 * --force becomes --force-with-lease, and an unconfirmed step gets `confirm: true`, so the fixed
 * text is clean (the lease push alone is still a warning); a flow-map step cannot take the new key,
 * and the title says what remains.
 */
function leaseFix(ctx: RuleContext, step: Step, span: Span): Fix {
  const flag = { span, newText: '--force-with-lease' };
  if (confirmed(step)) return { title: 'Use --force-with-lease', edits: [flag], safe: true };
  const confirm = addStepKey(ctx, step, 'confirm', 'true', '');
  if (!confirm) return { title: 'Use --force-with-lease (a warning remains until the step has `confirm: true`)', edits: [flag], safe: true };
  return { title: 'Use --force-with-lease and confirm the step (confirm: true)', edits: [flag, ...confirm.edits], safe: true };
}

/** Columns that carry a record's signature or its place in a hash chain. */
const signatureColumn = /^(sig|sigs|signature|signatures|hash|hash_prev|prev_hash|chain_hash|row_hash|record_hash|event_hash|mac|hmac)$|_(sig|signature|hash|hmac)$/i;

/** The columns an UPDATE assigns (`SET a = …, b = …`), with offsets into the statement text. */
function assignedColumns(sql: string): { name: string; start: number; end: number }[] {
  const tokens = tokenizeSql(sql).filter((t) => t.kind !== 'space' && t.kind !== 'comment');
  const set = tokens.findIndex((t) => t.kind === 'word' && t.value.toUpperCase() === 'SET');
  if (set < 0) return [];
  const out: { name: string; start: number; end: number }[] = [];
  let depth = 0;
  for (let i = set + 1; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'punct' && t.value === '(') depth++;
    else if (t.kind === 'punct' && t.value === ')') depth--;
    else if (depth === 0 && t.kind === 'word' && /^(WHERE|FROM|RETURNING)$/i.test(t.value)) break;
    // `col =` at the top level, or the last part of `alias.col =`.
    const next = tokens[i + 1];
    if (depth === 0 && (t.kind === 'word' || t.kind === 'quoted-ident') && next?.value === '=') out.push({ name: t.kind === 'word' ? t.value.toLowerCase() : t.value, start: t.start, end: t.end });
  }
  return out;
}

interface Verdict {
  message: string;
  word?: number;
  lease?: boolean;
  /** The push already uses a lease: a warning, answered by confirming the step. */
  leased?: boolean;
  severity?: 'warning';
}

/** Commands judged by name below; others can still write a migration file or re-sign by name. */
const tools = new Set(['git', 'git-filter-repo', 'bfg', 'flyway', 'alembic', 'liquibase', 'rails', 'rake', 'migrate', 'dbmate', 'goose', 'knex', 'sequelize', ...editors]);

function judge(c: ShellCommand): Verdict | null {
  const a = argv(c);
  return (c.name !== null && tools.has(c.name) ? byName(c, a) : null) ?? byEffect(c, a);
}

function byName(c: ShellCommand, a: string[]): Verdict | null {
  if (c.name === 'git') {
    const sub = a.find((x) => !x.startsWith('-'));
    if (sub === 'push') {
      const force = a.findIndex((x) => x === '--force' || x === '-f' || (/^-[a-zA-Z]+$/.test(x) && x.includes('f')));
      if (force >= 0) return { message: 'git push --force replaces the remote history; use --force-with-lease at least', word: force, lease: a[force] === '--force' || a[force] === '-f' };
      const mirror = a.indexOf('--mirror');
      if (mirror >= 0) return { message: 'git push --mirror overwrites every remote ref', word: mirror };
      const plus = a.findIndex((x, i) => i > a.indexOf('push') && x.startsWith('+'));
      if (plus >= 0) return { message: `the refspec ${a[plus]} force-updates the remote branch`, word: plus };
      const lease = a.findIndex((x) => x.startsWith('--force-with-lease') || x === '--force-if-includes');
      if (lease >= 0) return { message: 'git push --force-with-lease still rewrites remote history; make sure nobody else builds on it (confirm: true asks the operator)', word: lease, leased: true, severity: 'warning' };
    }
    if (sub === 'filter-branch' || sub === 'filter-repo') return { message: `git ${sub} rewrites every commit it touches` };
    if (sub === 'tag' && hasFlag(c, 'f', '--force')) return { message: 'git tag -f moves an existing tag others may have verified' };
    if (sub === 'replace') return { message: 'git replace swaps commits behind everyone\'s back' };
  }
  if (c.name === 'git-filter-repo' || c.name === 'bfg') return { message: `${c.name} rewrites repository history` };
  if (isCommand(c, 'flyway', 'repair')) return { message: 'flyway repair rewrites the schema history table' };
  if (isCommand(c, 'flyway', 'undo')) return { message: 'flyway undo reverts applied migrations' };
  if (c.name === 'liquibase' && a.some((x) => /^(clear-?checksums|changelog-?sync)/i.test(x))) return { message: 'liquibase checksum or changelog rewrites make applied changesets look different from what ran' };
  if ((c.name === 'knex' && a.some((x) => x === 'migrate:rollback' || x === 'migrate:down')) || (c.name === 'sequelize' && a.some((x) => x.startsWith('db:migrate:undo')))) return { message: 'rolling back applied migrations rewrites schema history' };
  if (isCommand(c, 'alembic', 'downgrade') || isCommand(c, 'alembic', 'stamp')) return { message: `alembic ${a.find((x) => !x.startsWith('-'))} rewrites the applied migration history` };
  if (c.name === 'liquibase' && a.some((x) => x.startsWith('rollback'))) return { message: 'liquibase rollback undoes applied changesets' };
  if ((c.name === 'rails' || c.name === 'rake') && a.some((x) => x === 'db:rollback' || x.startsWith('db:migrate:down'))) return { message: 'rolling back applied migrations rewrites schema history' };
  if ((c.name === 'migrate' || c.name === 'dbmate' || c.name === 'goose') && a.some((x) => x === 'down' || x === 'rollback' || x === 'force')) return { message: `${c.name} ${a.find((x) => x === 'down' || x === 'rollback' || x === 'force')} rewrites the applied migration history` };
  if (c.name && editors.has(c.name)) {
    const target = a.findIndex((x) => migrationPath.test(x));
    if (target >= 0 && (c.name !== 'sed' && c.name !== 'perl' ? true : a.some((x) => /^-[a-zA-Z]*i/.test(x)))) return { message: 'this edits a migration file; applied migrations must never change', word: target };
  }
  return null;
}

function byEffect(c: ShellCommand, a: string[]): Verdict | null {
  for (const r of c.redirects) {
    if ((r.operator === '>' || r.operator === '>>') && r.target?.value && migrationPath.test(r.target.value)) return { message: 'this writes into a migration file; applied migrations must never change' };
  }
  const words = [c.name ?? '', ...a].join(' ');
  if (/sign/i.test(words) && /(^|[\s_./-])re-?sign(ing|ed)?([\s_.-]|$)/i.test(words)) return { message: 're-signing historical records replaces the evidence they carry' };
  return null;
}
