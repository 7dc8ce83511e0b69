// Names shared by the language server and its clients (the VS Code extension imports this file):
// the settings section, the commands code lenses carry, and the server's start options.
// It imports nothing, so both sides can use it without pulling in the other's libraries.

/** The workspace/configuration section the server asks for, per resource. */
export const configurationSection = 'runsafe';

/** Workspace files with severities and policy, in order of preference; watched and re-applied on change. */
export const workspaceConfigFiles = ['.runsafe.yaml', '.runsafe.yml'];

/** Glob of runbook files (workspace diagnostics and the file watcher). */
export const runbookGlob = '**/*.runbook.{yaml,yml}';

/** Commands carried by code lenses; the client registers them. Arguments are listed beside each. */
export const commands = {
  /** [uri: string] */
  runRunbook: 'runsafe.runRunbook',
  /** [uri: string, stepId: string] */
  runStep: 'runsafe.runStep',
  /** [uri: string] — the client shows (and may re-title) the approval state. */
  showApproval: 'runsafe.showApproval',
  /** [transcriptUri: string] — the cadence lens: the last run's verified summary. */
  showTranscriptSummary: 'runsafe.showTranscriptSummary',
} as const;

/** Code-lens actions computed by the server and the command each becomes. */
export const lensCommands: Record<'run-runbook' | 'run-step' | 'approval-state' | 'cadence', string> = {
  'run-runbook': commands.runRunbook,
  'run-step': commands.runStep,
  'approval-state': commands.showApproval,
  cadence: commands.showTranscriptSummary,
};

/** Options a client may pass in `initializationOptions`. */
export interface InitializationOptions {
  /** Delay between the last edit and validation (push diagnostics), in ms. Default 150. */
  debounceMs?: number;
  /** Force push diagnostics even when the client supports pull. */
  pushDiagnostics?: boolean;
  /** The `runsafe` settings, for clients that neither answer workspace/configuration nor push them. */
  settings?: unknown;
}

/** Settings under the `runsafe` section (VS Code `contributes.configuration`). */
export interface RunsafeSettings {
  /** Per rule or problem code: error, warning, info or off. */
  severity?: Record<string, 'error' | 'warning' | 'info' | 'off'>;
  /** Largest runbook checked, in characters. */
  maxFileSize?: number;
  /** `false` turns diagnostics off. */
  lint?: { enable?: boolean };
}
