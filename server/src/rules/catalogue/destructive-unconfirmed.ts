// destructive-unconfirmed: a destructive command in a step the operator is not asked to confirm.
import { docsUrl } from '../../language/docs';
import { addStepKey, confirmed } from '../helpers';
import { stepEffects } from '../step-effects';
import type { Finding, Fix, Rule } from '../types';

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
      const destroys = stepEffects(ctx, step).filter((e) => e.destructive);
      if (!destroys.length) continue;
      // A step holding `confirm: false` gets its value flipped rather than a second `confirm` key.
      const existing = step.node.pairs.find((p) => p.key.value === 'confirm');
      const title = 'Ask for confirmation before this step (confirm: true)';
      const fix: Fix | null = existing ? { title, edits: [{ span: existing.value.span, newText: 'true' }], safe: true } : addStepKey(ctx, step, 'confirm', 'true', title);
      for (const e of destroys) out.push({ span: e.span, message: `${e.why}; add \`confirm: true\` to the step`, fixes: fix ? [fix] : [] });
    }
    return out;
  },
};
