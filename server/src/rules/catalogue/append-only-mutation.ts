// append-only-mutation: UPDATE/DELETE/TRUNCATE/DROP/ALTER of a table that must only ever be appended to.
import { docsUrl } from '../../language/docs';
import { appendOnlyMatch, type AppendOnlyEntry } from '../policy';
import type { Finding, Rule } from '../types';

const mutations = new Set(['UPDATE', 'DELETE', 'TRUNCATE', 'DROP', 'ALTER', 'MERGE']);

export const appendOnlyMutation: Rule = {
  name: 'append-only-mutation',
  docs: docsUrl('append-only-mutation'),
  severity: 'error',
  summary: 'SQL changes or removes rows of an append-only table (ledger, audit trail, hash chain).',
  scope: 'step',
  check(ctx) {
    const out: Finding[] = [];
    for (const info of ctx.scripts) {
      for (const unit of info.sql) {
        for (const st of unit.statements) {
          if (!mutations.has(st.kind)) continue;
          for (const t of st.tables) {
            const entry = t.role === 'target' ? appendOnlyMatch(ctx.policy, t.name, t.schema) : null;
            if (!entry) continue;
            out.push({ span: info.source(unit.span(t.start, t.end)), message: `${st.kind} on append-only table ${t.schema ? `${t.schema}.` : ''}${t.name} (${because(entry)}); history must only be appended to` });
          }
        }
      }
    }
    return out;
  },
};

/** Which policy entry made the table append-only, in the words of the file that holds it. */
function because(e: AppendOnlyEntry): string {
  if (e.origin === 'default') return `built-in default \`${e.glob}\`; a policy entry \`!${e.glob}\` removes it`;
  return e.origin === 'workspace' ? `.runsafe.yaml append_only_tables: \`${e.glob}\`` : `policy.append_only_tables: \`${e.glob}\``;
}
