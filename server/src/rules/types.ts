// The contract between the rule engine and each rule: metadata, a check over the context, findings with fixes.
import type { Span } from '../language/positions';
import type { Step } from '../language/model';
import type { RuleContext } from './context';

export type RuleSeverity = 'error' | 'warning' | 'info';

/** One text replacement in the runbook file; offsets are into the original text. */
export interface TextEdit {
  span: Span;
  newText: string;
}

/**
 * A quick fix computed by the rule. `safe` fixes keep behaviour apart from removing the hazard
 * (`runsafe lint --fix` applies those); the others need a human (editor code actions offer all).
 */
export interface Fix {
  title: string;
  edits: TextEdit[];
  safe: boolean;
}

export interface Finding {
  span: Span;
  message: string;
  /** Overrides the rule's default severity for this finding (e.g. --force-with-lease is a warning). */
  severity?: RuleSeverity;
  fixes?: Fix[];
}

export interface Rule {
  /** Stable kebab-case name: the diagnostic code and the docs page name. */
  name: string;
  severity: RuleSeverity;
  /** Link to the rule's page, docs/rules/<name>.md. */
  docs: string;
  /** One line for listings and SARIF. */
  summary: string;
  check(context: RuleContext): Finding[];
  /**
   * `'step'`: the rule walks `ctx.scripts` and what it finds in a step's scripts depends only on
   * that step's own text, the list it sits in, and the runbook-wide facts of
   * `step-findings.ts#globalFacts` (policy, inputs, secret captures), plus `stepKey`. The engine
   * then checks one step at a time and reuses the findings of unchanged steps after an edit.
   */
  scope?: 'step';
  /** For a step-scoped rule: anything else of the runbook its findings about `step` depend on. */
  stepKey?(context: RuleContext, step: Step): string;
}
