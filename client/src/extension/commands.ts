// The Runsafe commands: run, run step, dry run, approve, verify, keys, transcript summary.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import { commands as lspCommands } from '../../../server/src/lsp/protocol';
import type { Signer } from '../signing/keys';
import type { KeyLookup } from '../signing/trust-index';
import type { RunView } from './runView';
import type { RunsafeSecrets } from './secrets';
import { mayRun } from './trust';

// The signing core, the runner, the language layer and YAML load on first use, not on activation
// (esbuild keeps dynamically imported modules unevaluated until then): activation stays fast.
const signing = async () => ({
  ...(await import('../signing/trust-store')),
  ...(await import('../signing/trust-root')),
  ...(await import('../signing/keys')),
  ...(await import('../signing/chain-mapping')),
  ...(await import('../signing/trust-index')),
  ...(await import('../node/trust-file')),
  ...(await import('../node/verify-file')),
  ...(await import('./approvals')),
  ...(await import('./transcript-summary')),
});

export interface CommandDeps {
  log: vscode.LogOutputChannel;
  secrets: RunsafeSecrets;
  view: RunView;
  /** Re-asks the server for code lenses (approval state changed). */
  refreshLenses: () => void;
  /** Re-reads past runs from the transcripts into the view. */
  refreshHistory: () => void;
}

function toUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string') return arg.includes('://') ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
  return vscode.window.activeTextEditor?.document.uri;
}

function folderOf(uri: vscode.Uri): string {
  return vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? dirname(uri.fsPath);
}

function setting<T>(uri: vscode.Uri | undefined, key: string, fallback: T): T {
  return vscode.workspace.getConfiguration('runsafe', uri).get<T>(key, fallback);
}

function inFolder(uri: vscode.Uri, path: string): string {
  return isAbsolute(path) ? path : join(folderOf(uri), path);
}

export const trustStoreOf = (uri: vscode.Uri) => inFolder(uri, setting(uri, 'trustStore', '.runsafe/trust.yaml'));
/** Where the workspace's trust store pins live (rollback protection), as `runsafe run --workspace` keeps them. */
export const pinsDirOf = (uri: vscode.Uri) => join(folderOf(uri), '.runsafe');

function identity(uri: vscode.Uri | undefined): string {
  const configured = setting(uri, 'identity', '');
  if (configured) return configured;
  let user = 'operator';
  try {
    user = userInfo().username;
  } catch {
    // No user database entry (containers): keep the generic name.
  }
  return `${user}@${hostname()}`;
}

/** A runbook to act on: the argument, else the active editor; saved first so the run sees what is shown. */
async function runbookArg(arg: unknown): Promise<vscode.Uri | undefined> {
  const uri = toUri(arg);
  if (!uri || !/\.runbook\.ya?ml$/.test(uri.path)) {
    void vscode.window.showErrorMessage('Runsafe: open a runbook (*.runbook.yaml) first.');
    return undefined;
  }
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (doc?.isDirty) await doc.save();
  return uri;
}

async function pickFile(arg: unknown, label: string, filters: Record<string, string[]>): Promise<vscode.Uri | undefined> {
  const uri = toUri(arg);
  if (uri && !/\.runbook\.ya?ml$/.test(uri.path)) return uri;
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: label, filters });
  return picked?.[0];
}

async function keysFor(uri: vscode.Uri, deps: CommandDeps): Promise<KeyLookup> {
  const { trustKeys, createKeyLookup, formatPublicKey } = await signing();
  const store = trustStoreOf(uri);
  if (existsSync(store)) return trustKeys(store, pinsDirOf(uri));
  // Without a trust store, the operator's own key is the only one known.
  const signer = await deps.secrets.signer();
  return createKeyLookup(signer ? [{ key_id: signer.keyId, identity: identity(uri), roles: ['operator', 'approver'], version: 1, public_key: formatPublicKey(signer.publicKey) }] : []);
}

export function registerCommands(context: vscode.ExtensionContext, deps: CommandDeps): void {
  const { log, secrets } = deps;
  const reg = (id: string, fn: (...args: unknown[]) => unknown) =>
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await fn(...args);
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          log.error(`${id}: ${message}`);
          void vscode.window.showErrorMessage(`Runsafe: ${message}`);
          return undefined;
        }
      }),
    );

  /**
   * Signed by default: the first real run in a workspace without a key offers to create the
   * operator's key (SecretStorage) and its trust-store entry. Declining is remembered per workspace,
   * and the run goes ahead unsigned, which the run view and the terminal say plainly.
   */
  const signerForRun = async (uri: vscode.Uri) => {
    const existing = await secrets.signer();
    if (existing || context.workspaceState.get<boolean>('runsafe.unsignedRuns')) return existing;
    const create = 'Create Key and Sign';
    const pick = await vscode.window.showInformationMessage(
      'Runsafe signs run transcripts with your operator key, so anyone can check who ran what. Create your key now (kept in VS Code\'s secret storage) and request its entry in the trust store?',
      create,
      'Run Unsigned',
    );
    if (pick !== create) {
      // Dismissed or declined: this workspace's runs stay unsigned until a key is generated.
      if (pick) await context.workspaceState.update('runsafe.unsignedRuns', true);
      log.warn(`run of ${basename(uri.fsPath)} is not signed: the operator declined to create a key`);
      return undefined;
    }
    return createKey(uri, true);
  };

  /** A new signing key in SecretStorage; with `addToStore`, its public key requested in the trust store (written there for review). */
  const createKey = async (folder: vscode.Uri | undefined, addToStore: boolean) => {
    const { formatPublicKey } = await signing();
    const signer = await secrets.setSigner(new Uint8Array(randomBytes(32)));
    log.info(`generated signing key ${signer.keyId} (public ${formatPublicKey(signer.publicKey)}); the private key is in VS Code's secret storage`);
    if (addToStore && folder) {
      const path = await addToTrustStore(folder, signer);
      if (path) void vscode.window.showInformationMessage(`Runsafe: key ${signer.keyId} added to ${relative(folderOf(folder), path)}; commit it so reviewers can approve the entry.`);
    }
    return signer;
  };

  /**
   * Adds the key's public half to the workspace trust store as its next version, signed by the
   * store's root keys (docs/signing.md); a new store gets this key as its root. Without a root
   * key at hand nothing is written (undefined), and the operator is told what to run.
   */
  const addToTrustStore = async (folder: vscode.Uri, signer: Signer): Promise<string | undefined> => {
    const { addKey, writeTrustFile, initTrustStore, rootSetOf, signStore, formatPublicKey, loadTrust } = await signing();
    const { signedTrustChange } = await import('./trust-changes');
    const path = trustStoreOf(folder);
    const workspace = folderOf(folder);
    const entry = { publicKey: signer.publicKey, identity: identity(folder), roles: ['operator', 'approver'] as ('operator' | 'approver')[] };
    if (!existsSync(path)) {
      const base = initTrustStore({ storeId: randomBytes(16).toString('hex'), root: rootSetOf([signer], [], 1) });
      mkdirSync(dirname(path), { recursive: true });
      writeTrustFile(path, signStore(addKey(base, { ...entry, now: new Date().toISOString() }).store, [signer]));
      // Loaded once so this workspace pins version 1 (a later rollback is detected).
      loadTrust(path, { stateDir: pinsDirOf(folder) });
    } else {
      const shown = relative(workspace, path);
      const done = await signedTrustChange(
        {
          path,
          workspace,
          what: `add key ${signer.keyId} for ${entry.identity}`,
          change: (store) => addKey(store, { ...entry, now: new Date().toISOString() }).store,
          instead: `runsafe trust add ${shown} --public-key ${formatPublicKey(signer.publicKey)} --name ${entry.identity} --role operator --role approver --root-key <root key file>`,
        },
        secrets,
        log,
      );
      if (!done) return undefined;
    }
    log.info(`added key ${signer.keyId} to ${path}`);
    deps.refreshLenses();
    return path;
  };

  const run = async (arg: unknown, stepId: string | undefined, dryRun: boolean, choose?: { sections: string[]; offered: string[] }, resume?: { transcript: string; now?: string }) => {
    const uri = await runbookArg(arg);
    if (!uri) return undefined;
    // A dry run executes nothing, so it is allowed in untrusted workspaces; real runs are not.
    if (!dryRun && !mayRun(`run ${basename(uri.fsPath)}`, log)) return undefined;
    const trustStore = trustStoreOf(uri);
    const { startGuardedRun } = await import('./guardedRun');
    const { approvalReport } = await signing();
    const signer = dryRun ? await secrets.signer() : await signerForRun(uri);
    const result = await startGuardedRun(
      { runbook: uri, workspace: folderOf(uri), stepId, dryRun, sections: choose?.sections, sectionsOffered: choose?.offered, resume: resume?.transcript, resumeNow: resume?.now },
      {
        log,
        view: deps.view,
        secrets,
        operator: identity(uri),
        signer,
        transcriptsDir: setting(uri, 'transcripts.directory', '.runsafe/transcripts'),
        rememberSecrets: setting(uri, 'secrets.remember', false),
        // Secret captures are kept encrypted beside the transcript under this key, so a resume can reopen them.
        stateKey: dryRun ? undefined : await secrets.stateKey(),
        verifyApproval: async (path, bytes, required) => {
          const r = approvalReport(path, bytes, trustStore, required, pinsDirOf(uri));
          return { ok: r.verdict === 'approved', message: r.summary };
        },
      },
    );
    if (!dryRun) await vscode.commands.executeCommand('setContext', 'runsafe.walkthrough.ran', true);
    deps.refreshHistory();
    return result;
  };

  /** The optional sections (troubleshooting, incident, variant) of a runbook's plan, for the quick pick. */
  const chooseSections = async (uri: vscode.Uri) => {
    const { planFile } = await import('../runner/session');
    const { OPTIONAL_SECTION_KINDS } = await import('../runner/plan-types');
    let sections: { key: string; title: string; kind: string }[] = [];
    try {
      sections = planFile(uri.fsPath).plan.sections.filter((s) => OPTIONAL_SECTION_KINDS.has(s.kind));
    } catch {
      return { sections: [], offered: [] };
    }
    if (!sections.length) return { sections: [], offered: [] };
    const picked = await vscode.window.showQuickPick(
      sections.map((s) => ({ label: s.title, description: s.kind, key: s.key })),
      { canPickMany: true, title: `Runsafe: optional sections of ${basename(uri.fsPath)}`, placeHolder: 'Tick the sections to run this time (none: the main procedure only)', ignoreFocusOut: true },
    );
    if (!picked) return undefined;
    return { sections: picked.map((p) => p.key), offered: sections.map((s) => s.key) };
  };

  // A whole run first asks which optional sections to include (when the runbook has any).
  const runWithSections = async (arg: unknown) => {
    const uri = await runbookArg(arg);
    if (!uri) return undefined;
    const choose = await chooseSections(uri);
    if (!choose) return undefined;
    return run(uri, undefined, false, choose);
  };
  reg(lspCommands.runRunbook, runWithSections);
  reg('runsafe.chooseSections', async (arg) => {
    const uri = await runbookArg(arg);
    if (!uri) return undefined;
    const choose = await chooseSections(uri);
    if (!choose) return undefined;
    return run(uri, undefined, false, choose);
  });
  reg(lspCommands.runStep, (uri, stepId) => run(uri, typeof stepId === 'string' ? stepId : undefined, false));
  reg('runsafe.dryRun', (uri) => run(uri, undefined, true));
  reg('runsafe.revealStep', async (uri, stepId) => (await import('./reveal')).revealStep(String(uri), String(stepId)));

  const showApproval = async (arg: unknown) => {
    const uri = await runbookArg(arg);
    if (!uri) return undefined;
    const { approvalReport } = await signing();
    const { parseRunbook } = await import('../../../server/src/language/index');
    const bytes = readFileSync(uri.fsPath);
    const required = parseRunbook(bytes.toString('utf8')).runbook.policy.approvalsRequired;
    const r = approvalReport(uri.fsPath, bytes, trustStoreOf(uri), required, pinsDirOf(uri));
    const pick = await vscode.window.showInformationMessage(`Runsafe: ${basename(uri.fsPath)} is ${r.summary}`, ...(r.verdict === 'approved' ? [] : ['Approve']));
    if (pick === 'Approve') await vscode.commands.executeCommand('runsafe.approve', uri);
    return r;
  };
  reg(lspCommands.showApproval, showApproval);
  reg('runsafe.verifyRunbook', showApproval);

  reg('runsafe.approve', async (arg) => {
    const uri = await runbookArg(arg);
    if (!uri) return undefined;
    const signer = await secrets.signer();
    if (!signer) {
      const pick = await vscode.window.showWarningMessage('Runsafe: approving needs a signing key. Generate one now?', 'Generate Key');
      if (pick) await vscode.commands.executeCommand('runsafe.generateKey');
      return undefined;
    }
    const { approveRunbook } = await signing();
    const out = approveRunbook(uri.fsPath, signer, identity(uri), new Date());
    log.info(`approved ${uri.fsPath} with key ${signer.keyId}; signature in ${out}`);
    deps.refreshLenses();
    void vscode.window.showInformationMessage(`Runsafe: approved ${basename(uri.fsPath)} with key ${signer.keyId} (${basename(out)}).`);
    return out;
  });

  const verifyChain = async (arg: unknown, transcript: boolean) => {
    const uri = await pickFile(arg, transcript ? 'Verify transcript' : 'Verify audit chain', { 'JSON Lines': ['jsonl'] });
    if (!uri) return undefined;
    const { verifyFile, verdictText, TRANSCRIPT_MAPPING, DEFAULT_CHAIN_MAPPING } = await signing();
    const report = await verifyFile(uri.fsPath, { mapping: transcript ? TRANSCRIPT_MAPPING : DEFAULT_CHAIN_MAPPING, keys: await keysFor(uri, deps) });
    const text = `${basename(uri.fsPath)}: ${verdictText(report)}`;
    log.info(`verify ${uri.fsPath}: ${verdictText(report)}`);
    const ok = report.verdict === 'verified' || report.verdict === 'unsigned';
    await vscode.commands.executeCommand('setContext', 'runsafe.walkthrough.verified', true);
    void (ok ? vscode.window.showInformationMessage(`Runsafe: ${text}`) : vscode.window.showErrorMessage(`Runsafe: ${text}`));
    return report;
  };
  reg('runsafe.verifyTranscript', (uri) => verifyChain(uri, true));
  reg('runsafe.verifyChain', (uri) => verifyChain(uri, false));

  reg('runsafe.showTranscriptSummary', async (arg) => {
    const uri = await pickFile(arg, 'Summarise transcript', { 'Runsafe transcripts': ['jsonl'] });
    if (!uri) return undefined;
    const { verifyFile, transcriptSummary, TRANSCRIPT_MAPPING } = await signing();
    const report = await verifyFile(uri.fsPath, { mapping: TRANSCRIPT_MAPPING, keys: await keysFor(uri, deps) });
    const content = transcriptSummary(relative(folderOf(uri), uri.fsPath), readFileSync(uri.fsPath, 'utf8'), report);
    await vscode.commands.executeCommand('setContext', 'runsafe.walkthrough.verified', true);
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content });
    await vscode.window.showTextDocument(doc, { preview: true });
    return content;
  });

  reg('runsafe.generateKey', async () => {
    const existing = await secrets.signer();
    if (existing) {
      const pick = await vscode.window.showWarningMessage(`Runsafe: you already have key ${existing.keyId}. Use Rotate Key to replace it while keeping history verifiable.`, 'Rotate Key');
      if (pick) await vscode.commands.executeCommand('runsafe.rotateKey');
      return undefined;
    }
    const signer = await createKey(undefined, false);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const pick = await vscode.window.showInformationMessage(
      `Runsafe: new signing key ${signer.keyId}, kept in VS Code's secret storage. Add its public key to the workspace trust store?`,
      'Add to Trust Store',
    );
    if (pick && folder) await addToTrustStore(folder, signer);
    await context.workspaceState.update('runsafe.unsignedRuns', undefined);
    return signer.keyId;
  });

  reg('runsafe.rotateKey', async () => {
    const old = await secrets.signer();
    if (!old) throw new Error('there is no key to rotate; use Generate Key first');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const path = folder ? trustStoreOf(folder) : undefined;
    const { rotateKey, readTrustFile, signerFromSeed } = await signing();
    const seed = new Uint8Array(randomBytes(32));
    const next = signerFromSeed(seed);
    if (folder && path && existsSync(path) && readTrustFile(path).keys.some((k) => k.key_id === old.keyId)) {
      // The rotation statement is signed by the old key and the new one (evidence of continuity), the
      // new version by the store's root keys. Until that is written, the old key stays the operator's.
      const { signedTrustChange } = await import('./trust-changes');
      const done = await signedTrustChange(
        {
          path,
          workspace: folderOf(folder),
          what: `rotate key ${old.keyId} to ${next.keyId}`,
          change: (store) => rotateKey(store, old.keyId, old, next, new Date().toISOString()).store,
          instead: `runsafe trust rotate ${relative(folderOf(folder), path)} ${old.keyId} --old-key <file> --new-key <file> --root-key <root key file> (with key files; this editor keeps yours in its secret storage, so run Rotate Key again with the root key file at hand)`,
        },
        secrets,
        log,
      );
      if (!done) {
        void vscode.window.showWarningMessage(`Runsafe: key not rotated: your signing key is still ${old.keyId}.`);
        return undefined;
      }
    }
    await secrets.setSigner(seed);
    deps.refreshLenses();
    void vscode.window.showInformationMessage(`Runsafe: rotated signing key ${old.keyId} → ${next.keyId}. The old key stays in the trust store with a closed window.`);
    return next.keyId;
  });

  // Actions on the run view's rows: the row (a tree node) is the argument.
  type ViewNode = import('./runView').Node;
  const current = () => deps.view.current;
  reg('runsafe.view.runAgain', () => (current() ? (current()!.dryRun ? run(current()!.runbook, undefined, true) : runWithSections(current()!.runbook)) : undefined));
  reg('runsafe.view.cancel', async () => {
    const { cancelActiveRun } = await import('./guardedRun');
    if (!cancelActiveRun()) void vscode.window.showInformationMessage('Runsafe: no run in progress.');
  });
  const stepOf = (node: unknown) => ((node as ViewNode | undefined)?.kind === 'step' ? (node as Extract<ViewNode, { kind: 'step' }>).row : undefined);
  reg('runsafe.view.runStep', (node) => {
    const row = stepOf(node);
    return row && current() ? run(current()!.runbook, row.id, false) : undefined;
  });
  reg('runsafe.view.retryStep', (node) => {
    const row = stepOf(node);
    return row && current() ? run(current()!.runbook, row.id, false) : undefined;
  });
  reg('runsafe.view.rollBack', async (node) => {
    const row = stepOf(node);
    const runbook = current()?.runbook;
    if (!row || !runbook || !row.rollbacks.length) return undefined;
    const id = row.rollbacks.length === 1 ? row.rollbacks[0] : await vscode.window.showQuickPick(row.rollbacks, { title: `Runsafe: roll back ${row.id} with` });
    return id ? run(runbook, id, false) : undefined;
  });
  // A failed step's row while the failure prompt waits: its actions answer the terminal's prompt.
  for (const choice of ['retry', 'rollback', 'skip', 'abort'] as const) {
    reg(`runsafe.view.failure.${choice}`, async (node) => {
      const { answerFailure } = await import('./failureActions');
      const why = answerFailure(stepOf(node)?.id, choice);
      if (why) void vscode.window.showInformationMessage(`Runsafe: ${why}.`);
    });
  }
  reg('runsafe.view.openSummary', (node) => {
    const n = node as ViewNode | undefined;
    const path = n?.kind === 'past' ? n.path : current()?.transcript;
    return path ? vscode.commands.executeCommand('runsafe.showTranscriptSummary', vscode.Uri.file(path)) : undefined;
  });
  reg('runsafe.view.refresh', () => deps.refreshHistory());

  /**
   * Resume: continue a failed, aborted or parked run from its last segment. The runner verifies the
   * segments, refuses a changed runbook or a claimed segment, and does not run passed steps again.
   */
  const resumeRun = async (transcript: string) => {
    const { pastRun } = await import('./run-history');
    const past = pastRun(basename(transcript), readFileSync(transcript, 'utf8'));
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(transcript))?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (!past?.runbookPath || !folder) throw new Error(`${basename(transcript)} does not name the runbook it ran`);
    // A parked run before its time: going on now needs the operator's reason, recorded in the new segment.
    let now: string | undefined;
    const parked = past.status === 'parked' ? (await import('./run-history')).parkedAt(readFileSync(transcript, 'utf8')) : undefined;
    if (parked) {
      const { parkedVerdict } = await import('../runner/machine/park');
      const v = parkedVerdict(parked.resumeAfter, Date.now());
      if (!v.due) {
        const early = 'Resume Now…';
        const pick = await vscode.window.showWarningMessage(`Runsafe: the run is parked at ${parked.stepId}: ${v.text}. Go on now, before its wait is over?`, { modal: true }, early);
        if (pick !== early) return undefined;
        now = await vscode.window.showInputBox({
          title: `Runsafe: why go on before ${parked.resumeAfter}?`,
          prompt: 'The reason is recorded in the transcript (as runsafe run --resume --now --reason does)',
          ignoreFocusOut: true,
          validateInput: (t) => (t.trim() ? undefined : 'a reason is required'),
        });
        if (!now?.trim()) return undefined;
      }
    }
    return run(vscode.Uri.file(isAbsolute(past.runbookPath) ? past.runbookPath : join(folder, past.runbookPath)), undefined, false, undefined, { transcript, now });
  };
  reg('runsafe.view.resume', (node) => {
    const n = node as ViewNode | undefined;
    const path = n?.kind === 'past' ? n.path : current()?.transcript;
    return path ? resumeRun(path) : undefined;
  });
  reg('runsafe.resumeRun', async (arg) => {
    if (typeof arg === 'string' || arg instanceof vscode.Uri) return resumeRun(arg instanceof vscode.Uri ? arg.fsPath : arg);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    if (!folder) throw new Error('open a workspace folder first');
    const { resumableRuns } = await import('./history');
    const runs = resumableRuns(folder.fsPath, setting(folder, 'transcripts.directory', '.runsafe/transcripts'));
    if (!runs.length) {
      void vscode.window.showInformationMessage('Runsafe: no run to resume (no failed, aborted or parked run whose last segment is not resumed yet).');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      runs.map((r) => ({ label: r.run.runbookTitle, description: `${r.run.status} · ${r.run.started?.replace('T', ' ').replace(/\.\d+Z$/, 'Z') ?? ''}`, detail: relative(folder.fsPath, r.path), path: r.path })),
      { title: 'Runsafe: resume which run?', placeHolder: 'Failed, aborted and parked runs; passed steps are not run again', ignoreFocusOut: true, matchOnDetail: true },
    );
    return picked ? resumeRun(picked.path) : undefined;
  });

  // The row's inline actions show only on hover: a click on a waiting row (or this command) asks in a quick pick.
  reg('runsafe.view.failure.choose', async () => {
    const { pendingFailure, answerFailure } = await import('./failureActions');
    const p = pendingFailure();
    if (!p) {
      void vscode.window.showInformationMessage('Runsafe: no failure prompt is waiting.');
      return undefined;
    }
    const labels: Record<string, string> = { retry: 'Retry', rollback: 'Roll Back', skip: 'Skip', abort: 'Abort' };
    const picked = await vscode.window.showQuickPick(
      p.options.filter((o) => labels[o]).map((o) => ({ label: labels[o]!, choice: o })),
      { title: `Runsafe: ${p.stepId} failed; what now?`, ignoreFocusOut: true },
    );
    if (!picked) return undefined;
    const why = answerFailure(p.stepId, picked.choice);
    if (why) void vscode.window.showInformationMessage(`Runsafe: ${why}.`);
    return picked.choice;
  });

  reg('runsafe.forgetSecrets', async () => {
    const n = await secrets.forgetInputs();
    void vscode.window.showInformationMessage(`Runsafe: forgot ${n} remembered secret input(s).`);
  });
}
