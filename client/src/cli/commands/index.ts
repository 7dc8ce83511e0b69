// The registry of `runsafe` sub-commands, in the order `runsafe --help` lists them. A command's module
// (and what it imports: the linter, the runner, signing) loads only when that command runs, so
// `runsafe --help` or `runsafe verify` pays for nothing it does not use.
import type { Command } from '../command';

export interface CommandEntry {
  name: string;
  /** One line for `runsafe --help`. */
  summary: string;
  load(): Promise<Command>;
}

export const commands: CommandEntry[] = [
  { name: 'lint', summary: 'check runbooks (schema + safety rules); text, json, sarif or github output', load: async () => (await import('./lint')).lintCommand },
  { name: 'run', summary: 'run a runbook step by step, guarded, with a signed transcript (--dry-run: show the plan)', load: async () => (await import('./run')).runCommand },
  { name: 'keygen', summary: 'create an Ed25519 private key file (0600); print its public key and key id', load: async () => (await import('./keygen')).keygenCommand },
  { name: 'trust', summary: 'manage a signed trust store: init, add, revoke, rotate, window, tsa, root, sign, list', load: async () => (await import('./trust')).trustCommand },
  { name: 'sign', summary: 'approve a runbook: sign its exact bytes into <runbook>.sig', load: async () => (await import('./sign')).signCommand },
  { name: 'verify', summary: 'verify a runbook approval, a run transcript or an audit chain against a trust store', load: async () => (await import('./verify')).verifyCommand },
  { name: 'import', summary: 'a draft runbook from a Markdown or text runbook (every guess marked # review:)', load: async () => (await import('./import')).importCommand },
  { name: 'review', summary: 'what a runbook change does to what runs, to risk and to approvals (for pull requests)', load: async () => (await import('./review')).reviewCommand },
  { name: 'status', summary: 'when each runbook last ran (from its transcripts) and when it is due by its cadence', load: async () => (await import('./status')).statusCommand },
  { name: 'transcript', summary: 'transcript summary: verify a transcript and render its markdown attestation', load: async () => (await import('./transcript')).transcriptCommand },
];
