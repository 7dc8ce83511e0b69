// Plain words for file-system errors (what happened to which path, what to do); Node's raw text never reaches a user.
import { closeSync, fstatSync, openSync } from 'node:fs';

/** The reason, in words, for the error codes users meet when a path is wrong. */
export const reasons: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ELOOP: 'too many symbolic links',
  EEXIST: 'already exists',
  ENOSPC: 'no space left on the device',
  EROFS: 'the file system is read-only',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the name is too long',
};

/** What to do, where one thing helps. */
const advice: Record<string, string> = {
  EACCES: 'check its permissions',
  EEXIST: 'choose another path or remove it first',
  EISDIR: 'give a file',
  ENOSPC: 'free some space and try again',
};

const verbs: Record<string, string> = {
  open: 'open',
  read: 'read',
  write: 'write',
  mkdir: 'create the folder',
  rename: 'move',
  unlink: 'remove',
  rmdir: 'remove the folder',
  scandir: 'list the folder',
  stat: 'read',
  lstat: 'read',
  access: 'read',
  copyfile: 'copy',
  chmod: 'change the permissions of',
};

function isErrno(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string' && /^E[A-Z]+$/.test((err as NodeJS.ErrnoException).code!);
}

/**
 * "cannot read x.runbook.yaml: permission denied (check its permissions)" for a Node file-system
 * error, or undefined for anything else. `verb` overrides the operation read from the error.
 */
export function describeFileError(err: unknown, path?: string, verb?: string): string | undefined {
  if (!isErrno(err)) return undefined;
  const code = err.code!;
  const where = path ?? err.path ?? 'the file';
  const reason = reasons[code] ?? `error ${code}`;
  const hint = advice[code] ? ` (${advice[code]})` : '';
  if (code === 'EEXIST') return `${where} ${reason}${hint}`;
  return `cannot ${verb ?? verbs[err.syscall ?? ''] ?? 'use'} ${where}: ${reason}${hint}`;
}

/** The same words for an unreadable file, in every command: "cannot read <path>: <reason>". */
export function unreadable(path: string, err: unknown): string {
  return describeFileError(err, path, 'read') ?? `cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`;
}

/** Throws the file-system error of a path that is not a readable file (a folder is EISDIR); reads nothing. */
export function assertReadableFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    if (fstatSync(fd).isDirectory()) throw Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR', syscall: 'read', path });
  } finally {
    closeSync(fd);
  }
}
