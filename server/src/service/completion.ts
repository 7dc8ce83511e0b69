// Completion: schema keys and values at the cursor's YAML path (block and flow mappings), step ids
// in `needs`/`rollback`, inputs where a field names one, variable names after `$` in scripts, and
// snippets where a new step starts.
//
// Half-written YAML rarely parses into the shape the author means, so the path is found by
// putting a marker word at the cursor and parsing that text: the `yaml` package then decides
// by indentation where the cursor is, exactly as it will once the author finishes typing.
import { closest, mapPair, nodeAt, parseYaml, type LNode, type LMap, type Runbook } from '../language/index';
import { symbolIndex } from './cache';
import type { RunbookDocument } from './document';
import { locate, stepPathLength, type PathSegment } from './locate';
import { isObjectSchema, propertiesOf, schemasAt, valuesOf, type SchemaNode } from './schema-nav';
import { stepSnippets } from './snippets';
import { CompletionItemKind, type CompletionItem, type CompletionList, type Range } from './types';

const marker = 'rsCompletionMarker';
const stepKinds = ['run', 'sql', 'manual', 'wait'];
const wordChar = /[A-Za-z0-9_.\-]/;

interface Found {
  path: PathSegment[];
  onKey: boolean;
  /** The map holding the marker key, or the node the marker value sits in. */
  parent?: LNode;
}

function findMarker(node: LNode | null, path: PathSegment[] = []): Found | undefined {
  if (!node) return undefined;
  if (node.kind === 'scalar') return node.value === marker ? { path, onKey: false } : undefined;
  if (node.kind === 'seq') {
    for (let i = 0; i < node.items.length; i++) {
      const f = findMarker(node.items[i]!, [...path, i]);
      if (f) return f.parent ? f : { ...f, parent: node };
    }
    return undefined;
  }
  for (const p of node.pairs) {
    if (p.key.value === marker) return { path, onKey: true, parent: node };
    const f = findMarker(p.value, [...path, String(p.key.value)]);
    if (f) return f.parent ? f : { ...f, parent: node };
  }
  return undefined;
}

function keySnippet(key: string, schema: SchemaNode): string {
  const s = schema.$ref ? { type: 'object' } : schema;
  const values = valuesOf([s]);
  if (values.length > 1 && values.every((v) => typeof v === 'string' || typeof v === 'boolean')) return `${key}: \${1|${values.map(String).join(',')}|}`;
  if (values.length === 1) return `${key}: ${String(values[0])}`;
  if (s.type === 'object' || s.properties) return `${key}:\n  $0`;
  if (s.type === 'array') {
    const items = (s.items ?? {}) as SchemaNode;
    return items.$ref || items.type === 'object' ? `${key}:\n  - $0` : `${key}: [$0]`;
  }
  return `${key}: $0`;
}

function indentBody(lines: string[], column: number, prefix: string): string {
  const pad = ' '.repeat(column);
  return lines.map((l, i) => (i === 0 ? prefix + l : pad + l)).join('\n');
}

function stepIdItems(runbook: Runbook, field: 'needs' | 'rollback', self: string | undefined, range: Range): CompletionItem[] {
  const steps = runbook.allSteps.filter((s) => s.id && s.id.value !== self);
  // `rollback:` may only name steps of the top-level rollback list (lint reports anything else).
  const ranked = field === 'rollback' ? steps.filter((s) => s.group === 'rollback') : steps;
  return ranked.map((s, i) => ({
    label: s.id!.value,
    kind: CompletionItemKind.Reference,
    detail: `${s.group === 'rollback' ? 'rollback step' : 'step'}${s.title ? `: ${s.title}` : ''}`,
    sortText: String(i).padStart(4, '0'),
    textEdit: { range, newText: s.id!.value },
  }));
}

function variableItems(doc: RunbookDocument, range: Range, suffix: string, only: 'any' | 'inputs' | 'plain-inputs' = 'any'): CompletionItem[] {
  const items: CompletionItem[] = [];
  for (const v of symbolIndex(doc).variables.values()) {
    if (!v.input && !v.captures.length) continue;
    if (only !== 'any' && !v.input) continue;
    // The operator types a confirmation target on screen: a secret never is one.
    if (only === 'plain-inputs' && v.input?.secret) continue;
    const detail = v.input ? `input${v.input.secret ? ' (secret)' : ''}${v.input.description ? `: ${v.input.description}` : ''}` : `captured by ${v.captures.map((s) => s.id?.value ?? '?').join(', ')}`;
    items.push({ label: v.name, kind: CompletionItemKind.Variable, detail, textEdit: { range, newText: v.name + suffix } });
  }
  return items;
}

/** `$NAME` completion inside scripts, manual text and env values. */
function variableCompletion(doc: RunbookDocument, offset: number): CompletionList | undefined {
  const lineStart = doc.lines.lineStart(doc.lines.positionAt(offset).line);
  const m = /\$(\{)?([A-Za-z_][A-Za-z0-9_]*)?$/.exec(doc.text.slice(lineStart, offset));
  if (!m) return undefined;
  const hit = locate(doc.parsed.root, offset);
  const field = hit.path.filter((s) => typeof s === 'string').slice(-2).join('.');
  const inText = !hit.onKey && /(^|\.)(run|manual|sql)$|^env\.|wait\.run$/.test(field);
  // A block scalar still being typed may not parse as one yet; trust the `$` then.
  if (!inText && hit.scalar) return undefined;
  let end = offset;
  while (end < doc.text.length && /[A-Za-z0-9_]/.test(doc.text[end]!)) end++;
  const start = offset - (m[2]?.length ?? 0);
  const close = m[1] && doc.text[end] !== '}' ? '}' : '';
  return { isIncomplete: false, items: variableItems(doc, doc.lines.rangeOf({ start, end }), close) };
}

export function completion(doc: RunbookDocument, offset: number): CompletionList {
  const empty: CompletionList = { isIncomplete: false, items: [] };
  const vars = variableCompletion(doc, offset);
  if (vars) return vars;
  const { text, lines } = doc;
  const line = lines.positionAt(offset).line;
  const lineStart = lines.lineStart(line);
  let wordStart = offset;
  while (wordStart > lineStart && wordChar.test(text[wordStart - 1]!)) wordStart--;
  let wordEnd = offset;
  while (wordEnd < text.length && wordChar.test(text[wordEnd]!)) wordEnd++;
  const before = text.slice(lineStart, wordStart);
  const after = text.slice(wordEnd, lines.lineEnd(line));
  if (/#/.test(before)) return empty;
  // A key starts a line (after list dashes) or follows `{` or `,` in a flow mapping.
  const keyPosition = /^\s*(-\s+)*$/.test(before) || /\{\s*$/.test(before);
  const valuePosition = /:\s*$/.test(before) || /[[,]\s*$/.test(before) || /^\s*-\s+$/.test(before);
  if (!keyPosition && !valuePosition) return empty;
  const hasColon = /^\s*:/.test(after);
  const insert = keyPosition && !/-\s+$/.test(before) && !hasColon ? `${marker}:` : marker;
  const patched = parseYaml(text.slice(0, wordStart) + insert + text.slice(wordEnd));
  const found = findMarker(patched.root);
  if (!found) return empty;
  const range = lines.rangeOf({ start: wordStart, end: wordEnd });
  const root = patched.root;

  if (!found.onKey) {
    const path = found.path;
    const stepLen = stepPathLength(path);
    const field = stepLen !== undefined ? path[stepLen] : undefined;
    if ((field === 'needs' || field === 'rollback') && path.length > stepLen!) {
      const self = doc.parsed.runbook.allSteps.find((s) => s.node.span.start <= wordStart && wordStart <= s.node.span.end)?.id?.value;
      return { isIncomplete: false, items: stepIdItems(doc.parsed.runbook, field, self, range) };
    }
    const last = path[path.length - 1];
    if (last === 'target' && path[path.length - 2] === 'confirm') return { isIncomplete: false, items: variableItems(doc, range, '', 'plain-inputs') };
    if (last === 'input') return { isIncomplete: false, items: variableItems(doc, range, '', 'inputs') };
    if (last === 'target' || last === 'database') return { isIncomplete: false, items: variableItems(doc, range, '') };
    const chosen = whenValues(doc.parsed.runbook, patched.root, path);
    if (chosen) return { isIncomplete: false, items: chosen.map((v, i) => valueItem(v, range, i)) };
    const schemas = schemasAt(root, path);
    if (isObjectSchema(schemas) && /^\s*-\s+$/.test(before)) return keyCompletion(doc, schemas, undefined, path, range, wordStart - lineStart, hasColon);
    const items = valuesOf(schemas).map((v, i) => valueItem(v, range, i));
    return { isIncomplete: false, items };
  }
  const schemas = schemasAt(root, found.path);
  const inFlow = /\{[^}]*$/.test(before) || /,\s*$/.test(before);
  return keyCompletion(doc, schemas, found.parent?.kind === 'map' ? found.parent : undefined, found.path, range, wordStart - lineStart, hasColon, inFlow, text.slice(wordStart, wordEnd));
}

function valueItem(v: unknown, range: Range, i: number): CompletionItem {
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return { label: text, kind: typeof v === 'boolean' ? CompletionItemKind.Keyword : CompletionItemKind.EnumMember, sortText: String(i).padStart(4, '0'), textEdit: { range, newText: text } };
}

/**
 * `when: { input: X, equals | not | in: … }`: the values input X may take (its enum, or true/false
 * for a boolean input), not the schema's generic `true, false`.
 */
function whenValues(runbook: Runbook, root: LNode | null, path: PathSegment[]): unknown[] | undefined {
  const at = path.lastIndexOf('when');
  if (at < 0) return undefined;
  const rest = path.slice(at + 1);
  const field = rest[0];
  if (!(field === 'equals' || field === 'not' || (field === 'in' && rest.length === 2))) return undefined;
  const when = nodeAt(root, path.slice(0, at + 1));
  const name = when?.kind === 'map' ? mapPair(when, 'input')?.value : undefined;
  const input = name?.kind === 'scalar' ? runbook.inputs.find((i) => i.name === String(name.value)) : undefined;
  if (!input) return undefined;
  if (input.enum?.length) return input.enum;
  if (input.type === 'boolean') return [true, false];
  return input.default !== undefined && input.default !== null ? [input.default] : [];
}

/**
 * Sort order: at a new step the snippets come first, then `id` and the step kinds; elsewhere the
 * key closest to a misspelled word under the cursor comes first and matches that word, so an
 * author fixing `tilte` finds `title` (editors filter by the typed word, which `title` fails).
 */
function keyCompletion(doc: RunbookDocument, schemas: SchemaNode[], map: LMap | undefined, path: PathSegment[], range: Range, column: number, hasColon: boolean, inFlow = false, word = ''): CompletionList {
  const present = new Set((map?.pairs ?? []).map((p) => String(p.key.value)));
  present.delete(marker);
  // A step has exactly one kind: once it has one, the other kinds are not offered.
  const hasKind = stepKinds.some((k) => present.has(k));
  const isStep = stepPathLength(path) === path.length;
  const isNewStep = isStep && (!map || map.pairs.length <= 1);
  const offered = [...propertiesOf(schemas)].filter(([key]) => !present.has(key) && !(hasKind && stepKinds.includes(key) && isStep));
  const fixing = word && !offered.some(([key]) => key.startsWith(word)) ? closest(word, offered.map(([k]) => k)) : undefined;
  const items: CompletionItem[] = [];
  for (const [key, schema] of offered) {
    const description = typeof schema.description === 'string' ? schema.description : undefined;
    const rank = key === fixing ? 0 : isNewStep && key === 'id' ? 1 : isNewStep && stepKinds.includes(key) ? 2 : 3;
    const item: CompletionItem = {
      label: key,
      kind: CompletionItemKind.Property,
      sortText: `${rank}${key}`,
      // In a flow mapping a key's value follows on the same line.
      textEdit: { range, newText: hasColon ? key : inFlow ? `${key}: ` : indentBody(keySnippet(key, schema).split('\n'), column, '') },
      insertTextFormat: 2,
      insertTextMode: 1,
    };
    if (key === fixing) item.filterText = word;
    if (description) item.documentation = { kind: 'markdown', value: description };
    items.push(item);
  }
  // A new item of a step list: offer whole-step snippets too (not in the rollback list for the pair).
  if (isNewStep && !hasColon && !inFlow) {
    const inRollback = path[0] === 'rollback';
    const inPreconditions = path[0] === 'preconditions';
    stepSnippets.forEach((s, i) => {
      if (s.extra && (inRollback || inPreconditions)) return;
      if (s.label === 'section' && (inRollback || inPreconditions)) return;
      const item: CompletionItem = {
        label: s.label,
        kind: CompletionItemKind.Snippet,
        detail: s.detail,
        sortText: `0${i}`,
        insertTextFormat: 2,
        insertTextMode: 1,
        textEdit: { range, newText: indentBody(s.body, column, '') },
      };
      const extra = s.extra?.(doc.parsed.runbook, doc.lines);
      if (extra?.length) item.additionalTextEdits = extra;
      items.push(item);
    });
  }
  return { isIncomplete: false, items };
}
