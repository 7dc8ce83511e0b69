// Settings the service honours, and the workspace's `.runsafe.yaml` read into the same shape.
import { parseYaml, type Severity } from '../language/index';

export type SeverityOverride = Severity | 'off';

/** The workspace policy the rule engine takes (`LintOptions.workspacePolicy`), from `.runsafe.yaml`. */
export interface WorkspacePolicyShape {
  appendOnlyTables?: string[];
  secretNames?: string[];
  dangerousCommands?: string[];
  approvalsRequired?: number;
  severity?: Record<string, SeverityOverride>;
}

export interface ServiceSettings {
  /** Per-code severity overrides; `off` hides a code. Editor settings win over `.runsafe.yaml`. */
  severity: Record<string, SeverityOverride>;
  /** Workspace policy from `.runsafe.yaml` (append-only tables, secret names, …), passed to the linter. */
  policy: WorkspacePolicyShape;
  /** Largest document checked, in UTF-16 code units. */
  maxLength?: number;
  /** `runsafe.lint.enable: false` turns diagnostics off (the other features stay). */
  lint?: boolean;
}

export const defaultSettings: ServiceSettings = { severity: {}, policy: {} };

const severities = new Set(['error', 'warning', 'info', 'off']);

function severityMap(value: unknown): Record<string, SeverityOverride> {
  const out: Record<string, SeverityOverride> = {};
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) if (typeof v === 'string' && severities.has(v)) out[k] = v as SeverityOverride;
  }
  return out;
}

function object(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : undefined;
}

/**
 * Reads a `.runsafe.yaml` text: `severity:` and the policy fields (`append_only_tables`,
 * `secret_names`, `dangerous_commands`, `approvals.required`), at the top level or under
 * `policy:`. Never throws; parts of the wrong shape are ignored.
 */
export function readWorkspaceConfig(text: string): Pick<ServiceSettings, 'severity' | 'policy'> {
  const data = object(parseYaml(text).data);
  const policySection = object(data.policy);
  const field = (k: string) => policySection[k] ?? data[k];
  const severity = { ...severityMap(policySection.severity), ...severityMap(data.severity) };
  const policy: WorkspacePolicyShape = {};
  const tables = strings(field('append_only_tables'));
  if (tables) policy.appendOnlyTables = tables;
  const secrets = strings(field('secret_names'));
  if (secrets) policy.secretNames = secrets;
  const dangerous = strings(field('dangerous_commands'));
  if (dangerous) policy.dangerousCommands = dangerous;
  const required = object(field('approvals')).required;
  if (typeof required === 'number') policy.approvalsRequired = required;
  if (Object.keys(severity).length) policy.severity = severity;
  return { severity, policy };
}

/**
 * Merges the workspace file and the editor's settings (a `runsafe` section from
 * workspace/configuration, any shape): the editor's severities override the file's.
 */
export function mergeSettings(workspace: Pick<ServiceSettings, 'severity' | 'policy'> | undefined, editor: unknown): ServiceSettings {
  const e = object(editor);
  const settings: ServiceSettings = {
    severity: { ...(workspace?.severity ?? {}), ...severityMap(e.severity) },
    policy: { ...(workspace?.policy ?? {}) },
  };
  if (typeof e.maxFileSize === 'number' && e.maxFileSize > 0) settings.maxLength = e.maxFileSize;
  if (object(e.lint).enable === false) settings.lint = false;
  return settings;
}
