// Text to located YAML tree + problems. Never throws; hostile input gets bounded, located problems.
import { parseDocument, type YAMLError } from 'yaml';
import { LineIndex, type Span } from './positions';
import { problem, type Problem } from './problems';
import { buildTree, defaultTreeLimits, toPlain, type LNode, type TreeLimits } from './yaml-tree';

export interface ParseOptions {
  /** Largest text accepted, in UTF-16 code units (about bytes for ASCII). Default 1 MiB. */
  maxLength?: number;
  limits?: TreeLimits;
}

export const defaultMaxLength = 1024 * 1024;

export interface ParsedYaml {
  text: string;
  lines: LineIndex;
  root: LNode | null;
  /** The plain value of the document (what ajv validates). */
  data: unknown;
  problems: Problem[];
}

const yamlCodes: Record<string, string> = {
  DUPLICATE_KEY: 'yaml-duplicate-key',
  TAB_AS_INDENT: 'yaml-tab',
  RESOURCE_EXHAUSTION: 'yaml-too-deep',
};

function yamlProblem(e: YAMLError, severity: 'error' | 'warning', text: string): Problem {
  const length = text.length;
  const start = Math.max(0, Math.min(e.pos[0], length));
  let end = Math.max(start, Math.min(e.pos[1], length));
  if (e.code === 'DUPLICATE_KEY') {
    // yaml points at the key's first character; cover the whole key.
    const m = /^[^:\n\r]*?(?=\s*:(\s|$))/.exec(text.slice(start, start + 200));
    if (m && m[0].length) end = start + m[0].length;
  }
  // yaml's messages end with " at line L, column C"; positions are ours to render.
  const message = e.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
  let words = message.charAt(0).toLowerCase() + message.slice(1);
  if (e.code === 'TAB_AS_INDENT') words = 'tabs are not allowed for indentation in YAML; use spaces';
  if (e.code === 'DUPLICATE_KEY') words = 'duplicate key: each key may appear once in a map';
  return problem(yamlCodes[e.code] ?? 'yaml-syntax', severity, words, { start, end: end === start ? Math.min(length, start + 1) : end }, { yamlCode: e.code });
}

/** Parses YAML text into a located tree. Never throws. */
export function parseYaml(text: string, options: ParseOptions = {}): ParsedYaml {
  const lines = new LineIndex(text);
  const problems: Problem[] = [];
  const maxLength = options.maxLength ?? defaultMaxLength;
  if (text.length > maxLength) {
    const mb = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MiB`;
    problems.push(problem('file-too-large', 'error', `the runbook is ${mb(text.length)}; the limit is ${mb(maxLength)}, so it was not checked`, { start: maxLength, end: Math.min(text.length, maxLength + 1) }));
    return { text, lines, root: null, data: null, problems };
  }
  try {
    const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, strict: true });
    for (const e of doc.errors) problems.push(yamlProblem(e, 'error', text));
    for (const w of doc.warnings) problems.push(yamlProblem(w, 'warning', text));
    const root = buildTree(doc, text, problems, options.limits ?? defaultTreeLimits);
    return { text, lines, root, data: root ? toPlain(root) : null, problems };
  } catch (err) {
    // The yaml package reports resource exhaustion itself; this is a last line of defence.
    const span: Span = { start: 0, end: Math.min(text.length, 1) };
    problems.push(problem('yaml-syntax', 'error', `the YAML could not be parsed: ${err instanceof Error ? err.message : String(err)}`, span));
    return { text, lines, root: null, data: null, problems };
  }
}
