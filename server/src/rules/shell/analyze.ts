// Turns a bash syntax tree into the flat analysis rules use: commands, words, redirects, variables, nesting.
import type {
  Assignment,
  Comment,
  Definition,
  DefinitionKind,
  Expansion,
  ExpansionForm,
  Origin,
  Quoting,
  Redirect,
  ShellCommand,
  ShellParse,
  ShellWord,
  Span,
  WordPiece,
} from './types';
import { parseSyntax, type SyntaxNode } from './syntax';
import { decodeAnsiC, decodeDouble, decodeRaw, decodeUnquoted, type Decoded } from './decode';
import { basename, resolveCommand } from './wrappers';
import { applyRedirect, type Streams } from './stdio';
import { joinMapped, wordSource, type MappedText } from './text';

/** Nested shells (`bash -c`, heredocs fed to sh, `$(…)`) deeper than this are not analysed. */
const MAX_NESTING = 12;

const shells = new Set(['bash', 'sh', 'zsh', 'dash', 'ksh', 'ash', 'mksh']);
const dynamicTypes = new Set(['simple_expansion', 'expansion', 'command_substitution', 'process_substitution', 'arithmetic_expansion']);

/** A script being analysed: its text and, for nested scripts, the outer offset of each of its characters. */
interface Frame {
  src: string;
  /** map[i] = offset in the analysed top-level script of src[i]; null at top level. */
  map: number[] | null;
}

interface Ctx {
  frame: Frame;
  streams: Streams;
  stdin: ShellCommand['stdinFrom'];
  origin: Origin;
  parentId: number | null;
  depth: number;
  inTest: boolean;
  capturedInto: string | null;
  /** Inside a function body analysed at a call: the call's arguments, which `$@`, `$*` and `$1`… stand for. */
  positional: ShellWord[] | null;
}

/** A function definition: its body is analysed where the function is called. */
interface FunctionDef {
  body: SyntaxNode;
  frame: Frame;
  calls: number;
}

/** A function body is analysed at no more than this many call sites (then once more, unbound, if never called). */
const MAX_CALLS_PER_FUNCTION = 8;

/** A nested script: its text and, for each character, the offset in the top-level script. */
type NestedText = MappedText;

export function analyzeScript(script: string): ShellParse {
  const a = new Analyzer(maskPlaceholders(script));
  a.run();
  return {
    script,
    commands: a.commands,
    definitions: a.definitions,
    uses: a.uses,
    comments: a.comments,
    hasErrors: a.hasErrors,
    truncated: a.truncated,
  };
}

class Analyzer {
  commands: ShellCommand[] = [];
  definitions: Definition[] = [];
  uses: Expansion[] = [];
  comments: Comment[] = [];
  hasErrors = false;
  truncated = false;
  private readonly functions = new Map<string, FunctionDef>();
  /** The last text assigned to each variable, for commands assembled in a variable (`CMD="aws …"; $CMD`). */
  private readonly assembled = new Map<string, MappedText>();

  constructor(private readonly script: string) {}

  run(): void {
    const top: Ctx = {
      frame: { src: this.script, map: null },
      streams: { out: 'terminal', err: 'terminal' },
      stdin: 'terminal',
      origin: 'top',
      parentId: null,
      depth: 0,
      inTest: false,
      capturedInto: null,
      positional: null,
    };
    if (!this.parseFrame(top)) this.truncated = true;
    // A function nobody calls is still checked once, as written.
    for (const f of this.functions.values()) if (f.calls === 0) this.walk(f.body, { ...top, frame: f.frame, origin: 'function' });
    this.inheritPipes();
  }

  /** Parses the frame's text and walks it; false when the parser is unavailable. */
  private parseFrame(ctx: Ctx): boolean {
    const tree = parseSyntax(ctx.frame.src);
    if (!tree) return false;
    if (tree.hasErrors) this.hasErrors = true;
    this.walk(tree.root, ctx);
    return true;
  }

  // ---- offsets ---------------------------------------------------------------------------

  private off(frame: Frame, o: number): number {
    if (!frame.map) return o;
    return frame.map[Math.min(Math.max(o, 0), frame.map.length - 1)]!;
  }

  private span(frame: Frame, start: number, end: number): Span {
    if (!frame.map) return { start, end };
    const s = this.off(frame, start);
    return { start: s, end: end > start ? this.off(frame, end - 1) + 1 : s };
  }

  private lift(frame: Frame, d: Decoded): number[] {
    return frame.map ? d.map.map((o) => this.off(frame, o)) : d.map;
  }

  private text(ctx: Ctx, n: SyntaxNode): string {
    return ctx.frame.src.slice(n.start, n.end);
  }

  // ---- statements -------------------------------------------------------------------------

  private walk(node: SyntaxNode, ctx: Ctx): void {
    switch (node.type) {
      case 'comment':
        this.comments.push({ text: this.text(ctx, node), span: this.span(ctx.frame, node.start, node.end) });
        return;
      case 'command':
        this.command(node, ctx, []);
        return;
      case 'redirected_statement':
        this.redirected(node, ctx);
        return;
      case 'pipeline':
        this.pipelineNode(node, ctx, []);
        return;
      case 'variable_assignment':
        this.assignment(node, ctx, 'assign', null);
        return;
      case 'declaration_command':
        this.declaration(node, ctx);
        return;
      case 'test_command':
        for (const c of node.children) this.walk(c, { ...ctx, inTest: true });
        return;
      case 'for_statement':
      case 'select_statement':
        this.forLoop(node, ctx);
        return;
      case 'command_substitution':
      case 'process_substitution':
        this.substitution(node, ctx, null);
        return;
      case 'simple_expansion':
      case 'expansion':
        this.expansion(node, ctx, 'unquoted', null, 'other');
        return;
      case 'string':
      case 'raw_string':
      case 'concatenation':
      case 'word':
      case 'ansi_c_string':
      case 'translated_string':
        this.word(node, ctx, null, 'other');
        return;
      case 'heredoc_body':
        return;
      case 'function_definition': {
        const name = node.children.find((c) => c.field === 'name');
        const body = node.children.find((c) => c.field === 'body');
        if (name && body) this.functions.set(this.text(ctx, name), { body, frame: ctx.frame, calls: 0 });
        return;
      }
      default:
        for (const c of node.children) this.walk(c, ctx);
    }
  }

  private redirected(node: SyntaxNode, ctx: Ctx): void {
    const body = node.children.find((c) => c.field === 'body');
    const redirects: SyntaxNode[] = [];
    let tail: SyntaxNode | null = null;
    const continuations: SyntaxNode[] = [];
    for (const r of node.children) {
      if (r.field !== 'redirect') continue;
      redirects.push(r);
      if (r.type !== 'heredoc_redirect') continue;
      // The grammar nests what follows a heredoc operator inside it: more redirects, `| next`, `&& next`.
      for (const c of r.children) {
        if (c.type === 'file_redirect' || c.type === 'herestring_redirect') redirects.push(c);
        else if (c.type === 'pipeline') tail = c;
        else if (c.named && !c.type.startsWith('heredoc_')) continuations.push(c);
      }
    }
    const head = (c: Ctx): void => {
      if (body?.type === 'command') this.command(body, c, redirects);
      else {
        const applied = this.applyRedirects(redirects, c, null);
        for (const h of applied.heredocs) this.heredocBody(h.node, c, null, h.quoted);
        if (body) this.walk(body, { ...c, streams: applied.streams, stdin: applied.stdin });
      }
    };
    if (tail) this.pipelineNode(tail, ctx, [head]);
    else head(ctx);
    for (const c of continuations) this.walk(c, ctx);
  }

  /** Runs the stages of a pipeline node, optionally after leading stages the grammar put outside it. */
  private pipelineNode(node: SyntaxNode, ctx: Ctx, leading: ((c: Ctx) => void)[]): void {
    const stages = [...leading];
    const ops: string[] = leading.map(() => '|');
    for (const c of node.children) {
      if (c.named) {
        if (c.type === 'comment') this.walk(c, ctx);
        else stages.push((sc) => this.walk(c, sc));
      } else if ((c.type === '|' || c.type === '|&') && stages.length > 0) ops[stages.length - 1] = c.type;
    }
    this.pipeline(stages, ops, ctx);
  }

  private pipeline(stages: ((c: Ctx) => void)[], ops: string[], ctx: Ctx): void {
    const heads: number[][] = [];
    stages.forEach((run, i) => {
      const last = i === stages.length - 1;
      const streams: Streams = last ? ctx.streams : { out: 'pipe', err: ops[i] === '|&' ? 'pipe' : ctx.streams.err };
      const before = this.commands.length;
      run({ ...ctx, streams, stdin: i > 0 ? 'pipe' : ctx.stdin });
      heads.push(this.commands.slice(before).filter((c) => c.depth === ctx.depth).map((c) => c.id));
    });
    for (let i = 0; i + 1 < heads.length; i++) {
      for (const id of heads[i]!) this.commands[id]!.pipeTo.push(...heads[i + 1]!);
      for (const id of heads[i + 1]!) this.commands[id]!.pipeFrom.push(...heads[i]!);
    }
  }

  /** Commands of a nested shell whose output is their parent's pipe share the parent's neighbours. */
  private inheritPipes(): void {
    for (const c of this.commands) {
      if (c.parentId === null || !inheritsStreams.has(c.origin)) continue;
      const parent = this.commands[c.parentId]!;
      if (c.stdout === 'pipe' && c.pipeTo.length === 0) c.pipeTo.push(...parent.pipeTo);
      if (c.stdinFrom === 'pipe' && c.pipeFrom.length === 0) c.pipeFrom.push(...parent.pipeFrom);
    }
  }

  /** A command record with the context's streams; callers fill in its words. */
  private newCommand(ctx: Ctx, span: Span): ShellCommand {
    const cmd: ShellCommand = {
      id: this.commands.length,
      span,
      name: null,
      nameSpan: null,
      nameWord: null,
      wrappers: [],
      words: [],
      args: [],
      env: [],
      redirects: [],
      stdout: ctx.streams.out,
      stderr: ctx.streams.err,
      stdinFrom: ctx.stdin,
      pipeFrom: [],
      pipeTo: [],
      capturedInto: ctx.capturedInto,
      origin: ctx.origin,
      parentId: ctx.parentId,
      depth: ctx.depth,
    };
    this.commands.push(cmd);
    return cmd;
  }

  private command(node: SyntaxNode, ctx: Ctx, redirectNodes: SyntaxNode[]): ShellCommand {
    const cmd = this.newCommand(ctx, this.span(ctx.frame, node.start, redirectNodes.reduce((e, r) => Math.max(e, r.end), node.end)));
    const id = cmd.id;
    const inner: Ctx = { ...ctx, parentId: id, inTest: false };
    const ownRedirects = [...node.children.filter((c) => c.type.endsWith('_redirect')), ...redirectNodes];
    for (const c of node.children) {
      if (c.type === 'variable_assignment') cmd.env.push(this.prefixAssignment(c, inner, id));
      else if (c.field === 'name') cmd.words.push(this.word(c.children[0] ?? c, inner, id, 'name'));
      else if (c.field === 'argument') cmd.words.push(this.word(c, inner, id, 'argument'));
      else if (c.type === 'comment') this.walk(c, ctx);
    }
    if (ctx.positional) cmd.words = bindPositional(cmd.words, ctx.positional);
    const resolution = resolveCommand(cmd.words.map((w) => w.value), cmd.words.map(leadingText));
    cmd.wrappers = resolution.wrappers;
    for (const i of resolution.assignmentIndexes) cmd.env.push(wordAssignment(cmd.words[i]!));
    if (resolution.nameIndex >= 0) {
      const nameWord = cmd.words[resolution.nameIndex]!;
      cmd.nameWord = nameWord;
      cmd.nameSpan = nameWord.span;
      cmd.name = nameWord.value === null ? null : basename(nameWord.value);
      cmd.args = cmd.words.slice(resolution.nameIndex + 1);
    }
    const applied = this.applyRedirects(ownRedirects, ctx, id);
    cmd.redirects = applied.records;
    cmd.stdout = applied.streams.out;
    cmd.stderr = applied.streams.err;
    cmd.stdinFrom = applied.stdin;
    if (cmd.name === '[' || cmd.name === 'test' || cmd.name === '[[') {
      for (const w of cmd.args) for (const e of w.expansions) e.inTest = true;
    }
    this.defines(cmd);
    this.nested(cmd, ctx, applied.heredocs);
    this.called(cmd, ctx);
    return cmd;
  }

  /** A call of a function defined in the script, or of a command assembled in a variable: analysed here. */
  private called(cmd: ShellCommand, ctx: Ctx): void {
    if (ctx.depth + 1 > MAX_NESTING) return;
    const inner = (frame: Frame, origin: Origin, positional: ShellWord[] | null): Ctx => ({
      frame,
      streams: { out: cmd.stdout, err: cmd.stderr },
      stdin: cmd.stdinFrom,
      origin,
      parentId: cmd.id,
      depth: ctx.depth + 1,
      inTest: false,
      capturedInto: cmd.capturedInto,
      positional,
    });
    const f = cmd.name !== null && cmd.wrappers.length === 0 ? this.functions.get(cmd.name) : undefined;
    if (f) {
      if (f.calls >= MAX_CALLS_PER_FUNCTION) return;
      f.calls++;
      this.walk(f.body, inner(f.frame, 'function', cmd.args));
      return;
    }
    // `$CMD args` / `${CMD} args`: the words the variable was assembled from, then the arguments.
    const nameWord = cmd.name === null ? cmd.nameWord : null;
    const piece = nameWord && nameWord.pieces.length === 1 ? nameWord.pieces[0]! : null;
    if (!piece || piece.kind !== 'expansion' || piece.quoting !== 'unquoted' || !piece.expansion) return;
    const text = this.assembled.get(piece.expansion.name);
    if (!text) return;
    const at = cmd.words.indexOf(nameWord!);
    const full = joinMapped([text, ...cmd.words.slice(at + 1).map((w) => wordSource(w))]);
    const child = inner({ src: full.text, map: full.map }, 'variable', null);
    if (!this.parseFrame(child)) this.truncated = true;
  }

  /** Definitions made by builtins that take variable names as arguments. */
  private defines(cmd: ShellCommand): void {
    const define = (w: ShellWord, kind: DefinitionKind): void => {
      if (w.value !== null && /^[A-Za-z_][A-Za-z0-9_]*$/.test(w.value)) {
        this.definitions.push({ name: w.value, nameSpan: w.span, kind, value: null, sourceIds: [], commandId: cmd.id });
      }
    };
    const args = cmd.args;
    if (cmd.name === 'read') {
      let named = false;
      for (let i = 0; i < args.length; i++) {
        const v = args[i]!.value;
        if (v !== null && /^-[a-zA-Z]+$/.test(v)) {
          const last = v[v.length - 1]!;
          if ('ptunNdi'.includes(last)) i++;
          else if (last === 'a' && args[i + 1]) {
            define(args[++i]!, 'read');
            named = true;
          }
          continue;
        }
        define(args[i]!, 'read');
        named = true;
      }
      if (!named) this.definitions.push({ name: 'REPLY', nameSpan: cmd.nameSpan ?? cmd.span, kind: 'read', value: null, sourceIds: [], commandId: cmd.id });
    } else if (cmd.name === 'mapfile' || cmd.name === 'readarray') {
      const last = args.filter((w) => !w.value?.startsWith('-')).pop();
      if (last) define(last, 'mapfile');
    } else if (cmd.name === 'printf') {
      const v = args.findIndex((w) => w.value === '-v');
      if (v >= 0 && args[v + 1]) define(args[v + 1]!, 'assign');
    }
  }

  /** Scripts a command runs: `bash -c '…'`, `su -c`, `eval …`, and heredocs fed to a shell. */
  private nested(cmd: ShellCommand, ctx: Ctx, heredocs: { node: SyntaxNode; quoted: boolean }[]): void {
    if (!cmd.name) return;
    const run = (text: NestedText | null, origin: Origin): void => {
      if (!text) return;
      if (ctx.depth + 1 > MAX_NESTING) {
        this.truncated = true;
        return;
      }
      const child: Ctx = {
        frame: { src: text.text, map: text.map },
        streams: { out: cmd.stdout, err: cmd.stderr },
        stdin: origin === 'heredoc-shell' ? 'terminal' : cmd.stdinFrom,
        origin,
        parentId: cmd.id,
        depth: ctx.depth + 1,
        inTest: false,
        capturedInto: cmd.capturedInto,
        positional: null,
      };
      if (!this.parseFrame(child)) this.truncated = true;
    };
    const args = cmd.args;
    const remote = remoteCommand(cmd);
    if (remote) {
      run(joinMapped(remote.map((w) => wordSource(w))), 'remote');
      return;
    }
    if (shells.has(cmd.name)) {
      const c = shellCommandIndex(args);
      if (c >= 0) {
        run(args[c + 1] ? wordSource(args[c + 1]!) : null, 'shell-c');
        return;
      }
      const scriptFile = args.some((w, i) => !w.value?.startsWith('-') && !(i > 0 && (args[i - 1]!.value === '-o' || args[i - 1]!.value === '+o')));
      const doc = heredocs[heredocs.length - 1];
      if (!scriptFile && doc && cmd.stdinFrom === 'heredoc') run(this.heredocScript(doc.node, ctx.frame, doc.quoted), 'heredoc-shell');
    } else if (cmd.name === 'su') {
      const c = args.findIndex((w) => w.value === '-c' || w.value === '--command');
      if (c >= 0 && args[c + 1]) run(wordSource(args[c + 1]!), 'shell-c');
    } else if (cmd.name === 'eval' && args.length > 0) {
      run(joinMapped(args.map((w) => wordSource(w))), 'eval');
    }
  }

  /**
   * The script a shell reads from a heredoc: an unquoted body is first processed by the outer shell
   * (`\$` becomes `$`), a quoted one is read as written.
   */
  private heredocScript(node: SyntaxNode, frame: Frame, quoted: boolean): NestedText | null {
    const body = node.children.find((c) => c.type === 'heredoc_body');
    if (!body) return null;
    const d = quoted ? decodeRaw(frame.src, body.start, body.end) : decodeDouble(frame.src, body.start, body.end, true);
    return { text: d.value, map: this.lift(frame, d) };
  }

  private applyRedirects(nodes: SyntaxNode[], ctx: Ctx, commandId: number | null) {
    let streams = ctx.streams;
    let stdin = ctx.stdin;
    const records: Redirect[] = [];
    const heredocs: { node: SyntaxNode; quoted: boolean }[] = [];
    const inner: Ctx = { ...ctx, parentId: commandId ?? ctx.parentId };
    for (const r of nodes) {
      const span = this.span(ctx.frame, r.start, r.type === 'heredoc_redirect' ? (r.children.find((c) => c.type === 'heredoc_start')?.end ?? r.end) : r.end);
      if (r.type === 'heredoc_redirect') {
        const start = r.children.find((c) => c.type === 'heredoc_start');
        const op = r.children.find((c) => !c.named)?.type ?? '<<';
        const rawDelim = start ? this.text(ctx, start) : '';
        const quoted = /['"\\]/.test(rawDelim);
        heredocs.push({ node: r, quoted });
        records.push({ span, fd: 0, operator: op, target: null, heredoc: this.heredocBody(r, inner, commandId, quoted, rawDelim) });
        stdin = 'heredoc';
        continue;
      }
      const fdNode = r.children.find((c) => c.field === 'descriptor');
      const fd = fdNode ? Number(this.text(ctx, fdNode)) : null;
      const op = r.children.find((c) => !c.named)?.type ?? '>';
      const destNode = r.children.find((c) => c.field === 'destination') ?? r.children.find((c) => c.named && c !== fdNode);
      const context = r.type === 'herestring_redirect' ? 'herestring' : 'redirect';
      const target = destNode ? this.word(destNode, inner, commandId, context) : null;
      if (r.type === 'herestring_redirect') {
        stdin = 'herestring';
        records.push({ span, fd: fd ?? 0, operator: '<<<', target });
        continue;
      }
      const operator = op === '>&' && target?.value === '-' ? '>&-' : op;
      records.push({ span, fd: fd ?? (operator.startsWith('<') ? 0 : 1), operator, target });
      if (operator === '<' || operator === '<>') {
        if ((fd ?? 0) === 0) stdin = target?.value === '/dev/null' ? 'closed' : 'file';
      } else streams = applyRedirect(streams, operator, fd, target?.value ?? null);
    }
    return { streams, stdin, records, heredocs };
  }

  private heredocBody(node: SyntaxNode, ctx: Ctx, commandId: number | null, quoted: boolean, rawDelim = '') {
    const body = node.children.find((c) => c.type === 'heredoc_body');
    const expansions: Expansion[] = [];
    const substitutionIds: number[] = [];
    if (body && !quoted) {
      for (const c of body.children) {
        if (c.type === 'simple_expansion' || c.type === 'expansion') expansions.push(this.expansion(c, ctx, 'heredoc', commandId, 'heredoc'));
        else if (c.type === 'command_substitution') substitutionIds.push(...this.substitution(c, ctx, commandId));
        else if (c.named && c.type !== 'heredoc_content') this.walk(c, ctx);
      }
    }
    return {
      delimiter: rawDelim.replace(/['"\\]/g, ''),
      quoted,
      body: body ? this.text(ctx, body) : '',
      bodySpan: body ? this.span(ctx.frame, body.start, body.end) : this.span(ctx.frame, node.end, node.end),
      expansions,
      substitutionIds,
    };
  }

  private prefixAssignment(node: SyntaxNode, ctx: Ctx, commandId: number): Assignment {
    const nameNode = node.children.find((c) => c.field === 'name') ?? node.children[0]!;
    const valueNode = node.children.find((c) => c.field === 'value');
    return {
      name: variableName(this.text(ctx, nameNode)),
      nameSpan: this.span(ctx.frame, nameNode.start, nameNode.end),
      span: this.span(ctx.frame, node.start, node.end),
      value: valueNode ? this.word(valueNode, ctx, commandId, 'assignment') : null,
      prefix: true,
    };
  }

  private assignment(node: SyntaxNode, ctx: Ctx, kind: DefinitionKind, commandId: number | null): void {
    const nameNode = node.children.find((c) => c.field === 'name') ?? node.children[0]!;
    const valueNode = node.children.find((c) => c.field === 'value');
    const name = variableName(this.text(ctx, nameNode));
    const value = valueNode ? this.word(valueNode, { ...ctx, capturedInto: name }, commandId, 'assignment') : null;
    if (value && value.substitutionIds.length === 0) this.assemble(name, value);
    this.definitions.push({
      name,
      nameSpan: this.span(ctx.frame, nameNode.start, nameNode.end),
      kind,
      value,
      sourceIds: value?.substitutionIds ?? [],
      commandId,
    });
  }

  /** Keeps `CMD="…"` (and `CMD="$CMD more…"`) as text, in case `$CMD` is later run as a command. */
  private assemble(name: string, value: ShellWord): void {
    const parts: MappedText[] = [];
    for (const p of value.pieces) {
      if (p.kind === 'literal') parts.push({ text: p.value, map: [...p.map.slice(0, p.value.length), p.map[p.value.length] ?? p.map[p.value.length - 1]! + 1] });
      else if (p.kind === 'expansion' && p.expansion?.name === name && this.assembled.has(name)) parts.push(this.assembled.get(name)!);
      else parts.push({ text: p.raw, map: [...Array.from({ length: p.raw.length }, (_, k) => Math.min(p.span.start + k, Math.max(p.span.start, p.span.end - 1))), p.span.end] });
    }
    const text = joinMapped(parts, '');
    if (text.text.length > 0 && text.text.length <= 4000 && /\s/.test(text.text.trim())) this.assembled.set(name, text);
    else this.assembled.delete(name);
  }

  private declaration(node: SyntaxNode, ctx: Ctx): void {
    const keyword = node.children.find((c) => !c.named);
    const kw = keyword ? keyword.type : 'declare';
    const kind: DefinitionKind = kw === 'export' ? 'export' : kw === 'local' ? 'local' : kw === 'readonly' ? 'readonly' : 'declare';
    const kwSpan = keyword ? this.span(ctx.frame, keyword.start, keyword.end) : this.span(ctx.frame, node.start, node.start);
    const nameWord: ShellWord = { span: kwSpan, text: kw, value: kw, pieces: [], expansions: [], substitutionIds: [] };
    const cmd = this.newCommand(ctx, this.span(ctx.frame, node.start, node.end));
    const id = cmd.id;
    Object.assign(cmd, { name: kw, nameSpan: kwSpan, nameWord, words: [nameWord] });
    const inner: Ctx = { ...ctx, parentId: id };
    for (const c of node.children) {
      if (c.type === 'variable_assignment') {
        this.assignment(c, inner, kind, id);
        const w = this.wordFromDefinition(c, ctx);
        cmd.words.push(w);
        cmd.args.push(w);
      } else if (c.type === 'variable_name') {
        const span = this.span(ctx.frame, c.start, c.end);
        this.definitions.push({ name: this.text(ctx, c), nameSpan: span, kind, value: null, sourceIds: [], commandId: id });
        const w = this.word(c, inner, id, 'argument');
        cmd.words.push(w);
        cmd.args.push(w);
      } else if (c.named && c.type !== 'comment') {
        const w = this.word(c, inner, id, 'argument');
        cmd.words.push(w);
        cmd.args.push(w);
      }
    }
  }

  /** The whole `NAME=value` text of a declared assignment as a word (its value was analysed already). */
  private wordFromDefinition(node: SyntaxNode, ctx: Ctx): ShellWord {
    const def = this.definitions[this.definitions.length - 1]!;
    const pieces: WordPiece[] = [];
    const nameText = this.text(ctx, node).slice(0, (def.value ? node.children.find((c) => c.field === 'value')!.start : node.end) - node.start);
    const d = decodeRaw(ctx.frame.src, node.start, node.start + nameText.length);
    pieces.push({ kind: 'literal', value: d.value, map: this.lift(ctx.frame, d), quoting: 'unquoted' });
    if (def.value) pieces.push(...def.value.pieces);
    const value = def.value ? (def.value.value === null ? null : nameText + def.value.value) : nameText;
    return {
      span: this.span(ctx.frame, node.start, node.end),
      text: this.text(ctx, node),
      value,
      pieces,
      expansions: def.value?.expansions ?? [],
      substitutionIds: def.value?.substitutionIds ?? [],
    };
  }

  private forLoop(node: SyntaxNode, ctx: Ctx): void {
    for (const c of node.children) {
      if (c.field === 'variable') {
        this.definitions.push({ name: this.text(ctx, c), nameSpan: this.span(ctx.frame, c.start, c.end), kind: 'for', value: null, sourceIds: [], commandId: null });
      } else if (c.field === 'value') this.word(c, ctx, null, 'other');
      else this.walk(c, ctx);
    }
  }

  // ---- words ------------------------------------------------------------------------------

  private word(node: SyntaxNode, ctx: Ctx, commandId: number | null, context: Expansion['context']): ShellWord {
    const pieces: WordPiece[] = [];
    const expansions: Expansion[] = [];
    const substitutionIds: number[] = [];
    this.pieces(node, ctx, commandId, context, 'unquoted', { pieces, expansions, substitutionIds });
    const value = pieces.every((p) => p.kind === 'literal') ? pieces.map((p) => (p as { value: string }).value).join('') : null;
    return { span: this.span(ctx.frame, node.start, node.end), text: this.text(ctx, node), value, pieces, expansions, substitutionIds };
  }

  private pieces(
    node: SyntaxNode,
    ctx: Ctx,
    commandId: number | null,
    context: Expansion['context'],
    quoting: Quoting,
    out: { pieces: WordPiece[]; expansions: Expansion[]; substitutionIds: number[] },
  ): void {
    const src = ctx.frame.src;
    const literal = (d: Decoded, q: Quoting): void => {
      if (d.value.length > 0) out.pieces.push({ kind: 'literal', value: d.value, map: this.lift(ctx.frame, d), quoting: q });
    };
    switch (node.type) {
      case 'raw_string': {
        literal(decodeRaw(src, node.start + 1, Math.max(node.start + 1, node.end - 1)), 'single-literal');
        // `$X` inside single quotes is text; recorded so rules can tell it was deliberately not expanded.
        const inner = src.slice(node.start + 1, node.end - 1);
        for (const m of inner.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
          const s = node.start + 1 + m.index!;
          const nameStart = s + m[0].length - m[1]!.length;
          const e: Expansion = {
            name: m[1]!,
            span: this.span(ctx.frame, s, s + m[0].length),
            nameSpan: this.span(ctx.frame, nameStart, nameStart + m[1]!.length),
            quoting: 'single-literal',
            form: 'plain',
            inTest: ctx.inTest,
            commandId,
            context,
          };
          out.expansions.push(e);
          this.uses.push(e);
        }
        return;
      }
      case 'ansi_c_string':
        literal(decodeAnsiC(src, node.start + 2, Math.max(node.start + 2, node.end - 1)), 'single-literal');
        return;
      case 'string':
      case 'translated_string': {
        let at = node.start + (node.type === 'translated_string' ? 2 : 1);
        const end = Math.max(at, node.end - 1);
        for (const c of node.children) {
          if (!c.named) continue;
          if (c.start > at) literal(decodeDouble(src, at, Math.min(c.start, end)), 'double');
          if (dynamicTypes.has(c.type)) this.dynamic(c, ctx, commandId, context, 'double', out);
          else literal(decodeDouble(src, c.start, Math.min(c.end, end)), 'double');
          at = Math.max(at, c.end);
        }
        if (end > at) literal(decodeDouble(src, at, end), 'double');
        return;
      }
      case 'word':
      case 'number':
      case 'variable_name':
        if (node.children.some((c) => dynamicTypes.has(c.type))) break;
        literal(decodeUnquoted(src, node.start, node.end), quoting);
        return;
      default:
        if (dynamicTypes.has(node.type)) {
          this.dynamic(node, ctx, commandId, context, quoting, out);
          return;
        }
    }
    if (node.children.length === 0) {
      literal(decodeUnquoted(src, node.start, node.end), quoting);
      return;
    }
    // Concatenations and other composite words: their children in order, gaps taken literally.
    let at = node.start;
    for (const c of node.children) {
      if (c.start > at) literal(decodeUnquoted(src, at, c.start), quoting);
      this.pieces(c, ctx, commandId, context, quoting, out);
      at = Math.max(at, c.end);
    }
    if (node.end > at) literal(decodeUnquoted(src, at, node.end), quoting);
  }

  private dynamic(
    node: SyntaxNode,
    ctx: Ctx,
    commandId: number | null,
    context: Expansion['context'],
    quoting: Quoting,
    out: { pieces: WordPiece[]; expansions: Expansion[]; substitutionIds: number[] },
  ): void {
    const span = this.span(ctx.frame, node.start, node.end);
    const raw = this.text(ctx, node);
    if (node.type === 'simple_expansion' || node.type === 'expansion') {
      const e = this.expansion(node, ctx, quoting, commandId, context);
      out.expansions.push(e);
      out.pieces.push({ kind: 'expansion', span, raw, expansion: e, quoting });
    } else if (node.type === 'arithmetic_expansion') {
      for (const c of node.children) this.walk(c, ctx);
      out.pieces.push({ kind: 'arithmetic', span, raw, quoting });
    } else {
      const ids = this.substitution(node, ctx, commandId);
      out.substitutionIds.push(...ids);
      out.pieces.push({ kind: 'substitution', span, raw, commandIds: ids, quoting });
    }
  }

  private expansion(node: SyntaxNode, ctx: Ctx, quoting: Quoting, commandId: number | null, context: Expansion['context']): Expansion {
    const nameNode = findName(node);
    const raw = this.text(ctx, node);
    let name: string;
    let nameSpan: Span;
    if (nameNode) {
      name = this.text(ctx, nameNode);
      nameSpan = this.span(ctx.frame, nameNode.start, nameNode.end);
    } else {
      // `${#}`, `$?`: the special parameter is the text after the sigil.
      name = raw.replace(/^\$\{?#?/, '').replace(/\}$/, '') || '#';
      nameSpan = this.span(ctx.frame, node.start + 1, node.end);
    }
    const e: Expansion = {
      name,
      span: this.span(ctx.frame, node.start, node.end),
      nameSpan,
      quoting,
      form: node.type === 'expansion' ? expansionForm(node, nameNode, ctx.frame.src) : 'plain',
      inTest: ctx.inTest,
      commandId,
      context,
    };
    this.uses.push(e);
    // Defaults and alternatives can hold expansions and substitutions of their own.
    for (const c of node.children) if (c !== nameNode && c.named && c.type !== 'subscript') this.walkOperand(c, ctx, commandId, quoting);
    return e;
  }

  private walkOperand(node: SyntaxNode, ctx: Ctx, commandId: number | null, quoting: Quoting): void {
    if (node.type === 'simple_expansion' || node.type === 'expansion') this.expansion(node, ctx, quoting, commandId, 'other');
    else if (node.type === 'command_substitution' || node.type === 'process_substitution') this.substitution(node, ctx, commandId);
    else for (const c of node.children) this.walkOperand(c, ctx, commandId, quoting);
  }

  private substitution(node: SyntaxNode, ctx: Ctx, commandId: number | null): number[] {
    if (ctx.depth + 1 > MAX_NESTING) {
      this.truncated = true;
      return [];
    }
    const process = node.type === 'process_substitution';
    // `>(cmd)` writes where the shell's stdout goes; `$(cmd)` and `<(cmd)` are read by the shell.
    const writes = process && ctx.frame.src.startsWith('>(', node.start);
    const parentId = commandId ?? ctx.parentId;
    const sub: Ctx = {
      ...ctx,
      streams: writes ? ctx.streams : { out: 'captured', err: ctx.streams.err },
      stdin: 'terminal',
      origin: process ? 'process-substitution' : 'substitution',
      parentId,
      depth: ctx.depth + 1,
      inTest: false,
    };
    const before = this.commands.length;
    for (const c of node.children) if (c.named) this.walk(c, sub);
    return this.commands
      .slice(before)
      .filter((c) => c.depth === sub.depth)
      .map((c) => c.id);
  }
}

function findName(node: SyntaxNode): SyntaxNode | null {
  for (const c of node.children) {
    if (c.type === 'variable_name' || c.type === 'special_variable_name') return c;
    if (c.type === 'subscript') return c.children.find((s) => s.type === 'variable_name') ?? null;
  }
  return null;
}

function expansionForm(node: SyntaxNode, nameNode: SyntaxNode | null, src: string): ExpansionForm {
  const tokens = node.children.filter((c) => !c.named && c.type !== '${' && c.type !== '}');
  const beforeName = nameNode ? tokens.filter((t) => t.end <= nameNode.start) : [];
  const afterName = nameNode ? tokens.filter((t) => t.start >= nameNode.end) : tokens;
  if (beforeName.some((t) => t.type === '#')) return 'length';
  if (beforeName.some((t) => t.type === '!')) return 'indirect';
  const op = afterName[0]?.type ?? (nameNode ? src.slice(nameNode.end, nameNode.end + 2) : '');
  if (op === ':-' || op === '-' || op === ':=' || op === '=') return 'default';
  if (op === ':+' || op === '+') return 'alternative';
  if (op === ':?' || op === '?') return 'required';
  if (op === ':') return 'substring';
  if (op === '}' || op === '' || op === '[') return 'plain';
  return 'transform';
}

/** The literal text a word starts with, before any expansion (`B=` for `B="$X"`). */
function leadingText(w: ShellWord): string {
  let lead = '';
  for (const p of w.pieces) {
    if (p.kind !== 'literal') break;
    lead += p.value;
  }
  return lead;
}

function variableName(text: string): string {
  const bracket = text.indexOf('[');
  return bracket > 0 ? text.slice(0, bracket) : text;
}

/** `env NAME=value` / `sudo NAME=value`: the assignment lives in the word. */
function wordAssignment(w: ShellWord): Assignment {
  const v = w.value ?? leadingText(w);
  const eq = v.indexOf('=');
  return {
    name: v.slice(0, eq),
    nameSpan: { start: w.span.start, end: w.span.start + eq },
    span: w.span,
    value: null,
    prefix: true,
  };
}

/** Index of the word before `-c`'s script in a shell's arguments (`-c`, `-lc`, `-euc`), or -1. */
function shellCommandIndex(args: ShellWord[]): number {
  for (let i = 0; i < args.length; i++) {
    const v = args[i]!.value;
    if (v === null) return -1;
    // `-o pipefail`, `-euo pipefail`: a cluster ending in o takes the next word as an option name.
    if (/^[-+][a-zA-Z]*o$/.test(v)) {
      i++;
      continue;
    }
    if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(v)) return i;
    if (!v.startsWith('-') && !v.startsWith('+')) return -1;
  }
  return -1;
}

/** Nested origins whose commands write where their parent command writes. */
const inheritsStreams = new Set<Origin>(['shell-c', 'heredoc-shell', 'eval', 'function', 'remote', 'variable']);

/**
 * Documentation placeholders such as `<namespace>` or `<app name>` would parse as redirections
 * (`<namespace` reads a file, `>` writes one). Where one stands alone as a word it is masked to
 * `_namespace_` (same length, so every offset stays put) before parsing; heredocs, process
 * substitutions and real redirections (`<in >out`) do not have that shape.
 */
export function maskPlaceholders(script: string): string {
  if (!script.includes('<')) return script;
  return script.replace(/(^|[\s=:,(])<([A-Za-z0-9][^<>\n|;&$`'"(){}\\]{0,60}?[A-Za-z0-9_)\]])>(?=[\s;|&)'"]|$)/gm, (_m, pre: string, inner: string) => `${pre}_${inner.replace(/\s/g, '_')}_`);
}

/** `$@`/`$*` spread the call's arguments; `$1`… stand for one of them (words keep the call site's spans). */
function bindPositional(words: ShellWord[], args: ShellWord[]): ShellWord[] {
  const out: ShellWord[] = [];
  for (const w of words) {
    const e = w.pieces.length === 1 && w.pieces[0]!.kind === 'expansion' ? w.pieces[0]!.expansion : undefined;
    if (e && e.form === 'plain' && (e.name === '@' || e.name === '*')) out.push(...args);
    else if (e && e.form === 'plain' && /^[1-9]$/.test(e.name)) {
      const a = args[Number(e.name) - 1];
      if (a) out.push(a);
    } else out.push(w);
  }
  return out;
}

/** Options of ssh that take a value (`-i key`, `-o Opt=x`, `-p 22`). */
const sshWithArg = 'BbcDEeFIiJLlmOoPpQRSWw';
/** Options of `knife ssh` that take a value (`-C 5`, `-a ipaddress`, `-afqdn`, `-x user`). */
const knifeWithArg = 'CaxPpiGmcFe';
const knifeLongWithArg = ['--concurrency', '--attribute', '--ssh-user', '--ssh-password', '--ssh-port', '--ssh-identity-file', '--identity-file', '--ssh-gateway', '--config', '--exit-on-error'];

/** The words of the command string a remote shell runs: `ssh [opts] host cmd…`, `knife ssh [opts] query cmd…`, `gcloud compute ssh … --command=…`. */
function remoteCommand(cmd: ShellCommand): ShellWord[] | null {
  const args = cmd.args;
  const skip = (start: number, withArg: string, longWithArg: string[] = []): number => {
    let i = start;
    while (i < args.length) {
      const v = args[i]!.value;
      if (v === null || !v.startsWith('-') || v === '-' || v === '--') break;
      if (v.startsWith('--')) i += !v.includes('=') && longWithArg.includes(v) ? 2 : 1;
      else {
        const k = [...v.slice(1)].findIndex((c) => withArg.includes(c));
        i += k >= 0 && k === v.length - 2 ? 2 : 1;
      }
    }
    return i;
  };
  const rest = (from: number): ShellWord[] | null => {
    let i = from;
    if (args[i]?.value === '--') i++;
    return i < args.length ? args.slice(i) : null;
  };
  if (cmd.name === 'ssh') {
    const host = skip(0, sshWithArg);
    return host < args.length ? rest(host + 1) : null;
  }
  if (cmd.name === 'knife' && args[0]?.value === 'ssh') {
    const query = skip(1, knifeWithArg, knifeLongWithArg);
    if (query >= args.length) return null;
    return rest(skip(query + 1, knifeWithArg, knifeLongWithArg));
  }
  if (cmd.name === 'gcloud' && args.some((w) => w.value === 'ssh')) {
    const i = args.findIndex((w) => w.value === '--command' || (w.value ?? w.text).startsWith('--command='));
    if (i < 0) return null;
    const w = args[i]!;
    if (w.value === '--command') return args[i + 1] ? [args[i + 1]!] : null;
    // `--command='…'`: the part after the `=`, as its own word.
    const eq = w.pieces[0]?.kind === 'literal' ? w.pieces[0].value.indexOf('=') : -1;
    if (eq < 0) return null;
    const first = w.pieces[0] as Extract<WordPiece, { kind: 'literal' }>;
    const pieces: WordPiece[] = [{ ...first, value: first.value.slice(eq + 1), map: first.map.slice(eq + 1) }, ...w.pieces.slice(1)];
    return [{ ...w, pieces, value: w.value === null ? null : w.value.slice(w.value.indexOf('=') + 1) }];
  }
  return null;
}
