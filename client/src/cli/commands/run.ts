// `runsafe run`: a guarded run of a runbook in a shell (or its plan with --dry-run), ending with a verified transcript.
import { relative, resolve } from 'node:path';
import { parse, useColor } from '../args';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError, type Command } from '../command';
import { readSigner } from '../../node/key-file';
import { checkRunbookApprovalTimed } from '../../node/approval-file';
import { trustFromOptions, TRUST_OPTIONS } from '../trust-options';
import type { KeyLookup } from '../../signing/trust-index';
import type { TsaEntry } from '../../signing/trust-store';
import { stampTranscript, verifyFile } from '../../node/verify-file';
import { TRANSCRIPT_MAPPING } from '../../signing/chain-mapping';
import type { Signer } from '../../signing/keys';
import { TerminalUi } from '../../runner/terminal-ui';
import { runSession, type SessionOptions } from '../../runner/session';
import { formatPlan } from '../../runner/plan-view';
import { parseInputFlags } from '../../runner/inputs';
import { parseOnFailure } from '../../runner/machine/failure';
import { assertReadableFile, describeFileError, unreadable } from '../../node/file-errors';
import { readStateKey } from '../../node/secret-state-file';
import { describeResume } from '../../runner/resume';

/** A parked run: it stopped at a long wait and is resumed later (not a failure, not a pass). */
const EXIT_PARKED = 3;

/**
 * The clock of a run. RUNSAFE_TEST_NOW (an ISO time; TEST ONLY, read here and nowhere else) moves
 * it to that time and lets it run on from there, so tests can resume a parked 24 h wait.
 */
function runClock(env: Record<string, string | undefined>): (() => Date) | undefined {
  const at = env['RUNSAFE_TEST_NOW'];
  if (at === undefined || at === '') return undefined;
  const t = Date.parse(at);
  if (!Number.isFinite(t)) throw new UsageError(`RUNSAFE_TEST_NOW (test only) must be an ISO time, not ${JSON.stringify(at)}`);
  const offset = t - Date.now();
  return () => new Date(Date.now() + offset);
}

const help = `Usage: runsafe run [options] <runbook>

Runs a runbook step by step, guarded: lint errors refuse the run, an approval
policy must be met, preconditions must pass, and only one run of a runbook is
allowed at a time per workspace. Inputs reach steps only as environment
variables. Secrets come from the operator's environment (export NAME) or a
hidden prompt, never from the command line, and are masked in all output.
Dangerous steps ask you to type the target (for example the environment).
After a failed step the run asks: [r]etry (the step runs again, its attempts
counted on), roll[b]ack (the rollbacks of what ran are offered one by one),
[s]kip (only for a step marked skippable: true) or [a]bort (stop, no
rollbacks). A refused confirmation or a cancel (Ctrl+C; a second Ctrl+C stops
the rollbacks too) stops the run and offers the rollbacks of what ran.
Without a terminal, a run that would need a confirmation, a manual step or
an answer not given by flags is refused before its first step. Every run writes a
hash-chained transcript (signed with --key), verified at the end.

Options:
      --dry-run              show the plan (steps, needs, danger, checks,
                             rollbacks) and run nothing
  -i, --input NAME=VALUE     an input value (repeatable); never for secrets
      --confirm STEP-ID      confirm a dangerous step in advance, or say a
                             manual step is done (repeatable); recorded as
                             "confirmed in advance by --confirm"
      --answer STEP=yes|no   answer a step's (or section's) \`when\` question in
                             advance (repeatable); --confirm never answers one
      --section ID           run this troubleshooting, incident or variant
                             section (repeatable; id or title); others are
                             asked about on a terminal, skipped without one
      --on-failure MODE      without a terminal, after a failed step: stop
                             (default: skip rollbacks), rollback (run them),
                             retry=N (run the step again up to N times, then
                             stop) or retry=N,rollback; recorded
      --resume TRANSCRIPT    continue the run this transcript (its last segment)
                             records: it must verify, the runbook's bytes must
                             be unchanged, the run must not have passed; steps
                             that passed are not run again, secrets are asked
                             again, and a new segment chained to the last one
                             is written (verify them together: runsafe verify
                             SEG1 SEG2 …)
      --now --reason TEXT    with --resume: go on from a parked wait before its
                             time (the reason is recorded)
      --park-waits           without a terminal: park the run at a wait of 1h or
                             more (a terminal asks) instead of waiting it out
      --state-key-file FILE  the key (32 bytes, hex or base64url, mode 0600) that
                             keeps secret captures encrypted at rest for a resume
      --state-key-env NAME   ... or the key in this environment variable
      --transcript FILE      where to write the transcript (default
                             .runsafe/transcripts/<run-id>.transcript.jsonl)
      --key FILE             sign the transcript with this private key file
      --key-env NAME         ... or with the seed in this environment variable
      --trust FILE           trust store for the approval gate (when the runbook's
                             policy requires approvals, <runbook>.sig must hold
                             that many valid approver signatures over its bytes)
                             and for the closing check of the transcript, which
                             is then exactly runsafe verify --trust FILE
      --allow-unsigned-store load an unsigned trust store (demos only; reported)
      --tsa URL              time-stamp the closed transcript's head at this RFC 3161
                             authority (<transcript>.tsr), then close the run with
                             the check runsafe verify makes, at the authority's time
      --operator NAME        who runs it (default $RUNSAFE_OPERATOR or user@host)
      --workspace DIR        where .runsafe/ lives (default: current folder)
      --non-interactive      never prompt, even on a terminal
      --color, --no-color    force colours on or off (default: on for a TTY,
                             off when NO_COLOR is set)
  -h, --help                 show this help

Exit codes:
  0  the run passed (or the plan is runnable, with --dry-run)
  1  the run failed (also after retries), was refused by a gate, aborted or
     cancelled, or its transcript did not verify
  2  usage error, or the runbook cannot be read
  3  the run parked at a long wait: resume it after the time it printed

Examples:
  runsafe run --dry-run runbooks/demo/signing-demo.runbook.yaml
  runsafe run -i APP_ENV=staging --confirm set-key rotate.runbook.yaml
  runsafe run --section triage --answer restart=no drill.runbook.yaml
  export NEW_DB_PASSWORD; runsafe run --non-interactive db.runbook.yaml
`;

/** A path as one shell word, quoted only when it needs to be. */
function shellWord(p: string): string {
  return /^[\w@%+=:,./-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`;
}

function list(v: unknown): string[] {
  return Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : [];
}

export const runCommand: Command = {
  name: 'run',
  help,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      'dry-run': { type: 'boolean' },
      input: { type: 'string', short: 'i', multiple: true },
      confirm: { type: 'string', multiple: true },
      answer: { type: 'string', multiple: true },
      section: { type: 'string', multiple: true },
      'on-failure': { type: 'string' },
      transcript: { type: 'string' },
      resume: { type: 'string' },
      now: { type: 'boolean' },
      reason: { type: 'string' },
      'park-waits': { type: 'boolean' },
      'state-key-file': { type: 'string' },
      'state-key-env': { type: 'string' },
      key: { type: 'string' },
      'key-env': { type: 'string' },
      ...TRUST_OPTIONS,
      operator: { type: 'string' },
      tsa: { type: 'string' },
      workspace: { type: 'string' },
      'non-interactive': { type: 'boolean' },
      color: { type: 'boolean' },
      'no-color': { type: 'boolean' },
    });
    if (positionals.length !== 1) throw new UsageError(positionals.length ? 'give exactly one runbook' : 'which runbook? give its path');
    const onFailureFlag = values['on-failure'] as string | undefined;
    const onFailure = onFailureFlag === undefined ? undefined : parseOnFailure(onFailureFlag);
    if (onFailure && 'error' in onFailure) throw new UsageError(onFailure.error);
    if (values.now && values.resume === undefined) throw new UsageError('--now goes on from a parked wait of a resumed run: it needs --resume');
    if (values.now && !(values.reason as string | undefined)?.trim()) throw new UsageError('--now needs --reason <text>: why the wait is cut short (recorded in the transcript)');
    if (values.reason !== undefined && !values.now) throw new UsageError('--reason goes with --now');
    const now = runClock(io.env);
    let stateKey: Buffer | undefined;
    if (values['state-key-file'] !== undefined || values['state-key-env'] !== undefined) {
      try {
        stateKey = readStateKey({ file: values['state-key-file'] as string | undefined, env: values['state-key-env'] as string | undefined }, io.env);
      } catch (err) {
        io.stderr.write(`runsafe run: ${describeFileError(err) ?? (err as Error).message}\n`);
        return EXIT_USAGE;
      }
    }
    if (values.tsa !== undefined && values.trust === undefined) throw new UsageError("--tsa needs --trust: the authority's certificate comes from the trust store");
    const workspace = resolve(io.cwd, (values.workspace as string | undefined) ?? '.');
    const path = resolve(io.cwd, positionals[0]!);
    // An unreadable runbook is an I/O error (exit 2) in the words lint and verify use, dry run or not.
    try {
      assertReadableFile(path);
    } catch (err) {
      io.stderr.write(`runsafe run: ${unreadable(positionals[0]!, err)}\n`);
      return EXIT_USAGE;
    }
    // A malformed --input is a usage error; whether its value is acceptable is the inputs gate's call.
    const inputSyntax = parseInputFlags(list(values.input)).errors;
    if (inputSyntax.length) throw new UsageError(inputSyntax.join('; '));

    let signer: Signer | undefined;
    if (values.key !== undefined || values['key-env'] !== undefined) {
      try {
        signer = readSigner({ file: values.key as string | undefined, env: values['key-env'] as string | undefined }, io.env);
      } catch (err) {
        io.stderr.write(`runsafe run: ${describeFileError(err) ?? (err as Error).message}\n`);
        return EXIT_USAGE;
      }
    }

    // The approval gate checks <runbook>.sig against this trust store (only when the policy asks).
    let verifyApproval: SessionOptions['verifyApproval'];
    let keys: KeyLookup | undefined;
    let tsaCerts: TsaEntry[] = [];
    if (values.trust !== undefined) {
      try {
        const loaded = trustFromOptions({ ...values, trust: resolve(io.cwd, values.trust as string) }, io, 'run', workspace)!;
        keys = loaded.keys;
        tsaCerts = loaded.store.tsa ?? [];
      } catch (err) {
        io.stderr.write(`runsafe run: ${describeFileError(err) ?? (err as Error).message}\n`);
        return EXIT_USAGE;
      }
      verifyApproval = async (file, bytes, required) => {
        const r = await checkRunbookApprovalTimed(file, keys!, tsaCerts, required, bytes);
        return { ok: r.verdict === 'approved', message: `${r.verdict}: ${r.summary}` };
      };
    }

    const stdin = io.stdin as NodeJS.ReadStream;
    const interactive = !values['non-interactive'] && !values['dry-run'] && io.stdin.isTTY === true && io.stdout.isTTY === true;
    const color = useColor(io.stdout, io.env, values['no-color'] ? false : (values.color as boolean | undefined));
    const abort = new AbortController();
    // The first Ctrl+C cancels the run (its rollbacks are then offered); the next ends those too.
    const rollbackAbort = new AbortController();
    const interrupt = () => (abort.signal.aborted ? rollbackAbort.abort() : abort.abort());
    // A closed stdout (`runsafe run … | head -3`) cancels the run, as Ctrl+C does: nobody sees the
    // steps any more. The engine ends the step's process group, offers the rollbacks as
    // --on-failure says and closes the transcript. (main.ts keeps later writes quiet.)
    const onClosedStdout = (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') abort.abort();
    };
    io.stdout.on?.('error', onClosedStdout);
    const ui = new TerminalUi({
      write: (s) => io.stdout.write(s),
      color,
      live: io.stdout.isTTY === true,
      interactive,
      onInterrupt: interrupt,
    });

    // Ctrl+C: in raw mode it arrives as input; otherwise as SIGINT. Either way the run is
    // cancelled through the engine, which ends the step's process group and records it.
    const onSignal = interrupt;
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const onData = (d: Buffer | string) => ui.handleInput(d.toString());
    const onEnd = () => ui.closeInput();
    if (interactive) {
      stdin.setRawMode?.(true);
      stdin.on('data', onData);
      stdin.on('end', onEnd);
      stdin.resume();
    }
    try {
      const result = await runSession({
        runbookPath: path,
        workspace,
        host: ui,
        inputFlags: list(values.input),
        env: io.env,
        confirm: list(values.confirm),
        answer: list(values.answer),
        section: list(values.section),
        rollbackSignal: rollbackAbort.signal,
        onFailure,
        dryRun: values['dry-run'] === true,
        transcriptPath: values.transcript as string | undefined,
        signer,
        // One verdict: the closing check is the verifier with this run's trust store, as `runsafe verify --trust` is.
        trust: keys,
        verifyApproval,
        operator: values.operator as string | undefined,
        signal: abort.signal,
        resume: values.resume === undefined ? undefined : resolve(io.cwd, values.resume as string),
        resumeNow: values.now ? (values.reason as string) : undefined,
        stateKey,
        parkWaits: values['park-waits'] === true,
        now,
      });
      if (values['dry-run']) {
        if (result.plan) io.stdout.write(`\n${formatPlan(result.plan)}`);
        if (result.plan && result.resume) io.stdout.write(`\n${describeResume(result.resume, result.plan)}`);
        return result.status === 'passed' ? EXIT_OK : EXIT_FINDINGS;
      }
      if (result.transcriptPath) {
        const rel = relative(io.cwd, result.transcriptPath);
        const shown = rel && !rel.startsWith('..') ? rel : result.transcriptPath;
        const showPath = (p: string) => {
          const r = relative(io.cwd, p);
          return shellWord(r && !r.startsWith('..') ? r : p);
        };
        const all = (result.segments ?? [result.transcriptPath]).map(showPath).join(' ');
        let v = result.verification;
        if (values.tsa !== undefined && v && v.terminated) {
          // Time-stamp the closed run, then close with the same check runsafe verify makes, token included.
          try {
            await stampTranscript(result.transcriptPath, values.tsa as string);
            v = await verifyFile(result.transcriptPath, { mapping: TRANSCRIPT_MAPPING, keys: keys!, tsa: tsaCerts });
          } catch (err) {
            io.stderr.write(`runsafe run: time-stamping the transcript failed: ${(err as Error).message}\n`);
            v = undefined;
          }
        }
        const verdict = !v
          ? 'NOT VERIFIED'
          : v.verdict === 'verified'
            ? `verified: ${v.records} records, signed by ${Object.keys(v.signers).join(', ')}, closed by its signed head${keys ? ` (trust store ${values.trust as string})` : ' (against the run\'s own key only: pass --trust to check it in a trust store)'}`
            : v.verdict === 'unsigned'
              ? `hash chain verified: ${v.records} records, closed by its head (unsigned: pass --key to sign)`
              : `${v.verdict.toUpperCase()}: ${v.findings[0]?.kind ?? ''} ${v.findings[0]?.reason ?? ''} at record ${v.findings[0]?.index ?? '?'}`;
        // The printed command must verify as shown: it carries the trust store this run was given.
        const trustArg = values.trust !== undefined ? ` --trust ${shellWord(values.trust as string)}` : '';
        const segs = (result.segments?.length ?? 1) > 1 ? `            the whole run (${result.segments!.length} segments): runsafe verify ${all}${trustArg}\n` : '';
        io.stdout.write(`Transcript: ${shown}\n            ${verdict}\n${segs}            attestation: runsafe transcript summary ${all}${trustArg}\n`);
        if (result.parkedUntil) io.stdout.write(`Parked: resume after ${result.parkedUntil}: runsafe run --resume ${shellWord(shown)} ${showPath(path)}\n`);
        if (!v || (v.verdict !== 'verified' && v.verdict !== 'unsigned')) return EXIT_FINDINGS;
      }
      if (result.status === 'parked') return EXIT_PARKED;
      return result.status === 'passed' ? EXIT_OK : EXIT_FINDINGS;
    } finally {
      io.stdout.off?.('error', onClosedStdout);
      ui.dispose();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (interactive) {
        stdin.off('data', onData);
        stdin.off('end', onEnd);
        stdin.setRawMode?.(false);
        stdin.pause();
      }
    }
  },
};
