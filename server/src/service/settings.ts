// Settings the service honours, and the workspace's `.runsafe.yaml` read into the same shape.
import { parseYaml, type Severity } from '../language/index';
import { workspacePolicyFrom, type WorkspacePolicy } from '../rules/policy';

export type SeverityOverride = Severity | 'off';

export interface ServiceSettings {
  /** Per-code severity overrides; `off` hides a code. Editor settings win over `.runsafe.yaml`. */
  severity: Record<string, SeverityOverride>;
  /** Workspace policy from `.runsafe.yaml` (append-only tables, secret names, …), passed to the linter. */
  policy: WorkspacePolicy;
  /** Largest document checked, in UTF-16 code units. */
  maxLength?: number;
  /** `runsafe.lint.enable: false` turns diagnostics off (the other features stay). */
  lint?: boolean;
  /** `runsafe.markdown`: lint Markdown runbooks' fences (all, or those matching `include`). */
  markdown?: { enable: boolean; include: string[] };
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

/**
 * Reads a `.runsafe.yaml` text: `severity:` and the policy fields (`append_only_tables`,
 * `secret_names`, `dangerous_commands`, `approvals.required`), at the top level or under
 * `policy:`. Never throws; parts of the wrong shape are ignored.
 */
export function readWorkspaceConfig(text: string): Pick<ServiceSettings, 'severity' | 'policy'> {
  const data = object(parseYaml(text).data);
  const policySection = object(data.policy);
  const severity = { ...severityMap(policySection.severity), ...severityMap(data.severity) };
  // The rule engine reads the policy fields; `policy:` wins over the same field at the top level.
  const policy = workspacePolicyFrom({ ...data, ...policySection, severity });
  if (!Object.keys(severity).length) delete policy.severity;
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
  const md = object(e.markdown);
  const include = Array.isArray(md.include) ? md.include.filter((x): x is string => typeof x === 'string' && x !== '') : typeof md.include === 'string' && md.include ? [md.include] : [];
  if (md.enable === true || include.length) settings.markdown = { enable: md.enable === true, include };
  return settings;
}
