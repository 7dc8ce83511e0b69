// One run of a runbook at a time per workspace: an exclusive lock file with stale-lock recovery.
import { createHash, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export interface LockOwner {
  pid: number;
  host: string;
  runbook: string;
  started: string;
  /** Distinguishes this lock from a later one by a process that reused the pid. */
  nonce: string;
}

export class LockHeldError extends Error {
  override name = 'LockHeldError';
  constructor(
    readonly path: string,
    readonly owner: LockOwner | undefined,
  ) {
    super(
      owner
        ? `another run of ${owner.runbook} is in progress (pid ${owner.pid} on ${owner.host}, since ${owner.started}); lock: ${path}` +
            (owner.host !== hostname() ? ' (held from another host: remove the file by hand once that run is over)' : '')
        : `another run holds the lock ${path}`,
    );
  }
}

export interface RunLock {
  path: string;
  owner: LockOwner;
  /** True when a stale lock of a dead run was taken over. */
  recovered?: LockOwner;
  release(): void;
}

/** The lock file of a runbook in a workspace: `.runsafe/locks/<id>-<hash of the path>.lock`. */
export function lockPath(workspace: string, runbookId: string, runbookPath: string): string {
  const safeId = runbookId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64) || 'runbook';
  const tag = createHash('sha256').update(runbookPath).digest('hex').slice(0, 12);
  return join(workspace, '.runsafe', 'locks', `${safeId}-${tag}.lock`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
    return typeof v.pid === 'number' && typeof v.host === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Creates `path` holding `content` atomically: it appears complete or not at all (link fails if it exists). */
function createExclusive(path: string, content: string): boolean {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, content, { mode: 0o644 });
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(tmp);
  }
}

function isStale(owner: LockOwner | undefined): owner is LockOwner {
  return owner !== undefined && owner.host === hostname() && !alive(owner.pid);
}

/**
 * Takes the lock or throws LockHeldError. A lock whose owner process is gone (same host) is
 * stale: it is moved aside under a takeover file, and only after re-reading that it is still
 * the same dead owner's lock (same nonce), so two runs recovering at once cannot both win.
 */
export function acquireLock(path: string, runbook: string, now: () => Date = () => new Date()): RunLock {
  mkdirSync(join(path, '..'), { recursive: true });
  const owner: LockOwner = { pid: process.pid, host: hostname(), runbook, started: now().toISOString(), nonce: randomBytes(8).toString('hex') };
  const content = `${JSON.stringify(owner)}\n`;
  let recovered: LockOwner | undefined;
  for (let round = 0; round < 3; round++) {
    if (createExclusive(path, content)) {
      return {
        path,
        owner,
        recovered,
        release() {
          // Only remove the lock if it is still ours.
          if (readOwner(path)?.nonce === owner.nonce) unlinkSync(path);
        },
      };
    }
    const current = readOwner(path);
    if (!isStale(current)) throw new LockHeldError(path, current);
    const takeover = `${path}.takeover`;
    if (!createExclusive(takeover, content)) {
      const other = readOwner(takeover);
      if (isStale(other)) unlinkSync(takeover);
      continue;
    }
    try {
      const again = readOwner(path);
      if (again?.nonce === current.nonce) {
        renameSync(path, `${path}.stale-${current.pid}`);
        recovered = current;
      }
    } finally {
      unlinkSync(takeover);
    }
  }
  throw new LockHeldError(path, readOwner(path));
}
