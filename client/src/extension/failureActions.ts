// The failure prompt answered from the run view: the view's Retry / Roll Back / Skip / Abort on a
// failed step type the answer into the guarded terminal's pending prompt, so the terminal (and its
// transcript) follow exactly as if the operator had typed it there.
import type { FailureChoice, RunnerPrompts } from '../runner/events';
import type { RunView } from './runView';

/** The keys the guarded terminal's failure prompt takes (runner/terminal-ui.ts). */
const KEYS: Record<FailureChoice, string | undefined> = { retry: 'r', rollback: 'b', skip: 's', abort: 'a', stop: undefined };

interface Pending {
  stepId: string;
  options: FailureChoice[];
  type: (keys: string) => void;
  show: () => void;
}

/** The failure prompt waiting for an answer (one guarded run at a time per window). */
let pending: Pending | undefined;

/**
 * Wraps the terminal's prompts: while its failure prompt waits, the view marks the step as asking
 * (its actions are the options the runner offers, so Skip shows only for a skippable step).
 */
export function withViewFailureActions(base: RunnerPrompts, view: RunView, type: (keys: string) => void, show: () => void): RunnerPrompts {
  const ask = base.failure;
  if (!ask) return base;
  return {
    ...base,
    failure: async (req) => {
      const mine: Pending = { stepId: req.stepId, options: req.options, type, show };
      pending = mine;
      view.askFailure(req.stepId, req.options);
      try {
        return await ask(req);
      } finally {
        if (pending === mine) pending = undefined;
        view.askFailure(req.stepId, undefined);
      }
    },
  };
}

/**
 * Answers the pending failure prompt of `stepId` with `choice`: Ctrl+U clears what the operator
 * may have half typed, then the choice's key and Enter. Says why when nothing was answered.
 */
export function answerFailure(stepId: string | undefined, choice: FailureChoice): string | undefined {
  const p = pending;
  if (!p || (stepId !== undefined && stepId !== p.stepId)) return 'no failure prompt is waiting for that step';
  const key = KEYS[choice];
  if (!key || !p.options.includes(choice)) return `${choice} is not offered for ${p.stepId} (offered: ${p.options.join(', ')})`;
  pending = undefined;
  // What follows (the rollbacks offered one by one) is asked in the terminal: bring it forward.
  p.show();
  p.type(`\x15${key}\r`);
  return undefined;
}

/** The failure prompt waiting now (its step and options), for the quick pick that answers it. */
export function pendingFailure(): { stepId: string; options: FailureChoice[] } | undefined {
  return pending && { stepId: pending.stepId, options: pending.options };
}
