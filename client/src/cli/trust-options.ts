// `--trust FILE [--allow-unsigned-store]` for the commands that verify: load the signed store, pin its version, print notes.
import { join } from 'node:path';
import { loadTrust, type LoadedTrust } from '../node/trust-file';
import type { CliIo } from './command';

export const TRUST_OPTIONS = {
  trust: { type: 'string' },
  'allow-unsigned-store': { type: 'boolean', default: false },
} as const;

/**
 * The trust store named by --trust, verified (root signatures, rollback pin under
 * `<workspace>/.runsafe/`), or undefined without --trust. Notes (first use, an unsigned store
 * allowed for a demo) go to stderr so they are never lost in a verdict's output.
 */
export function trustFromOptions(values: Record<string, unknown>, io: CliIo, command: string, workspace = io.cwd): LoadedTrust | undefined {
  if (values.trust === undefined) return undefined;
  const loaded = loadTrust(values.trust as string, { stateDir: join(workspace, '.runsafe'), allowUnsigned: values['allow-unsigned-store'] === true });
  for (const n of loaded.notes) io.stderr.write(`runsafe ${command}: ${n}\n`);
  return loaded;
}
