// The contract every `runsafe` sub-command implements; main.ts dispatches to them.

/** What a command may touch of the outside world; tests pass their own. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface Command {
  name: string;
  /** Full help text for `runsafe <name> --help`. */
  help: string;
  /** Returns the process exit code: 0 success, 1 findings/failure, 2 usage or I/O error. */
  run(argv: string[], io: CliIo): Promise<number>;
}

const usageBrand = Symbol.for('runsafe.UsageError');

/** A usage error: printed with the command's help hint and exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly [usageBrand] = true;
}

/**
 * Whether `err` is a UsageError. Each sub-command is its own bundle (client/src/cli/bundle-loader.ts)
 * with its own copy of the class, so main.ts cannot rely on `instanceof`; the registered symbol is shared.
 */
export function isUsageError(err: unknown): err is UsageError {
  return err instanceof Error && (err as unknown as Record<symbol, unknown>)[usageBrand] === true;
}

/** Exit codes shared by all commands, so scripts can rely on them. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;
