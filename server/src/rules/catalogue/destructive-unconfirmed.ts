// destructive-unconfirmed: a destructive command in a step the operator is not asked to confirm.
import { docsUrl } from '../../language/docs';
import { addStepKey, confirmed } from '../helpers';
import { stepEffects } from '../step-effects';
import type { Finding, Rule } from '../types';

export const destructiveUnconfirmed: Rule = {
  name: 'destructive-unconfirmed',
  docs: docsUrl('destructive-unconfirmed'),
  severity: 'error',
  summary: 'A destructive command runs in a step without `confirm`, so nothing asks the operator first.',
  check(ctx) {
    const out: Finding[] = [];
    for (const step of ctx.runbook.allSteps) {
      // Rollback steps run only when the operator picks them from the rollback offer (or `--on-failure rollback` says so).
      if (confirmed(step) || step.group === 'rollback') continue;
      const fix = addStepKey(ctx, step, 'confirm', 'true', 'Ask for confirmation before this step (confirm: true)');
      for (const e of stepEffects(ctx, step)) {
        if (e.destructive) out.push({ span: e.span, message: `${e.why}; add \`confirm: true\` to the step`, fixes: fix ? [fix] : [] });
      }
    }
    return out;
  },
};
