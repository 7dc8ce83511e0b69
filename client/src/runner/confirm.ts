// Typed-target confirmation of dangerous steps: the operator types the target, or names the step with --confirm.

export type ConfirmOutcome =
  | { ok: true; how: 'flag' | 'typed' }
  | { ok: false; how: 'non-interactive' | 'mismatch' | 'cancelled'; message: string };

export interface ConfirmRequest {
  stepId: string;
  title: string;
  /** What the operator must type: an environment name, an app, or the step id. */
  target: string;
  /** Why the step needs confirming (declared `confirm`, or the rule that flagged it). */
  why: string;
}

/**
 * Confirms a dangerous step. `--confirm <step-id>` confirms in advance; otherwise an
 * interactive operator must type the target exactly. Without a prompt it fails closed.
 */
export async function confirmStep(
  req: ConfirmRequest,
  preconfirmed: ReadonlySet<string>,
  ask: ((req: ConfirmRequest) => Promise<string | undefined>) | undefined,
): Promise<ConfirmOutcome> {
  if (preconfirmed.has(req.stepId)) return { ok: true, how: 'flag' };
  if (!ask) {
    return { ok: false, how: 'non-interactive', message: `step ${req.stepId} needs confirmation (${req.why}); pass --confirm ${req.stepId} to run it non-interactively` };
  }
  const typed = await ask(req);
  if (typed === undefined) return { ok: false, how: 'cancelled', message: `confirmation of ${req.stepId} was cancelled` };
  if (typed.trim() !== req.target) return { ok: false, how: 'mismatch', message: `confirmation of ${req.stepId} failed: the text typed was not ${JSON.stringify(req.target)}` };
  return { ok: true, how: 'typed' };
}
