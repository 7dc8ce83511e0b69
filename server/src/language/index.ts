// The language layer's public face: text or bytes -> parsed runbook (tree, model, problems).
import { decodeRunbook } from './decode';
import { buildModel, type Runbook } from './model';
import { parseYaml, type ParseOptions, type ParsedYaml } from './parse';
import { reparseYaml } from './incremental';
import { sortProblems, type Problem } from './problems';
import { validateSchema } from './schema';

export * from './positions';
export * from './problems';
export * from './model';
export * from './yaml-tree';
export * from './duration';
export { sourceSpan, valueOffsetMap, type ScalarOffsets } from './scalar-offsets';
export { parseYaml, defaultMaxLength, type ParseOptions, type ParsedYaml } from './parse';
export { validateSchema, runbookSchema, runbookValidator } from './schema';
export { decodeRunbook } from './decode';
export { closest } from './suggest';
export { boundNames, expandLoop, loopSectionOf, runbookLoops, LABEL_JOIN, MAX_LOOP_ITEMS, type Loop, type LoopItem, type LoopProblem } from './loops';

export interface ParsedRunbook extends ParsedYaml {
  runbook: Runbook;
}

/** Parses and schema-checks a runbook's text. Never throws; problems are sorted by position. */
export function parseRunbook(text: string, options: ParseOptions = {}): ParsedRunbook {
  return checkRunbook(parseYaml(text, options), text);
}

/**
 * As parseRunbook, after one edit of `previous`'s text: only the top-level entry or step the edit
 * falls in is parsed again when that is sure to give the same tree (incremental.ts), else all of it.
 */
export function reparseRunbook(previous: ParsedRunbook, text: string, options: ParseOptions = {}): ParsedRunbook {
  return checkRunbook(reparseYaml(previous, text, options) ?? parseYaml(text, options), text);
}

function checkRunbook(parsed: ParsedYaml, text: string): ParsedRunbook {
  const problems: Problem[] = [...parsed.problems];
  // Schema errors on a document that did not parse would only repeat the syntax error.
  const fatal = problems.some((p) => p.severity === 'error' && (p.code === 'file-too-large' || p.code === 'yaml-too-large'));
  if (!fatal && !problems.some((p) => p.code === 'yaml-syntax' && p.severity === 'error')) {
    problems.push(...validateSchema(parsed.root, parsed.data, text.length));
  }
  return { ...parsed, problems: sortProblems(problems), runbook: buildModel(parsed.root) };
}

/** As parseRunbook, from file bytes (strict UTF-8, BOM stripped). */
export function parseRunbookBytes(bytes: Uint8Array, options: ParseOptions = {}): ParsedRunbook {
  const decoded = decodeRunbook(bytes);
  const parsed = parseRunbook(decoded.text, options);
  if (decoded.problems.length) parsed.problems = sortProblems([...decoded.problems, ...parsed.problems]);
  return parsed;
}
