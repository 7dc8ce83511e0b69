// Reads files and changes at git revisions for `runsafe review` (git itself, through execFile: no shell).
import { execFileSync } from 'node:child_process';

export class GitError extends Error {
  override name = 'GitError';
}

function git(cwd: string, args: string[]): Buffer {
  try {
    return execFileSync('git', args, { cwd, maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT') throw new GitError('git is not installed (or not on PATH)');
    const msg = e.stderr?.toString('utf8').trim().split('\n')[0] ?? '';
    throw new GitError(msg.replace(/^fatal: /, '') || `git ${args[0]} failed`);
  }
}

/** The repository's top folder, or a clear error outside a repository. */
export function repoRoot(cwd: string): string {
  try {
    return git(cwd, ['rev-parse', '--show-toplevel']).toString('utf8').trim();
  } catch {
    throw new GitError(`${cwd} is not inside a git repository`);
  }
}

/** A revision's commit id; an unknown revision is an error that names it. */
export function resolveRevision(cwd: string, rev: string): string {
  if (rev.startsWith('-')) throw new GitError(`'${rev}' is not a revision`);
  try {
    return git(cwd, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]).toString('utf8').trim();
  } catch {
    throw new GitError(`unknown revision '${rev}'`);
  }
}

export function mergeBase(cwd: string, a: string, b: string): string {
  return git(cwd, ['merge-base', a, b]).toString('utf8').trim();
}

export interface ChangedFile {
  status: 'added' | 'deleted' | 'modified' | 'renamed';
  path: string;
  oldPath?: string;
}

/** Files that differ between two commits (renames detected), limited to `paths` when given. */
export function changedFiles(cwd: string, base: string, head: string, paths: string[]): ChangedFile[] {
  const out = git(cwd, ['diff', '--name-status', '-z', '-M', '--no-ext-diff', base, head, '--', ...paths]).toString('utf8').split('\0');
  const files: ChangedFile[] = [];
  for (let i = 0; i < out.length - 1; ) {
    const code = out[i++]!;
    if (code.startsWith('R') || code.startsWith('C')) {
      const oldPath = out[i++]!;
      const path = out[i++]!;
      files.push(code.startsWith('R') ? { status: 'renamed', path, oldPath } : { status: 'added', path });
    } else {
      const path = out[i++]!;
      files.push({ status: code === 'A' ? 'added' : code === 'D' ? 'deleted' : 'modified', path });
    }
  }
  return files;
}

/** A file's bytes at a commit, or undefined when it does not exist there. */
export function fileAt(cwd: string, commit: string, path: string): Buffer | undefined {
  try {
    git(cwd, ['cat-file', '-e', `${commit}:${path}`]);
  } catch {
    return undefined;
  }
  return git(cwd, ['cat-file', 'blob', `${commit}:${path}`]);
}
