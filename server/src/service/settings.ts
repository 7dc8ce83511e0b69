// Settings the service honours, and the workspace's `.runsafe.yaml` read into the same shape.
import { parseYaml, type Severity } from '../language/index';

export type SeverityOverride = Severity | 'off';

export interface ServiceSettings {
  /** Per-code severity overrides; `off` hides a code. Editor settings win over `.runsafe.yaml`. */
  severity: Record<string, SeverityOverride>;
  /** Workspace policy from `.runsafe.yaml` (append-only tables, secret names, …), passed to the linter. */
  policy: Record<string, unknown>;
  /** Largest document checked, in UTF-16 code units. */
  maxLength?: number;
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

/** Reads a `.runsafe.yaml` text (severity overrides and policy). Never throws; bad parts are ignored. */
export function readWorkspaceConfig(text: string): Pick<ServiceSettings, 'severity' | 'policy'> {
  const parsed = parseYaml(text);
  const data = parsed.data && typeof parsed.data === 'object' && !Array.isArray(parsed.data) ? (parsed.data as Record<string, unknown>) : {};
  const policy = data.policy && typeof data.policy === 'object' && !Array.isArray(data.policy) ? (data.policy as Record<string, unknown>) : {};
  return { severity: { ...severityMap(policy.severity), ...severityMap(data.severity) }, policy };
}

/**
 * Merges the workspace file and the editor's settings (a `runsafe` section from
 * workspace/configuration, any shape): the editor's severities override the file's.
 */
export function mergeSettings(workspace: Pick<ServiceSettings, 'severity' | 'policy'> | undefined, editor: unknown): ServiceSettings {
  const e = editor && typeof editor === 'object' ? (editor as Record<string, unknown>) : {};
  const settings: ServiceSettings = {
    severity: { ...(workspace?.severity ?? {}), ...severityMap(e.severity) },
    policy: { ...(workspace?.policy ?? {}) },
  };
  if (typeof e.maxFileSize === 'number' && e.maxFileSize > 0) settings.maxLength = e.maxFileSize;
  return settings;
}
