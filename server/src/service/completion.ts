// Completion: schema keys and values at the cursor's YAML path, step ids in `needs`/`rollback`,
// variable names after `$` in scripts, and snippets where a new step starts.
//
// Half-written YAML rarely parses into the shape the author means, so the path is found by
// putting a marker word at the cursor and parsing that text: the `yaml` package then decides
// by indentation where the cursor is, exactly as it will once the author finishes typing.
import { parseYaml, type LNode, type LMap, type Runbook } from '../language/index';
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
  // Rollback names steps of the rollback list first; needs names earlier steps.
  const ranked = field === 'rollback' ? [...steps.filter((s) => s.group === 'rollback'), ...steps.filter((s) => s.group !== 'rollback')] : steps;
  return ranked.map((s, i) => ({
    label: s.id!.value,
    kind: CompletionItemKind.Reference,
    detail: `${s.group === 'rollback' ? 'rollback step' : 'step'}${s.title ? `: ${s.title}` : ''}`,
    sortText: String(i).padStart(4, '0'),
    textEdit: { range, newText: s.id!.value },
  }));
}

function variableItems(doc: RunbookDocument, range: Range, suffix: string): CompletionItem[] {
  const items: CompletionItem[] = [];
  for (const v of symbolIndex(doc).variables.values()) {
    if (!v.input && !v.captures.length) continue;
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
  const keyPosition = /^\s*(-\s+)*$/.test(before);
  const valuePosition = /:\s+$/.test(before) || /[[,]\s*$/.test(before) || /^\s*-\s+$/.test(before);
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
    if (last === 'input' || last === 'target' || last === 'database') return { isIncomplete: false, items: variableItems(doc, range, '') };
    const schemas = schemasAt(root, path);
    if (isObjectSchema(schemas) && /^\s*-\s+$/.test(before)) return keyCompletion(doc, schemas, undefined, path, range, wordStart - lineStart, hasColon);
    const items = valuesOf(schemas).map((v): CompletionItem => ({ label: String(v), kind: typeof v === 'boolean' ? CompletionItemKind.Keyword : CompletionItemKind.EnumMember, textEdit: { range, newText: String(v) } }));
    return { isIncomplete: false, items };
  }
  const schemas = schemasAt(root, found.path);
  return keyCompletion(doc, schemas, found.parent?.kind === 'map' ? found.parent : undefined, found.path, range, wordStart - lineStart, hasColon);
}

function keyCompletion(doc: RunbookDocument, schemas: SchemaNode[], map: LMap | undefined, path: PathSegment[], range: Range, column: number, hasColon: boolean): CompletionList {
  const present = new Set((map?.pairs ?? []).map((p) => String(p.key.value)));
  // A step has exactly one kind: once it has one, the other kinds are not offered.
  const hasKind = stepKinds.some((k) => present.has(k));
  const items: CompletionItem[] = [];
  for (const [key, schema] of propertiesOf(schemas)) {
    if (present.has(key) || (hasKind && stepKinds.includes(key) && stepPathLength(path) === path.length)) continue;
    const description = typeof schema.description === 'string' ? schema.description : undefined;
    const item: CompletionItem = {
      label: key,
      kind: CompletionItemKind.Property,
      textEdit: { range, newText: hasColon ? key : indentBody(keySnippet(key, schema).split('\n'), column, '') },
      insertTextFormat: 2,
      insertTextMode: 1,
    };
    if (description) item.documentation = { kind: 'markdown', value: description };
    items.push(item);
  }
  // A new item of a step list: offer whole-step snippets too (not in the rollback list for the pair).
  const isNewStep = stepPathLength(path) === path.length && (!map || map.pairs.length <= 1);
  if (isNewStep && !hasColon) {
    const inRollback = path[0] === 'rollback';
    const inPreconditions = path[0] === 'preconditions';
    stepSnippets.forEach((s, i) => {
      if (s.extra && (inRollback || inPreconditions)) return;
      if (s.label === 'section' && (inRollback || inPreconditions)) return;
      const item: CompletionItem = {
        label: s.label,
        kind: CompletionItemKind.Snippet,
        detail: s.detail,
        sortText: `~${i}`,
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
