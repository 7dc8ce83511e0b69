// missing-rollback: a confirmed, state-changing step that names no rollback.
import { docsUrl } from '../../language/docs';
import { stepAnchor } from '../../language/model';
import { mapGet } from '../../language/yaml-tree';
import { confirmed } from '../helpers';
import { stepEffects } from '../step-effects';
import type { Finding, Rule } from '../types';

export const missingRollback: Rule = {
  name: 'missing-rollback',
  docs: docsUrl('missing-rollback'),
  severity: 'warning',
  summary: 'A confirmed, state-changing step has no `rollback`, so a failure leaves the operator without a way back.',
  check(ctx) {
    const out: Finding[] = [];
    for (const step of ctx.runbook.allSteps) {
      if (step.group !== 'steps' || !confirmed(step) || step.rollback.length > 0) continue;
      const change = stepEffects(ctx, step).find((e) => e.reversible);
      if (!change) continue;
      out.push({ span: step.confirm ? step.confirm.node.span : (mapGet(step.node, 'dangerous')?.span ?? stepAnchor(step)), message: `this confirmed step changes the system (${change.why}) but names no \`rollback\` step` });
    }
    return out;
  },
};
