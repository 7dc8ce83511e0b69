// Definition, references and rename for step ids and variable names (inputs and captures).
import type { Span } from '../language/index';
import { symbolIndex } from './cache';
import type { RunbookDocument } from './document';
import { symbolAt } from './symbol-index';
import type { Location, Range, WorkspaceEdit } from './types';

function target(doc: RunbookDocument, offset: number) {
  const sym = symbolAt(symbolIndex(doc), offset);
  if (!sym) return undefined;
  if ('step' in sym) return { kind: 'step' as const, name: sym.step.id, declarations: [sym.step.declaration], references: sym.step.references };
  const v = sym.variable;
  return { kind: 'variable' as const, name: v.name, declarations: v.declarations, references: v.references, declared: !!v.input || v.captures.length > 0 };
}

export function definition(doc: RunbookDocument, offset: number): Location[] {
  const t = target(doc, offset);
  return t ? t.declarations.map((s) => ({ uri: doc.uri, range: doc.lines.rangeOf(s) })) : [];
}

export function references(doc: RunbookDocument, offset: number, includeDeclaration: boolean): Location[] {
  const t = target(doc, offset);
  if (!t) return [];
  const spans = [...(includeDeclaration ? t.declarations : []), ...t.references].sort((a, b) => a.start - b.start);
  return spans.map((s) => ({ uri: doc.uri, range: doc.lines.rangeOf(s) }));
}

const stepId = /^[a-z0-9][a-z0-9-_.]*$/;
const variableName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The range and current name of what a rename at `offset` would change, or null. */
export function prepareRename(doc: RunbookDocument, offset: number): { range: Range; placeholder: string } | null {
  const t = target(doc, offset);
  if (!t || (t.kind === 'variable' && !t.declared)) return null;
  const span = [...t.declarations, ...t.references].find((s) => offset >= s.start && offset <= s.end);
  return span ? { range: doc.lines.rangeOf(span), placeholder: t.name } : null;
}

export type RenameResult = { edit: WorkspaceEdit } | { error: string };

/** Renames every declaration and use; a name the format would reject is refused with a reason. */
export function rename(doc: RunbookDocument, offset: number, newName: string): RenameResult | null {
  const t = target(doc, offset);
  if (!t) return null;
  if (t.kind === 'variable' && !t.declared) return { error: `\`${t.name}\` is not declared in this runbook (it is not an input or a capture)` };
  if (t.kind === 'step' && !stepId.test(newName)) return { error: `\`${newName}\` is not a valid step id: use lower-case letters, digits, \`-\`, \`_\` and \`.\`` };
  if (t.kind === 'variable' && !variableName.test(newName)) return { error: `\`${newName}\` is not a valid variable name: use letters, digits and \`_\`, not starting with a digit` };
  const index = symbolIndex(doc);
  if (newName !== t.name && (t.kind === 'step' ? index.steps.has(newName) : index.variables.get(newName)?.declarations.length)) {
    return { error: `\`${newName}\` already exists in this runbook` };
  }
  const spans: Span[] = [...t.declarations, ...t.references].sort((a, b) => a.start - b.start);
  return { edit: { changes: { [doc.uri]: spans.map((s) => ({ range: doc.lines.rangeOf(s), newText: newName })) } } };
}
