// The language server: wires the pure service to LSP — capabilities, incremental sync,
// debounced push or pull diagnostics, per-resource settings, `.runsafe.yaml` watching.
// Every handler is guarded: a failure is logged and answered, never fatal.
import { readFileSync } from 'node:fs';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type CancellationToken,
  type ClientCapabilities,
  type Connection,
  type InitializeResult,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import * as service from '../service/index';
import { configurationSection, lensCommands, runbookGlob, workspaceConfigFiles, type InitializationOptions } from './protocol';
import type { IdleCollector } from './idle-gc';
import { Debouncer } from './scheduler';
import { RunHistory } from './run-history';
import { isMarkdown, markdownCovered } from './markdown-scope';
import { pathToUri, uriToPath, Workspace } from './workspace';

export interface ServerOptions {
  /** Called once before the first analysis (loads the shell parser for the rules). */
  prepare?: () => Promise<void>;
  /** Told when diagnostics are out and when a change arrives (main.ts: idle-time young-generation GC). */
  idle?: IdleCollector;
}

interface Cached {
  version: number;
  generation: number;
  doc: service.RunbookDocument;
}

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  const workspace = new Workspace();
  const runHistory = new RunHistory();
  /** The cadence lens's view of the transcripts beside the document's workspace folder. */
  const historyFor = (doc: service.RunbookDocument): service.RunHistoryView | undefined => {
    const id = doc.parsed.runbook.id?.value;
    const folder = workspace.folderOf(doc.uri);
    if (!doc.parsed.runbook.cadence || !id || !folder) return undefined;
    const now = Date.now();
    const last = runHistory.lastRuns(folder, now).get(id);
    return last ? { now, lastRun: { ...last, transcriptUri: pathToUri(last.file) } } : { now };
  };
  const cache = new Map<string, Cached>();
  const editorSettings = new Map<string, Promise<unknown>>();
  let capabilities: ClientCapabilities = {};
  let init: InitializationOptions = {};
  let pull = false;
  let debouncer = new Debouncer(150);
  /** Bumped whenever settings or `.runsafe.yaml` change: cached analyses become stale. */
  let generation = 0;
  let ready: Promise<void> = Promise.resolve();
  let phase: 'new' | 'running' | 'shutdown' = 'new';
  /** The `runsafe` section last sent by workspace/didChangeConfiguration (or initializationOptions.settings). */
  let pushedSettings: unknown = {};

  const log = (message: string) => connection.console.error(message);

  /**
   * Wraps a request handler: cancellation answered as such, any failure logged and answered.
   * Returns `any` because the service's results are the LSP shapes structurally (service/types.ts)
   * with plain numbers where LSP declares literal unions of kinds.
   */
  function guard<P, R>(name: string, fallback: R, fn: (params: P, token: CancellationToken) => R | Promise<R>) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return async (params: P, token: CancellationToken): Promise<any> => {
      try {
        // Out of order: the protocol says requests before initialize or after shutdown are errors.
        if (phase === 'new') return new ResponseError(ErrorCodes.ServerNotInitialized, 'runsafe: the server is not initialized yet');
        if (phase === 'shutdown') return new ResponseError(ErrorCodes.InvalidRequest, 'runsafe: the server is shutting down');
        if (token?.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
        const result = await fn(params, token);
        if (token?.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
        return result ?? fallback;
      } catch (err) {
        if (err instanceof ResponseError) return err;
        log(`runsafe: ${name} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
        return new ResponseError(ErrorCodes.InternalError, `runsafe: ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    };
  }

  /** Notification handlers must never throw either. */
  function quietly<P>(name: string, fn: (params: P) => void | Promise<void>) {
    return (params: P) => {
      Promise.resolve()
        .then(() => fn(params))
        .catch((err) => log(`runsafe: ${name} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`));
    };
  }

  async function settingsFor(uri: string): Promise<service.ServiceSettings> {
    // Clients without workspace/configuration push settings instead (didChangeConfiguration).
    let editor: Promise<unknown> = Promise.resolve(pushedSettings);
    if (capabilities.workspace?.configuration) {
      let pending = editorSettings.get(uri);
      if (!pending) {
        pending = connection.workspace.getConfiguration({ scopeUri: uri, section: configurationSection }).catch(() => ({}));
        editorSettings.set(uri, pending);
      }
      editor = pending;
    }
    return service.mergeSettings(workspace.configFor(uri), await editor);
  }

  /** The analysis of an open document's current version, or undefined when it is not open or changed meanwhile. */
  async function analysis(uri: string): Promise<service.RunbookDocument | undefined> {
    await ready;
    const td = documents.get(uri);
    // Markdown is not a runbook: only its fences are linted (markdownDiagnostics), nothing else answers.
    if (!td || isMarkdown(uri)) return undefined;
    const hit = cache.get(uri);
    if (hit && hit.version === td.version && hit.generation === generation) return hit.doc;
    const gen = generation;
    const settings = await settingsFor(uri);
    const now = documents.get(uri);
    // The document changed or closed while settings were fetched: the caller's request is stale.
    if (!now || now.version !== td.version) return undefined;
    // The previous version's parse is reused for what the edit did not touch.
    const doc = service.analyze(uri, now.getText(), settings, hit?.doc);
    if (gen === generation) cache.set(uri, { version: now.version, generation: gen, doc });
    return doc;
  }

  /** A Markdown document's fence diagnostics when `runsafe.markdown` covers it, else null (not ours). */
  async function markdownDiagnostics(uri: string): Promise<service.Diagnostic[] | null> {
    await ready;
    const td = documents.get(uri);
    if (!td) return null;
    const settings = await settingsFor(uri);
    const folder = workspace.folderOf(uri);
    if (!markdownCovered(uriToPath(uri), folder, settings.markdown)) return null;
    return service.markdownDiagnostics(td.getText(), settings);
  }

  async function validate(uri: string): Promise<void> {
    const td = documents.get(uri);
    if (!td) return;
    const version = td.version;
    if (isMarkdown(uri)) {
      const items = await markdownDiagnostics(uri);
      if (items && documents.get(uri)?.version === version) await connection.sendDiagnostics({ uri, version, diagnostics: items });
      return;
    }
    const doc = await analysis(uri);
    // Never publish results for a version the editor no longer shows.
    if (!doc || documents.get(uri)?.version !== version) return;
    await connection.sendDiagnostics({ uri, version, diagnostics: service.diagnostics(doc) });
    options.idle?.soon();
  }

  function revalidateAll(): void {
    generation++;
    editorSettings.clear();
    if (pull) {
      if (capabilities.workspace?.diagnostics?.refreshSupport) connection.languages.diagnostics.refresh().catch(() => undefined);
    } else for (const d of documents.all()) debouncer.schedule(d.uri, () => void validate(d.uri).catch((e) => log(String(e))));
  }

  connection.onInitialize((params): InitializeResult => {
    phase = 'running';
    capabilities = params.capabilities ?? {};
    init = (params.initializationOptions ?? {}) as InitializationOptions;
    pushedSettings = sectionOf(init.settings) ?? {};
    debouncer = new Debouncer(typeof init.debounceMs === 'number' ? init.debounceMs : 150);
    pull = !!capabilities.textDocument?.diagnostic && !init.pushDiagnostics;
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    workspace.setFolders(folders);
    if (options.prepare) ready = options.prepare().catch((err) => log(`runsafe: start-up step failed, rules may be missing: ${String(err)}`));
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: false },
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['$', '{', ':', '[', '-'], resolveProvider: false },
        documentSymbolProvider: { label: 'Runsafe' },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, service.fixAllKind], resolveProvider: false },
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        foldingRangeProvider: true,
        selectionRangeProvider: true,
        documentLinkProvider: { resolveProvider: false },
        codeLensProvider: { resolveProvider: false },
        ...(pull ? { diagnosticProvider: { identifier: 'runsafe', interFileDependencies: false, workspaceDiagnostics: true } } : {}),
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'runsafe-language-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(
    quietly('initialized', async () => {
      if (capabilities.workspace?.didChangeConfiguration?.dynamicRegistration) {
        await connection.client.register(DidChangeConfigurationNotification.type, { section: configurationSection });
      }
      if (capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
        await connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [...workspaceConfigFiles.map((f) => ({ globPattern: `**/${f}` })), { globPattern: runbookGlob }] });
      }
      if (capabilities.workspace?.workspaceFolders) {
        connection.workspace.onDidChangeWorkspaceFolders(async () => {
          const folders = (await connection.workspace.getWorkspaceFolders()) ?? [];
          workspace.setFolders(folders.map((f) => f.uri));
          revalidateAll();
        });
      }
    }),
  );

  connection.onDidChangeConfiguration(
    quietly('configuration', (params: { settings?: unknown }) => {
      const pushed = sectionOf(params?.settings);
      if (pushed !== undefined) pushedSettings = pushed;
      revalidateAll();
    }),
  );
  connection.onDidChangeWatchedFiles(
    quietly('watched files', (params) => {
      if (params.changes.some((c) => workspaceConfigFiles.some((f) => c.uri.endsWith(`/${f}`)))) {
        workspace.reload();
        revalidateAll();
      } else if (pull && capabilities.workspace?.diagnostics?.refreshSupport) connection.languages.diagnostics.refresh().catch(() => undefined);
    }),
  );

  documents.onDidChangeContent((e) => {
    options.idle?.cancel();
    if (!pull) debouncer.schedule(e.document.uri, () => void validate(e.document.uri).catch((err) => log(String(err))));
  });
  documents.onDidClose((e) => {
    debouncer.cancel(e.document.uri);
    cache.delete(e.document.uri);
    editorSettings.delete(e.document.uri);
    if (!pull) connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] }).catch(() => undefined);
  });

  const offsetOf = (doc: service.RunbookDocument, position: { line: number; character: number }) => doc.lines.offsetAt(position);

  /** A request about one open document: answered with `fallback` when it is not open (or changed meanwhile). */
  function onDoc<P extends { textDocument: { uri: string } }, R>(name: string, fallback: R, fn: (doc: service.RunbookDocument, params: P) => R) {
    return guard<P, R>(name, fallback, async (p) => {
      const doc = await analysis(p.textDocument.uri);
      return doc ? fn(doc, p) : fallback;
    });
  }

  connection.onHover(onDoc('hover', null, (doc, p) => service.hover(doc, offsetOf(doc, p.position))));
  connection.onCompletion(onDoc('completion', null, (doc, p) => service.completion(doc, offsetOf(doc, p.position))));
  connection.onDocumentSymbol(onDoc('documentSymbol', [], (doc) => service.documentSymbols(doc)));
  connection.onCodeAction(onDoc('codeAction', [], (doc, p) => service.codeActions(doc, { start: offsetOf(doc, p.range.start), end: offsetOf(doc, p.range.end) }, p.context?.only)));
  connection.onDefinition(onDoc('definition', [], (doc, p) => service.definition(doc, offsetOf(doc, p.position))));
  connection.onReferences(onDoc('references', [], (doc, p) => service.references(doc, offsetOf(doc, p.position), !!p.context?.includeDeclaration)));
  connection.onPrepareRename(onDoc('prepareRename', null, (doc, p) => service.prepareRename(doc, offsetOf(doc, p.position))));
  connection.onRenameRequest(
    onDoc('rename', null, (doc, p) => {
      const r = service.rename(doc, offsetOf(doc, p.position), p.newName);
      // A refused rename is answered as an error the editor shows to the author.
      if (r && 'error' in r) throw new ResponseError(ErrorCodes.InvalidParams, r.error);
      return r ? r.edit : null;
    }),
  );
  connection.onFoldingRanges(onDoc('foldingRange', [], (doc) => service.foldingRanges(doc)));
  connection.onSelectionRanges(onDoc('selectionRange', [], (doc, p) => service.selectionRanges(doc, p.positions.map((pos) => offsetOf(doc, pos)))));
  connection.onDocumentLinks(onDoc('documentLink', [], (doc) => service.documentLinks(doc)));
  connection.onCodeLens(
    onDoc('codeLens', [], (doc) =>
      service.codeLenses(doc, historyFor(doc)).map((l) => ({
        range: l.range,
        command: { title: l.data.title, command: lensCommands[l.data.action], arguments: l.data.stepId ? [l.data.uri, l.data.stepId] : [l.data.uri] },
        data: l.data,
      })),
    ),
  );

  connection.languages.diagnostics.on(guard('diagnostic', { kind: DocumentDiagnosticReportKind.Full, items: [] }, async (p) => {
    if (isMarkdown(p.textDocument.uri)) return { kind: DocumentDiagnosticReportKind.Full, items: (await markdownDiagnostics(p.textDocument.uri)) ?? [] };
    const doc = await analysis(p.textDocument.uri);
    const td = documents.get(p.textDocument.uri);
    if (!doc || !td) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    const resultId = `${td.version}:${generation}`;
    if (p.previousResultId === resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
    return { kind: DocumentDiagnosticReportKind.Full, resultId, items: service.diagnostics(doc) };
  }));

  connection.languages.diagnostics.onWorkspace(guard('workspaceDiagnostic', { items: [] }, async (p, token) => {
    await ready;
    const previous = new Map((p.previousResultIds ?? []).map((r) => [r.uri, r.value]));
    const items: WorkspaceDocumentDiagnosticReport[] = [];
    const files = workspace.runbookFiles();
    for (let i = 0; i < files.length; i++) {
      // Yield to the event loop now and then, so edits, hovers and a cancellation get through.
      if (i % 16 === 15) await new Promise((r) => setImmediate(r));
      if (token.isCancellationRequested) break;
      const path = files[i]!;
      const uri = pathToUri(path);
      // Open documents are reported by the document pull, from the editor's text.
      if (documents.get(uri)) continue;
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        continue;
      }
      const resultId = `disk:${generation}:${text.length}:${hash(text)}`;
      if (previous.get(uri) === resultId) {
        items.push({ kind: DocumentDiagnosticReportKind.Unchanged, uri, version: null, resultId });
        continue;
      }
      const doc = service.analyze(uri, text, await settingsFor(uri));
      items.push({ kind: DocumentDiagnosticReportKind.Full, uri, version: null, resultId, items: service.diagnostics(doc) });
    }
    return { items };
  }));

  connection.onShutdown(() => {
    phase = 'shutdown';
    debouncer.cancelAll();
  });

  documents.listen(connection);
  connection.listen();
}

/** FNV-1a over the text: a cheap result id, so an unchanged file is answered `unchanged`. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}

/**
 * The `runsafe` section of pushed settings: `{ runsafe: {...} }` as VS Code and Neovim send it,
 * or the section itself. Undefined when the notification carries none (a bare "settings changed").
 */
function sectionOf(settings: unknown): unknown {
  if (!settings || typeof settings !== 'object' || Array.isArray(settings)) return undefined;
  const s = settings as Record<string, unknown>;
  if (configurationSection in s) return s[configurationSection];
  return 'severity' in s || 'lint' in s || 'maxFileSize' in s ? s : undefined;
}
