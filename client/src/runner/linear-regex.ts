// Regular expressions from runbooks (`expect` matches, input `pattern`) on a linear-time engine (RE2 via re2js): no pattern can hang the runner.
import { RE2JS } from 're2js';

/**
 * A compiled runbook pattern. re2js was picked over the built-in RegExp because V8 backtracks:
 * `^(a+)+$` on 36 `a`s and a `!` runs for minutes and blocks the event loop that watches
 * deadlines and signals. RE2 matches in time linear in the input, and refuses the constructs
 * that need backtracking (backreferences, lookaround) with a syntax error, which we report.
 */
export interface LinearRegex {
  /** Whether the pattern matches anywhere (`^`/`$` at line ends when `multiline`). */
  test(text: string): boolean;
  /** Whether the pattern matches the whole text. */
  whole(text: string): boolean;
}

/** Compiles a runbook pattern, or says (without the subject text) why it cannot be used. */
export function compileLinear(pattern: string, options: { multiline?: boolean } = {}): LinearRegex | { error: string } {
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern, options.multiline ? RE2JS.MULTILINE : 0);
  } catch (err) {
    const message = (err as Error).message || String(err);
    return { error: `invalid regular expression (RE2 syntax, no backreferences or lookaround): ${message}` };
  }
  return {
    test: (text) => re.test(text),
    whole: (text) => re.matches(text),
  };
}
