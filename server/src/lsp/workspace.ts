// Node side of the workspace view: workspace folders, their `.runsafe.yaml`, and runbook files
// on disk (for workspace diagnostics). Reading errors become empty results, never crashes.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readWorkspaceConfig, type ServiceSettings } from '../service/index';
import { workspaceConfigFiles } from './protocol';

export type WorkspaceConfig = Pick<ServiceSettings, 'severity' | 'policy'>;

export function uriToPath(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

export function pathToUri(path: string): string {
  return pathToFileURL(path).toString();
}

export class Workspace {
  private folders: string[] = [];
  private configs = new Map<string, WorkspaceConfig>();

  setFolders(uris: string[]): void {
    this.folders = uris.map(uriToPath).filter((p): p is string => !!p);
    this.configs.clear();
  }

  get roots(): readonly string[] {
    return this.folders;
  }

  /** The folder holding a document: the longest workspace root that is a prefix of its path. */
  folderOf(uri: string): string | undefined {
    const path = uriToPath(uri);
    if (!path) return undefined;
    return this.folders.filter((f) => path === f || path.startsWith(f.endsWith(sep) ? f : f + sep)).sort((a, b) => b.length - a.length)[0];
  }

  /** The `.runsafe.yaml` of the document's folder, read once until `reload`. */
  configFor(uri: string): WorkspaceConfig | undefined {
    const folder = this.folderOf(uri);
    if (!folder) return undefined;
    let c = this.configs.get(folder);
    if (!c) {
      let text = '';
      for (const name of workspaceConfigFiles) {
        try {
          text = readFileSync(join(folder, name), 'utf8');
          break;
        } catch {
          // No file (or unreadable): try the next name; defaults apply when none is there.
        }
      }
      c = readWorkspaceConfig(text);
      this.configs.set(folder, c);
    }
    return c;
  }

  reload(): void {
    this.configs.clear();
  }

  /** Runbook files under the workspace folders, skipping dependency and VCS folders; bounded. */
  runbookFiles(limit = 5000): string[] {
    const out: string[] = [];
    const skip = new Set(['node_modules', '.git', 'out', 'build', '.vscode-test']);
    const walk = (dir: string, depth: number) => {
      if (out.length >= limit || depth > 12) return;
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        return;
      }
      for (const name of names) {
        if (out.length >= limit) return;
        const p = join(dir, name);
        if (/\.runbook\.ya?ml$/.test(name)) out.push(p);
        else if (!skip.has(name) && !name.startsWith('.')) {
          try {
            if (statSync(p).isDirectory()) walk(p, depth + 1);
          } catch {
            // A file that vanished mid-walk.
          }
        }
      }
    };
    for (const f of this.folders) walk(f, 0);
    return out;
  }
}
