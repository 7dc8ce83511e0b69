// The one list of rules the engine runs, in the order their findings are documented.
import { appendOnlyMutation } from './catalogue/append-only-mutation';
import { brokenReference } from './catalogue/broken-reference';
import { destructiveUnconfirmed } from './catalogue/destructive-unconfirmed';
import { disableSafety } from './catalogue/disable-safety';
import { historyRewrite } from './catalogue/history-rewrite';
import { keyHistoryDeletion } from './catalogue/key-history-deletion';
import { missingRollback } from './catalogue/missing-rollback';
import { secretEcho } from './catalogue/secret-echo';
import { secretInArgv } from './catalogue/secret-in-argv';
import { secretInputUnmarked } from './catalogue/secret-input-unmarked';
import { secretLiteral } from './catalogue/secret-literal';
import { undefinedVariable } from './catalogue/undefined-variable';
import { unverifiedChange } from './catalogue/unverified-change';
import type { Rule } from './types';

export const rules: Rule[] = [
  secretEcho,
  secretLiteral,
  secretInArgv,
  secretInputUnmarked,
  appendOnlyMutation,
  historyRewrite,
  keyHistoryDeletion,
  disableSafety,
  destructiveUnconfirmed,
  unverifiedChange,
  missingRollback,
  undefinedVariable,
  brokenReference,
];

/** Codes reported by the engine about suppression comments; documented like rules. */
export const engineCodes: Record<string, string> = {
  'invalid-suppression': 'A runsafe-ignore comment names no rule, an unknown rule, or gives no reason.',
  'unused-suppression': 'A runsafe-ignore comment suppresses nothing.',
  'policy-loosened': "A runbook's policy.severity tries to go below the workspace floor; it is ignored.",
};

export const ruleNames = new Set(rules.map((r) => r.name));

/** One-line summary of a rule or engine code, for SARIF and listings. */
export function ruleSummary(code: string): string | undefined {
  return rules.find((r) => r.name === code)?.summary ?? engineCodes[code];
}
