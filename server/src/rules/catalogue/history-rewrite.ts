// history-rewrite: force pushes, history filters, editing or downgrading applied migrations, re-signing records.
import { docsUrl } from '../../language/docs';
import { argv, commandSpan, hasFlag, isCommand } from '../helpers';
import type { ShellCommand } from '../shell/index';
import type { Finding, Rule } from '../types';

const migrationPath = /(^|\/)(migrations?|alembic\/versions|db\/migrate|flyway|changelog)\//;
const editors = new Set(['sed', 'perl', 'ed', 'ex', 'vi', 'vim', 'nvim', 'nano', 'emacs', 'rm', 'mv', 'truncate', 'tee', 'cp', 'patch']);

export const historyRewrite: Rule = {
  name: 'history-rewrite',
  docs: docsUrl('history-rewrite'),
  severity: 'error',
  summary: 'The step rewrites history others rely on: force pushes, filtered repositories, edited migrations, re-signed records.',
  check(ctx) {
    const out: Finding[] = [];
    for (const info of ctx.scripts) {
      for (const c of info.shell?.commands ?? []) {
        const f = judge(c);
        if (!f) continue;
        const span = f.word !== undefined ? info.source(c.args[f.word]!.span) : commandSpan(info, c);
        const finding: Finding = { span, message: f.message };
        if (f.severity) finding.severity = f.severity;
        if (f.word !== undefined && f.lease) {
          finding.fixes = [{ title: 'Use --force-with-lease', edits: [{ span, newText: '--force-with-lease' }], safe: true }];
        }
        out.push(finding);
      }
    }
    return out;
  },
};

interface Verdict {
  message: string;
  word?: number;
  lease?: boolean;
  severity?: 'warning';
}

function judge(c: ShellCommand): Verdict | null {
  const a = argv(c);
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
      if (lease >= 0) return { message: 'git push --force-with-lease still rewrites remote history; make sure nobody else builds on it', word: lease, severity: 'warning' };
    }
    if (sub === 'filter-branch' || sub === 'filter-repo') return { message: `git ${sub} rewrites every commit it touches` };
    if (sub === 'tag' && hasFlag(c, 'f', '--force')) return { message: 'git tag -f moves an existing tag others may have verified' };
  }
  if (c.name === 'git-filter-repo' || c.name === 'bfg') return { message: `${c.name} rewrites repository history` };
  if (isCommand(c, 'flyway', 'repair')) return { message: 'flyway repair rewrites the schema history table' };
  if (isCommand(c, 'alembic', 'downgrade') || isCommand(c, 'alembic', 'stamp')) return { message: `alembic ${a.find((x) => !x.startsWith('-'))} rewrites the applied migration history` };
  if (c.name === 'liquibase' && a.some((x) => x.startsWith('rollback'))) return { message: 'liquibase rollback undoes applied changesets' };
  if ((c.name === 'rails' || c.name === 'rake') && a.some((x) => x === 'db:rollback' || x.startsWith('db:migrate:down'))) return { message: 'rolling back applied migrations rewrites schema history' };
  if ((c.name === 'migrate' || c.name === 'dbmate' || c.name === 'goose') && a.some((x) => x === 'down' || x === 'rollback' || x === 'force')) return { message: `${c.name} ${a.find((x) => x === 'down' || x === 'rollback' || x === 'force')} rewrites the applied migration history` };
  if (c.name && editors.has(c.name)) {
    const target = a.findIndex((x) => migrationPath.test(x));
    if (target >= 0 && (c.name !== 'sed' && c.name !== 'perl' ? true : a.some((x) => /^-[a-zA-Z]*i/.test(x)))) return { message: 'this edits a migration file; applied migrations must never change', word: target };
  }
  for (const r of c.redirects) {
    if ((r.operator === '>' || r.operator === '>>') && r.target?.value && migrationPath.test(r.target.value)) return { message: 'this writes into a migration file; applied migrations must never change' };
  }
  const words = [c.name ?? '', ...a].join(' ');
  if (/(^|[\s_./-])re-?sign(ing|ed)?([\s_.-]|$)/i.test(words)) return { message: 're-signing historical records replaces the evidence they carry' };
  return null;
}
