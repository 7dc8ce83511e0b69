// One run of a runbook at a time per workspace: an exclusive lock file, keyed by the runbook's real path, recovered only when its run and its step's group are gone.
import { createHash, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, realpathSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { liveGroupMembers } from './process';
import { hostname } from 'node:os';
import { join } from 'node:path';

export interface LockOwner {
  pid: number;
  host: string;
  runbook: string;
  started: string;
  /** Distinguishes this lock from a later one by a process that reused the pid. */
  nonce: string;
  /** The process group of the step running now: the lock is not stale while a member lives. */
  group?: number;
  /** The run's transcript, so the next run can say how that run ended. */
  transcript?: string;
}

export class LockHeldError extends Error {
  override name = 'LockHeldError';
  constructor(
    readonly path: string,
    readonly owner: LockOwner | undefined,
    /** Members of a dead run's step group that still run. */
    readonly survivors: number[] = [],
  ) {
    super(
      owner && survivors.length
        ? `the run of ${owner.runbook} that held the lock (pid ${owner.pid}) died, but its step's process group ${owner.group} still runs (pid ${survivors.join(', ')}); end it (kill -TERM -- -${owner.group}) and run again; lock: ${path}`
        : owner
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
  /** Records the step group now running (undefined between steps), and the transcript path. */
  update(fields: { group?: number; transcript?: string }): void;
  release(): void;
}

/**
 * The lock file of a runbook in a workspace: `.runsafe/locks/<id>-<hash of the real path>.lock`.
 * The real path, so a symlink (or `./a/../x.runbook.yaml`) to the runbook shares its lock.
 */
export function lockPath(workspace: string, runbookId: string, runbookPath: string): string {
  const safeId = runbookId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64) || 'runbook';
  let real = runbookPath;
  try {
    real = realpathSync(runbookPath);
  } catch {
    // Not on disk (a test's made-up path): the path as given.
  }
  const tag = createHash('sha256').update(`${runbookId}\0${real}`).digest('hex').slice(0, 12);
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

/** The owner of a lock file while its process lives on this host (a run in progress), else undefined. */
export function liveOwner(path: string): LockOwner | undefined {
  const owner = readOwner(path);
  return owner && owner.host === hostname() && alive(owner.pid) ? owner : undefined;
}

function isStale(owner: LockOwner | undefined): owner is LockOwner {
  return owner !== undefined && owner.host === hostname() && !alive(owner.pid) && survivorsOf(owner).length === 0;
}

function heldError(path: string, owner: LockOwner | undefined): LockHeldError {
  return new LockHeldError(path, owner, owner && owner.host === hostname() && !alive(owner.pid) ? survivorsOf(owner) : []);
}

/** Members of the owner's recorded step group still running (a dead run's orphans). */
function survivorsOf(owner: LockOwner | undefined): number[] {
  return owner?.group !== undefined && owner.host === hostname() ? liveGroupMembers(owner.group) : [];
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
        update(fields) {
          if (readOwner(path)?.nonce !== owner.nonce) return;
          if ('group' in fields) owner.group = fields.group;
          if (fields.transcript !== undefined) owner.transcript = fields.transcript;
          // Written aside and renamed over: the lock file is never seen half-written.
          const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
          writeFileSync(tmp, `${JSON.stringify(owner)}\n`, { mode: 0o644 });
          renameSync(tmp, path);
        },
        release() {
          // Only remove the lock if it is still ours.
          if (readOwner(path)?.nonce === owner.nonce) unlinkSync(path);
        },
      };
    }
    const current = readOwner(path);
    if (!isStale(current)) throw heldError(path, readOwner(path));
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
  throw heldError(path, readOwner(path));
}
