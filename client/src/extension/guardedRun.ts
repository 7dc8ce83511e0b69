// The guarded terminal: a Pseudoterminal that drives one runner session (gates, steps, prompts, transcript).
import * as vscode from 'vscode';
import { basename, relative } from 'node:path';
import type { RunEvent, RunnerHost, RunnerPrompts, InputPrompt } from '../runner/events';
import { TerminalUi } from '../runner/terminal-ui';
import { planFile, runSession, type SessionOptions, type SessionResult } from '../runner/session';
import { formatPlan } from '../runner/plan-view';
import { initShellFromDisk } from '../../../server/src/shell-wasm';
import type { Signer } from '../signing/keys';
import type { RunView } from './runView';
import type { RunsafeSecrets } from './secrets';

export interface GuardedRunRequest {
  runbook: vscode.Uri;
  workspace: string;
  /** Run only this step (with the runbook's preconditions and the step's rollbacks). */
  stepId?: string;
  dryRun?: boolean;
}

export interface GuardedRunDeps {
  log: vscode.LogOutputChannel;
  view: RunView;
  secrets: RunsafeSecrets;
  signer?: Signer;
  verifyApproval?: SessionOptions['verifyApproval'];
  transcriptsDir: string;
  rememberSecrets: boolean;
}

/** One line saying whether the transcript verified, as the CLI says it. */
export function verdictLine(result: SessionResult): string {
  const v = result.verification;
  if (!v) return 'NOT VERIFIED';
  if (v.verdict === 'verified') return `verified: ${v.records} records, signed by ${Object.keys(v.signers).join(', ')}, closed by its signed head`;
  if (v.verdict === 'unsigned') return `hash chain verified: ${v.records} records, closed by its head (unsigned: generate a key to sign runs)`;
  const f = v.findings[0];
  return `${v.verdict.toUpperCase()}: ${f?.kind ?? ''} ${f?.reason ?? ''} at record ${f?.index ?? '?'}`;
}

/**
 * Secret inputs are asked in a password input box (never typed into the terminal, so they are not
 * echoed or kept in its scrollback), or taken from SecretStorage when the operator chose to remember them.
 */
function withSecretPrompts(base: RunnerPrompts, runbookId: () => string, deps: GuardedRunDeps, say: (text: string) => void): RunnerPrompts {
  return {
    ...base,
    input: async (req: InputPrompt) => {
      if (!req.secret) return base.input(req);
      const remembered = await deps.secrets.rememberedInput(runbookId(), req.name);
      if (remembered) {
        say(`${req.name}: from VS Code's secret storage\n`);
        return remembered;
      }
      say(`${req.name}: asked in a hidden input box\n`);
      const value = await vscode.window.showInputBox({
        title: `Runsafe: secret input ${req.name}`,
        prompt: req.description ?? `Value of ${req.name} (hidden; never shown, logged or recorded)`,
        password: true,
        ignoreFocusOut: true,
      });
      if (value && deps.rememberSecrets) await deps.secrets.rememberInput(runbookId(), req.name, value);
      return value;
    },
  };
}

let shellReady: Promise<void> | undefined;

/** Opens a guarded terminal for the request and resolves with the session's result once it ends. */
export function startGuardedRun(req: GuardedRunRequest, deps: GuardedRunDeps): Promise<SessionResult | undefined> {
  const write = new vscode.EventEmitter<string>();
  const abort = new AbortController();
  const ui = new TerminalUi({ write: (s) => write.fire(s), crlf: true, color: true, live: true, interactive: true, onInterrupt: () => abort.abort() });
  const say = (text: string) => write.fire(text.replace(/\r?\n/g, '\r\n'));
  let runbookId = basename(req.runbook.fsPath);
  let progress: { done: () => void; report: (m: string) => void } | undefined;

  const onEvent = (e: RunEvent) => {
    if (e.type === 'run-started') runbookId = e.runbook;
    deps.view.onEvent(e);
    if (e.type === 'step-state' && e.state === 'running' && !progress) {
      // Long steps and wait polling show progress outside the terminal too.
      vscode.window.withProgress(
        { location: e.kind === 'wait' ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window, title: `Runsafe: ${e.title || e.stepId}` },
        (p) =>
          new Promise<void>((done) => {
            progress = { done, report: (message) => p.report({ message }) };
          }),
      );
    } else if (e.type === 'progress') progress?.report(e.message);
    else if (e.type === 'step-state' && e.state !== 'running' && e.state !== 'pending') {
      progress?.done();
      progress = undefined;
    }
  };
  const host: RunnerHost = {
    emit: (e) => {
      ui.emit(e);
      onEvent(e);
    },
    prompts: withSecretPrompts(ui.prompts!, () => runbookId, deps, say),
  };

  return new Promise((resolve) => {
    const pty: vscode.Pseudoterminal = {
      onDidWrite: write.event,
      open: () => {
        void run().then(resolve, (err: unknown) => {
          say(`\ninternal error: ${err instanceof Error ? err.message : String(err)}\n`);
          deps.log.error(`guarded run failed: ${err instanceof Error ? err.stack : String(err)}`);
          resolve(undefined);
        });
      },
      close: () => {
        ui.closeInput();
        abort.abort();
      },
      handleInput: (data) => ui.handleInput(data),
    };
    const name = `Runsafe: ${req.dryRun ? 'plan of ' : ''}${basename(req.runbook.fsPath)}${req.stepId ? ` › ${req.stepId}` : ''}`;
    vscode.window.createTerminal({ name, pty, iconPath: new vscode.ThemeIcon('shield') }).show();
  });

  async function run(): Promise<SessionResult> {
    // The lint gate parses shell with tree-sitter; its wasm sits beside the bundle (loaded once).
    shellReady ??= initShellFromDisk().catch((err: unknown) => deps.log.warn(`shell parser not loaded: ${err instanceof Error ? err.message : String(err)}`));
    await shellReady;
    try {
      const { plan } = planFile(req.runbook.fsPath);
      const steps = req.stepId ? plan.steps.filter((s) => s.id === req.stepId) : plan.steps;
      deps.view.start(req.runbook, [...plan.preconditions, ...steps], plan.rollbacks.map((r) => r.id));
    } catch {
      // The session reports an unreadable runbook itself.
    }
    const transcriptPath = `${deps.transcriptsDir}/${basename(req.runbook.fsPath).replace(/\.runbook\.ya?ml$/, '')}-${new Date().toISOString().replace(/[:.]/g, '-')}.transcript.jsonl`;
    const result = await runSession({
      runbookPath: req.runbook.fsPath,
      workspace: req.workspace,
      host,
      env: process.env,
      dryRun: req.dryRun,
      only: req.stepId ? [req.stepId] : undefined,
      transcriptPath: req.dryRun ? undefined : transcriptPath,
      signer: deps.signer,
      verifyApproval: deps.verifyApproval,
      signal: abort.signal,
    });
    ui.dispose();
    progress?.done();
    if (req.dryRun) {
      if (result.plan) say(`\n${formatPlan(result.plan)}`);
    } else if (result.transcriptPath) {
      say(`\nTranscript: ${relative(req.workspace, result.transcriptPath)}\n            ${verdictLine(result)}\n`);
      deps.log.info(`run of ${runbookId} ${result.status}; transcript ${result.transcriptPath}: ${verdictLine(result)}`);
    }
    say('\nThe run is over; close this terminal when you are done reading.\n');
    return result;
  }
}
