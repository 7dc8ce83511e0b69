// Result shapes of the language service: structurally the LSP types, with no LSP import, so
// the pure service stays testable and the lsp/ adapter passes them through unchanged.
import type { Position, Range, Span } from '../language/index';

export type { Position, Range, Span };

/** LSP DiagnosticSeverity. */
export const DiagnosticSeverity = { Error: 1, Warning: 2, Information: 3, Hint: 4 } as const;

export interface Location {
  uri: string;
  range: Range;
}

export interface Diagnostic {
  range: Range;
  severity: 1 | 2 | 3 | 4;
  code: string;
  codeDescription: { href: string };
  source: 'runsafe';
  message: string;
  data?: Record<string, unknown>;
  relatedInformation?: { location: Location; message: string }[];
}

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface WorkspaceEdit {
  changes: Record<string, TextEdit[]>;
}

export interface MarkupContent {
  kind: 'markdown';
  value: string;
}

export interface Hover {
  contents: MarkupContent;
  range: Range;
}

/** LSP CompletionItemKind values used here. */
export const CompletionItemKind = { Text: 1, Field: 5, Variable: 6, Module: 9, Property: 10, Value: 12, Enum: 13, Keyword: 14, Snippet: 15, EnumMember: 20, Reference: 18 } as const;

export interface CompletionItem {
  label: string;
  kind: number;
  detail?: string;
  documentation?: MarkupContent;
  /** 2 = snippet. */
  insertTextFormat?: 1 | 2;
  /** 2 = adjust indentation of the following lines to the current line. */
  insertTextMode?: 1 | 2;
  textEdit: TextEdit;
  additionalTextEdits?: TextEdit[];
  sortText?: string;
  filterText?: string;
}

export interface CompletionList {
  isIncomplete: boolean;
  items: CompletionItem[];
}

/** LSP SymbolKind values used here. */
export const SymbolKind = { File: 1, Module: 2, Namespace: 3, Property: 7, Field: 8, Function: 12, Variable: 13, Constant: 14, String: 15, Array: 18, Object: 19, Key: 20, Event: 24 } as const;

export interface DocumentSymbol {
  name: string;
  detail?: string;
  kind: number;
  range: Range;
  selectionRange: Range;
  children?: DocumentSymbol[];
}

export interface CodeAction {
  title: string;
  kind: string;
  diagnostics?: Diagnostic[];
  isPreferred?: boolean;
  edit: WorkspaceEdit;
}

export interface FoldingRange {
  startLine: number;
  endLine: number;
  kind?: 'comment' | 'region';
}

export interface SelectionRange {
  range: Range;
  parent?: SelectionRange;
}

export interface DocumentLink {
  range: Range;
  target: string;
  tooltip?: string;
}

/** A code lens without a command: the client decides which command each `action` becomes. */
export interface CodeLensData {
  range: Range;
  data: { action: 'run-runbook' | 'run-step' | 'approval-state' | 'cadence'; uri: string; stepId?: string; title: string };
}
