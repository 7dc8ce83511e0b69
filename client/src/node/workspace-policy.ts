// Finds and reads the workspace's `.runsafe.yaml` (nearest one at or above a folder) for the linter.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseYaml } from '../../../server/src/language/index';
import { workspacePolicyFrom, type WorkspacePolicy } from '../../../server/src/rules/policy';

export const workspaceConfigName = '.runsafe.yaml';

/** The nearest `.runsafe.yaml` at or above `dir`, or null. */
export function findWorkspaceConfig(dir: string): string | null {
  for (let d = dir; ; d = dirname(d)) {
    const p = join(d, workspaceConfigName);
    if (existsSync(p)) return p;
    if (dirname(d) === d) return null;
  }
}

/** Reads a `.runsafe.yaml`: `policy:` (as in a runbook) plus top-level `severity:` overrides, which win. */
export function readWorkspacePolicy(path: string): WorkspacePolicy {
  return workspacePolicyFromText(readFileSync(path, 'utf8'));
}

/** The same from a `.runsafe.yaml`'s text (a file at a git revision, say). */
export function workspacePolicyFromText(text: string): WorkspacePolicy {
  const data = parseYaml(text).data;
  const top = data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  const policy = workspacePolicyFrom(top.policy);
  const severity = workspacePolicyFrom({ severity: top.severity }).severity ?? {};
  return { ...policy, severity: { ...(policy.severity ?? {}), ...severity } };
}
