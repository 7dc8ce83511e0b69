// Tracks where stdout and stderr go as redirections apply in order, the way the shell's fd table does.
import type { StreamTarget } from './types';

export interface Streams {
  out: StreamTarget;
  err: StreamTarget;
}

/** Where output sent to a file path goes. */
function pathTarget(path: string | null, streams: Streams): StreamTarget {
  if (path === null) return 'file';
  if (path === '/dev/null') return 'null';
  if (path === '/dev/stdout' || path === '/dev/fd/1') return streams.out;
  if (path === '/dev/stderr' || path === '/dev/fd/2') return streams.err;
  if (path === '/dev/tty') return 'terminal';
  return 'file';
}

/**
 * Applies one redirection. `fd` is the explicit descriptor or null; `target` the static destination
 * (null when dynamic). Returns the new streams; input redirections leave them unchanged.
 */
export function applyRedirect(streams: Streams, operator: string, fd: number | null, target: string | null): Streams {
  const next = { ...streams };
  const set = (n: number, t: StreamTarget): void => {
    if (n === 1) next.out = t;
    else if (n === 2) next.err = t;
  };
  switch (operator) {
    case '>':
    case '>>':
    case '>|':
      set(fd ?? 1, pathTarget(target, streams));
      break;
    case '&>':
    case '&>>':
      next.out = next.err = pathTarget(target, streams);
      break;
    case '>&':
    case '<&': {
      const n = fd ?? 1;
      if (target === '-') set(n, 'closed');
      else if (target === '1') set(n, streams.out);
      else if (target === '2') set(n, streams.err);
      else if (target !== null && /^\d+$/.test(target)) set(n, 'file');
      // `>&file` without a descriptor is bash's spelling of `&>file`.
      else if (fd === null && operator === '>&') next.out = next.err = pathTarget(target, streams);
      else set(n, pathTarget(target, streams));
      break;
    }
    case '>&-':
    case '<&-':
      set(fd ?? (operator === '>&-' ? 1 : 0), 'closed');
      break;
    default:
      break;
  }
  return next;
}
