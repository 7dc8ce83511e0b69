// The shape of a shell analysis: what rules see of a script, with every span an offset into the script text.
import type { Span } from '../../language/positions';

export type { Span };

/** How the shell treats the text around an expansion: only unquoted, double and heredoc contexts expand. */
export type Quoting = 'unquoted' | 'double' | 'single-literal' | 'heredoc';

/**
 * What an expansion yields: the value itself (plain), or something derived from it that does not
 * reveal it (length, a test), or a value that may be a default instead of the variable.
 */
export type ExpansionForm = 'plain' | 'length' | 'default' | 'alternative' | 'required' | 'transform' | 'indirect' | 'substring';

export interface Expansion {
  /** Variable name (`X` for `$X`, `${X:-d}`, `${#X}`); special parameters keep their symbol (`@`, `1`). */
  name: string;
  span: Span;
  nameSpan: Span;
  quoting: Quoting;
  form: ExpansionForm;
  /** The expansion is an operand of `[ … ]`, `[[ … ]]` or `test`: its value is compared, not printed. */
  inTest: boolean;
  /** The command whose word, redirect or heredoc holds it; null for assignments outside a command. */
  commandId: number | null;
  /** Where the expansion sits. */
  context: 'argument' | 'name' | 'assignment' | 'redirect' | 'heredoc' | 'herestring' | 'other';
}

/** One contiguous stretch of decoded literal text, with the source offset of each decoded character. */
export interface LiteralPiece {
  kind: 'literal';
  value: string;
  /** map[i] is the script offset of value[i]; map[value.length] is the offset just past the last source char. */
  map: number[];
  quoting: Quoting;
}

export interface DynamicPiece {
  kind: 'expansion' | 'substitution' | 'arithmetic';
  span: Span;
  /** The source text as written (`$X`, `$(cmd)`), so nested parses can keep it. */
  raw: string;
  expansion?: Expansion;
  /** Ids of the commands inside a `$(…)`, backtick or process substitution. */
  commandIds?: number[];
  quoting: Quoting;
}

export type WordPiece = LiteralPiece | DynamicPiece;

export interface ShellWord {
  span: Span;
  /** Source text as written. */
  text: string;
  /** Decoded value when the word has no expansions or substitutions, else null. */
  value: string | null;
  pieces: WordPiece[];
  /** Variables expanded in the word (not counting those inside nested substitutions). */
  expansions: Expansion[];
  /** Commands run by substitutions inside the word. */
  substitutionIds: number[];
}

export interface Assignment {
  name: string;
  nameSpan: Span;
  span: Span;
  value: ShellWord | null;
  /** True for `VAR=x cmd` and `env VAR=x cmd`: the variable lives only in that command's environment. */
  prefix: boolean;
}

/** Where an output stream of a command ends up. */
export type StreamTarget = 'terminal' | 'null' | 'file' | 'pipe' | 'captured' | 'closed';

export interface Redirect {
  span: Span;
  /** File descriptor redirected (default 0 for input operators, 1 for output operators). */
  fd: number;
  /** `>`, `>>`, `<`, `>&`, `&>`, `&>>`, `<&`, `>|`, `<>`, `<<`, `<<-`, `<<<`. */
  operator: string;
  target: ShellWord | null;
  heredoc?: Heredoc;
}

export interface Heredoc {
  delimiter: string;
  /** `<<'EOF'` or `<<"EOF"` or `<<\EOF`: the body is literal, nothing expands. */
  quoted: boolean;
  body: string;
  bodySpan: Span;
  expansions: Expansion[];
  substitutionIds: number[];
}

/** Why a command exists in the analysis: top level, or nested inside another command. */
/**
 * `function`: a shell function's body analysed where it is called (its `$@`/`$1` bound to the call's
 * arguments); `remote`: the command string of `ssh host '…'` or `knife ssh query '…'`; `variable`: a
 * command assembled in a variable and run as `$CMD`.
 */
export type Origin = 'top' | 'substitution' | 'process-substitution' | 'shell-c' | 'heredoc-shell' | 'eval' | 'function' | 'remote' | 'variable';

export interface ShellCommand {
  id: number;
  span: Span;
  /** Resolved command name: the basename of the first word after wrappers; null when dynamic or absent. */
  name: string | null;
  nameSpan: Span | null;
  /** The name word as written (path kept). */
  nameWord: ShellWord | null;
  /** Wrappers peeled to reach the name, outermost first: `sudo`, `env`, `timeout`, `kubectl exec`… */
  wrappers: string[];
  /** Every word from the first (wrappers included): what `ps` shows. */
  words: ShellWord[];
  /** Arguments after the resolved name. */
  args: ShellWord[];
  /** `VAR=x cmd` prefixes and wrapper assignments (`env VAR=x`, `sudo VAR=x`). */
  env: Assignment[];
  redirects: Redirect[];
  stdout: StreamTarget;
  stderr: StreamTarget;
  /** Stdin is fed by a heredoc, here-string, file or pipe rather than the terminal. */
  stdinFrom: 'terminal' | 'heredoc' | 'herestring' | 'file' | 'pipe' | 'closed';
  /** Commands of the previous and next pipeline stage. */
  pipeFrom: number[];
  pipeTo: number[];
  /** Set when the output is assigned: `X=$(cmd)`. */
  capturedInto: string | null;
  origin: Origin;
  parentId: number | null;
  /** Nesting depth through substitutions and nested shells. */
  depth: number;
}

export type DefinitionKind = 'assign' | 'export' | 'local' | 'declare' | 'readonly' | 'read' | 'for' | 'mapfile';

export interface Definition {
  name: string;
  nameSpan: Span;
  kind: DefinitionKind;
  value: ShellWord | null;
  /** Commands whose output the value captures (`X=$(openssl rand -hex 32)`). */
  sourceIds: number[];
  /** The command that defines it (`read`, `export`…), when there is one. */
  commandId: number | null;
}

export interface Comment {
  text: string;
  span: Span;
}

export interface ShellParse {
  script: string;
  commands: ShellCommand[];
  definitions: Definition[];
  /** Every variable expansion, including those in nested scripts, heredocs and assignments. */
  uses: Expansion[];
  comments: Comment[];
  /** The grammar reported errors or missing tokens: rules should fall back to conservative checks. */
  hasErrors: boolean;
  /** Analysis stopped early (nesting too deep, parser unavailable); results are partial. */
  truncated: boolean;
}
