// Keys and remembered secret inputs in VS Code's SecretStorage: never in settings, files or logs.
import type * as vscode from 'vscode';
import type { Signer } from '../signing/keys';

// Ed25519 loads when a key is first used, not on activation.
const keys = () => import('../signing/keys');

const signingKey = 'runsafe.signingKey';
const previousKeys = 'runsafe.previousSigningKeys';
const inputKey = (runbookId: string, name: string) => `runsafe.input.${runbookId}.${name}`;
const rememberedIndex = 'runsafe.rememberedInputs';
const stateKeyName = 'runsafe.stateKey';

export class RunsafeSecrets {
  constructor(private readonly store: vscode.SecretStorage) {}

  /** The operator's signing key, if one was generated or imported. */
  async signer(): Promise<Signer | undefined> {
    const seed = await this.store.get(signingKey);
    if (!seed) return undefined;
    const { signerFromSeed, parseSeed } = await keys();
    return signerFromSeed(parseSeed(seed));
  }

  /** Stores a new signing key; the one it replaces is kept (by key id) so old approvals stay explainable. */
  async setSigner(seed: Uint8Array): Promise<Signer> {
    const { formatSeed, parseSeed, signerFromSeed } = await keys();
    const old = await this.store.get(signingKey);
    if (old) {
      const kept = JSON.parse((await this.store.get(previousKeys)) ?? '{}') as Record<string, string>;
      kept[signerFromSeed(parseSeed(old)).keyId] = old;
      await this.store.store(previousKeys, JSON.stringify(kept));
    }
    await this.store.store(signingKey, formatSeed(seed));
    return signerFromSeed(seed);
  }

  /** The current key and every key it replaced: the root key of a store this editor created may be among them. */
  async allSigners(): Promise<Signer[]> {
    const { signerFromSeed, parseSeed } = await keys();
    const seeds = [await this.store.get(signingKey), ...Object.values(JSON.parse((await this.store.get(previousKeys)) ?? '{}') as Record<string, string>)];
    return seeds.flatMap((seed) => (seed ? [signerFromSeed(parseSeed(seed))] : []));
  }

  /**
   * The key of the runs' encrypted secret state (a resume reads the secrets captured before it):
   * 32 random bytes created on first use, kept here only, handed to the runner in memory (never
   * argv, env, settings or a file in clear).
   */
  async stateKey(): Promise<Buffer> {
    const stored = await this.store.get(stateKeyName);
    if (stored && /^[0-9a-f]{64}$/.test(stored)) return Buffer.from(stored, 'hex');
    const { randomBytes } = await import('node:crypto');
    const key = randomBytes(32);
    await this.store.store(stateKeyName, key.toString('hex'));
    return key;
  }

  async rememberedInput(runbookId: string, name: string): Promise<string | undefined> {
    return this.store.get(inputKey(runbookId, name));
  }

  async rememberInput(runbookId: string, name: string, value: string): Promise<void> {
    await this.store.store(inputKey(runbookId, name), value);
    const index = new Set(JSON.parse((await this.store.get(rememberedIndex)) ?? '[]') as string[]);
    index.add(inputKey(runbookId, name));
    await this.store.store(rememberedIndex, JSON.stringify([...index]));
  }

  /** Forgets every remembered secret input; returns how many there were. */
  async forgetInputs(): Promise<number> {
    const index = JSON.parse((await this.store.get(rememberedIndex)) ?? '[]') as string[];
    for (const k of index) await this.store.delete(k);
    await this.store.delete(rememberedIndex);
    return index.length;
  }
}
