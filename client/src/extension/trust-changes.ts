// Trust store changes from the editor: the next version signed by its root keys (kept in secret storage, or a key file picked), or nothing written and what to run instead.
import * as vscode from 'vscode';
import { relative } from 'node:path';
import type { Signer } from '../signing/keys';
import type { TrustStore } from '../signing/trust-store';
import type { RunsafeSecrets } from './secrets';

export interface TrustChangeRequest {
  /** The trust store file and the workspace folder it belongs to. */
  path: string;
  workspace: string;
  /** What the change does, for the prompts ("add key 1234… for alice@host"). */
  what: string;
  change: (store: TrustStore) => TrustStore;
  /** What a root key holder can run instead (no key material in it). */
  instead: string;
}

/**
 * Writes the change as the next version of the store, signed by root keys: first those in VS Code's
 * secret storage (a store this editor created has the operator's first key as its root), then key
 * files the operator picks, until the threshold is met. Root key files are read once for the
 * signature and never copied, logged or remembered. Declining writes nothing and says what to run.
 */
export async function signedTrustChange(req: TrustChangeRequest, secrets: RunsafeSecrets, log: vscode.LogOutputChannel): Promise<{ version: number } | undefined> {
  const { commitTrustChange, trustStateDir } = await import('../node/trust-change');
  const { readKeyFile } = await import('../node/key-file');
  const shown = relative(req.workspace, req.path) || req.path;
  const held = await secrets.allSigners();
  const picked: Signer[] = [];
  for (;;) {
    const r = commitTrustChange(req.path, { stateDir: trustStateDir(req.workspace), signers: [...held, ...picked], change: req.change });
    if (r.written) {
      log.info(`${req.what}: ${shown} version ${r.version}, signed by root key(s) ${r.signedBy.join(', ')}`);
      return { version: r.version };
    }
    const choose = 'Choose Root Key File…';
    const need = `${shown} is signed by its root key(s) ${r.rootKeys.join(', ')}, ${r.threshold} of them per version${r.have.length ? ` (${r.have.length} at hand)` : ''}`;
    const pick = await vscode.window.showWarningMessage(`Runsafe: to ${req.what}, ${need}. Choose a root key file to sign version ${r.version}?`, choose, 'Cancel');
    const file = pick === choose ? await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Sign with this root key', title: `Runsafe: root key file for ${shown}`, defaultUri: vscode.Uri.file(req.workspace) }) : undefined;
    if (!file?.[0]) {
      log.warn(`${req.what}: nothing written to ${shown}: no root key to sign version ${r.version}`);
      void vscode.window.showWarningMessage(`Runsafe: nothing written to ${shown} (it needs a signature by its root key). A root key holder can run: ${req.instead}`);
      return undefined;
    }
    try {
      const signer = readKeyFile(file[0].fsPath);
      if (!r.rootKeys.includes(signer.keyId)) void vscode.window.showErrorMessage(`Runsafe: ${file[0].fsPath} holds key ${signer.keyId}, which is not a root key of ${shown} (${r.rootKeys.join(', ')}).`);
      else picked.push(signer);
    } catch (err) {
      // key-file's messages name the file and the problem, never the key.
      void vscode.window.showErrorMessage(`Runsafe: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
