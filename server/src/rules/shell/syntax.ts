// Holds the tree-sitter bash parser and turns its trees into plain objects the analysis can walk.
import { Parser, Language, type Tree } from 'web-tree-sitter';

/** A syntax node copied out of WebAssembly memory, so walking it costs no calls into the parser. */
export interface SyntaxNode {
  type: string;
  named: boolean;
  /** Field name in the parent (`name`, `argument`, `redirect`, `body`…), if any. */
  field: string | null;
  start: number;
  end: number;
  children: SyntaxNode[];
  missing: boolean;
}

export interface SyntaxTree {
  root: SyntaxNode;
  hasErrors: boolean;
}

let parser: Parser | null = null;
let pending: Promise<void> | null = null;
/** Type names, namedness and field names by id, read once: per-node string reads from wasm are slow. */
let typeNames: string[] = [];
let typeNamed: boolean[] = [];
let fieldNames: (string | null)[] = [];

/** The wasm bytes of the tree-sitter runtime and of the bash grammar; adapters read them from disk. */
export interface ShellWasm {
  treeSitter: Uint8Array;
  bash: Uint8Array;
}

/**
 * Loads the parser once per process. Adapters (CLI, language server, tests) call it before the first
 * lint; every later parse is synchronous so rules stay synchronous too.
 */
export function initShell(wasm: ShellWasm): Promise<void> {
  if (parser) return Promise.resolve();
  pending ??= (async () => {
    await Parser.init({ wasmBinary: wasm.treeSitter } as never);
    const bash = await Language.load(wasm.bash);
    const p = new Parser();
    p.setLanguage(bash);
    for (let id = 0; id < bash.nodeTypeCount; id++) {
      typeNames.push(bash.nodeTypeForId(id) ?? '');
      typeNamed.push(bash.nodeTypeIsNamed(id));
    }
    fieldNames = [null, ...Array.from({ length: bash.fieldCount }, (_, i) => bash.fieldNameForId(i + 1))];
    parser = p;
  })().catch((err: unknown) => {
    pending = null;
    throw err;
  });
  return pending;
}

export function shellReady(): boolean {
  return parser !== null;
}

/** Scripts longer than this are not parsed: nothing a runbook step holds is this large, and it bounds time. */
export const MAX_SCRIPT_CHARS = 1_000_000;
/** Deeper syntax trees are cut here so hostile nesting cannot exhaust the stack. */
const MAX_TREE_DEPTH = 400;

/** Parses a script into a plain tree, or returns null when the parser is not loaded or gave up. */
export function parseSyntax(script: string): SyntaxTree | null {
  if (!parser || script.length > MAX_SCRIPT_CHARS) return null;
  let tree: Tree | null = null;
  try {
    // Parsing resumes a cancelled parse by default; reset so each script starts fresh.
    parser.reset();
    tree = parser.parse(script);
    if (!tree) return null;
    return { root: copyTree(tree), hasErrors: tree.rootNode.hasError };
  } finally {
    tree?.delete();
  }
}

function copyTree(tree: Tree): SyntaxNode {
  const cursor = tree.walk();
  try {
    const root = nodeAt(cursor, null);
    const stack: SyntaxNode[] = [root];
    // Iterative pre-order walk: the cursor moves through the tree once, each visit copies one node.
    if (!cursor.gotoFirstChild()) return root;
    for (;;) {
      const parent = stack[stack.length - 1]!;
      const node = nodeAt(cursor, fieldNames[cursor.currentFieldId] ?? null);
      parent.children.push(node);
      if (stack.length < MAX_TREE_DEPTH && cursor.gotoFirstChild()) {
        stack.push(node);
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return root;
        stack.pop();
        if (stack.length === 0) return root;
      }
    }
  } finally {
    cursor.delete();
  }
}

function nodeAt(cursor: ReturnType<Tree['walk']>, field: string | null): SyntaxNode {
  const id = cursor.nodeTypeId;
  const start = cursor.startIndex;
  const end = cursor.endIndex;
  // Missing nodes are zero-width tokens the parser invented; only then is the extra call worth it.
  return { type: typeNames[id] ?? cursor.nodeType, named: typeNamed[id] ?? cursor.nodeIsNamed, field, start, end, children: [], missing: start === end && cursor.nodeIsMissing };
}
