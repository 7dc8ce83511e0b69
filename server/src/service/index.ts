// The language service: pure editor features over an analysed runbook. No LSP wiring here;
// server/src/lsp adapts these results to the protocol.
export { analyze, type RunbookDocument } from './document';
export { defaultSettings, mergeSettings, readWorkspaceConfig, type ServiceSettings } from './settings';
export { diagnostics, visibleProblems } from './diagnostics';
export { hover } from './hover';
export { completion } from './completion';
export { documentSymbols } from './symbols';
export { codeActions, fixAll, fixAllKind } from './code-actions';
export { definition, references, prepareRename, rename } from './navigation';
export { foldingRanges, selectionRanges } from './structure';
export { documentLinks } from './links';
export { codeLenses, type RunHistoryView } from './code-lens';
export * from './types';
export { markdownDiagnostics } from './markdown';
