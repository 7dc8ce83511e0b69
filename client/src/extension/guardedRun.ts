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
import { withViewFailureActions } from './failureActions';

export interface GuardedRunRequest {
  runbook: vscode.Uri;
  workspace: string;
  /** Run only this step (with the runbook's preconditions and the step's rollbacks). */
  stepId?: string;
  dryRun?: boolean;
  /** Optional sections (troubleshooting, incident, variant) the operator chose to run. */
  sections?: string[];
  /** The optional section keys offered in the quick pick: those not chosen are not asked again. */
  sectionsOffered?: string[];
  /** Continue the failed, aborted or parked run this transcript (its last segment) records. */
  resume?: string;
  /** A parked run resumed before its wait is over: the operator's reason (recorded, as `--now --reason`). */
  resumeNow?: string;
}

/** The runner asks once per optional section; a section left unticked in the quick pick is a "no" already given. */
function withSectionChoices(base: RunnerPrompts, offered: string[] | undefined): RunnerPrompts {
  if (!offered?.length) return base;
  const keys = new Set(offered);
  return { ...base, question: (req) => (keys.has(req.stepId) && /^Run the \S+ section /.test(req.text) ? Promise.resolve(false) : base.question(req)) };
}

export interface GuardedRunDeps {
  log: vscode.LogOutputChannel;
  view: RunView;
  secrets: RunsafeSecrets;
  signer?: Signer;
  verifyApproval?: SessionOptions['verifyApproval'];
  transcriptsDir: string;
  rememberSecrets: boolean;
  /** Who runs it, as the transcript records it. */
  operator: string;
  /** The key of the run's encrypted secret state, from SecretStorage (a resume opens it). */
  stateKey?: Buffer;
}

/** The run in progress, so the view's Cancel can stop it (one guarded run at a time per window). */
let active: AbortController | undefined;

export function cancelActiveRun(): boolean {
  if (!active) return false;
  active.abort();
  return true;
}

/** One line saying whether the transcript verified, as the CLI says it. */
export function verdictLine(result: SessionResult): string {
  const v = result.verification;
  if (!v) return 'NOT VERIFIED';
  if (v.verdict === 'verified') return `verified: ${v.records} records, signed by ${Object.keys(v.signers).join(', ')}, closed by its signed head`;
  if (v.verdict === 'unsigned') return `NOT SIGNED: hash chain intact (${v.records} records), but no operator key signed it; generate a signing key to sign runs`;
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
  active = abort;
  let columns: number | undefined;
  const ui = new TerminalUi({ write: (s) => write.fire(s), crlf: true, color: true, live: true, interactive: true, onInterrupt: () => abort.abort(), columns: () => columns });
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
  let terminal: vscode.Terminal | undefined;
  const host: RunnerHost = {
    emit: (e) => {
      ui.emit(e);
      onEvent(e);
    },
    prompts: withViewFailureActions(
      withSectionChoices(withSecretPrompts(ui.prompts!, () => runbookId, deps, say), req.sectionsOffered),
      deps.view,
      (keys) => ui.handleInput(keys),
      () => terminal?.show(),
    ),
  };

  return new Promise((resolve) => {
    const pty: vscode.Pseudoterminal = {
      onDidWrite: write.event,
      setDimensions: (d) => {
        columns = d.columns;
      },
      open: (initial) => {
        columns = initial?.columns;
        void run().then(resolve, (err: unknown) => {
          say(`\ninternal error: ${err instanceof Error ? err.message : String(err)}\n`);
          deps.log.error(`guarded run failed: ${err instanceof Error ? err.stack : String(err)}`);
          if (active === abort) active = undefined;
          deps.view.finish({ status: 'aborted' });
          resolve(undefined);
        });
      },
      close: () => {
        ui.closeInput();
        abort.abort();
      },
      handleInput: (data) => ui.handleInput(data),
    };
    const name = `Runsafe: ${req.dryRun ? 'plan of ' : req.resume ? 'resume of ' : ''}${basename(req.runbook.fsPath)}${req.stepId ? ` › ${req.stepId}` : ''}`;
    terminal = vscode.window.createTerminal({ name, pty, iconPath: new vscode.ThemeIcon('shield') });
    terminal.show();
  });

  async function run(): Promise<SessionResult> {
    // The lint gate parses shell with tree-sitter; its wasm sits beside the bundle (loaded once).
    shellReady ??= initShellFromDisk().catch((err: unknown) => deps.log.warn(`shell parser not loaded: ${err instanceof Error ? err.message : String(err)}`));
    await shellReady;
    // The view always starts afresh, even for a runbook that does not plan: the refusal shows there.
    const head = { title: basename(req.runbook.fsPath), operator: deps.operator, dryRun: !!req.dryRun, signed: !!deps.signer };
    try {
      const { plan } = planFile(req.runbook.fsPath);
      const steps = req.stepId ? plan.steps.filter((s) => s.id === req.stepId) : plan.steps;
      const wanted = new Set(steps.flatMap((s) => s.rollback));
      const rollbacks = plan.rollbacks.filter((r) => !req.stepId || wanted.has(r.id));
      // A loop item's steps sit in a section of their own: "Rotation · 2/6 RAPTOR_PAPER_GATE × prod".
      const sectionOf = (s: (typeof plan.steps)[number]) => (s.loop ? `${s.section ?? s.loop.section} · ${s.loop.index}/${s.loop.of} ${s.loop.label}` : s.section);
      const row = (s: (typeof plan.steps)[number], section?: string) => ({ id: s.id, title: s.title, section: section ?? sectionOf(s), group: s.group, rollback: s.rollback });
      deps.view.start(req.runbook, { ...head, title: plan.runbook.title || head.title }, [
        ...plan.preconditions.map((s) => row(s, 'Preconditions')),
        ...steps.map((s) => row(s)),
        ...rollbacks.map((s) => row(s, 'Rollback')),
      ]);
    } catch {
      // The session reports an unreadable runbook itself.
      deps.view.start(req.runbook, head, []);
    }
    const transcriptPath = `${deps.transcriptsDir}/${basename(req.runbook.fsPath).replace(/\.runbook\.ya?ml$/, '')}-${new Date().toISOString().replace(/[:.]/g, '-')}.transcript.jsonl`;
    // A resume's new segment goes beside the run's last one (`<run id>_s<n>.transcript.jsonl`, the session's name).
    const result = await runSession({
      runbookPath: req.runbook.fsPath,
      workspace: req.workspace,
      host,
      env: process.env,
      dryRun: req.dryRun,
      only: req.stepId ? [req.stepId] : undefined,
      section: req.sections,
      operator: deps.operator,
      transcriptPath: req.dryRun || req.resume ? undefined : transcriptPath,
      resume: req.resume,
      resumeNow: req.resumeNow,
      stateKey: deps.stateKey,
      signer: deps.signer,
      verifyApproval: deps.verifyApproval,
      signal: abort.signal,
    });
    ui.dispose();
    progress?.done();
    if (active === abort) active = undefined;
    deps.view.finish({
      status: result.status,
      transcript: result.transcriptPath,
      verdict: req.dryRun ? undefined : result.transcriptPath ? verdictLine(result) : undefined,
      signed: result.verification?.verdict === 'verified',
    });
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
