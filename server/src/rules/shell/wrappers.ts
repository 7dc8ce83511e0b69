// Finds the command a word list really runs by peeling wrappers (sudo, env, timeout, xargs, kubectl exec…).

/** Options of each wrapper that take a separate argument; other options are flags. */
interface WrapperSpec {
  /** Short options taking an argument (`-u user`); also accepted glued (`-uuser`). */
  withArg: string;
  /** Long options taking an argument when written without `=`. */
  longWithArg?: string[];
  /** Accepts `NAME=value` words before the command, which set its environment. */
  assignments?: boolean;
  /** Positional words to skip after the options (timeout's duration). */
  positionals?: number;
  /** Options after which the wrapper runs nothing (`command -v`, `sudo -l`). */
  noExec?: string;
}

const wrappers: Record<string, WrapperSpec> = {
  sudo: { withArg: 'ugpChDrtTUR', longWithArg: ['--user', '--group', '--prompt', '--host', '--chdir', '--role', '--type', '--close-from', '--other-user'], assignments: true, noExec: 'lvVK' },
  doas: { withArg: 'uC', assignments: false },
  env: { withArg: 'uCS', longWithArg: ['--unset', '--chdir', '--split-string'], assignments: true },
  command: { withArg: '', noExec: 'vV' },
  exec: { withArg: 'a' },
  nohup: { withArg: '' },
  nice: { withArg: 'n', longWithArg: ['--adjustment'] },
  ionice: { withArg: 'cnp', longWithArg: ['--class', '--classdata', '--pid'] },
  time: { withArg: 'fo', longWithArg: ['--format', '--output'] },
  stdbuf: { withArg: 'ioe', longWithArg: ['--input', '--output', '--error'] },
  setsid: { withArg: '' },
  timeout: { withArg: 'sk', longWithArg: ['--signal', '--kill-after'], positionals: 1 },
  xargs: { withArg: 'IiLlnPdEesa', longWithArg: ['--max-args', '--max-procs', '--delimiter', '--eof', '--max-chars', '--arg-file', '--replace', '--max-lines', '--process-slot-var'] },
  chronic: { withArg: '' },
  unbuffer: { withArg: '' },
  'ssh-agent': { withArg: 'aEPt' },
};

/** Tools whose subcommand runs the rest of the words as a command. */
const runSubcommand: Record<string, string> = { bundle: 'exec', poetry: 'run', pipenv: 'run', uv: 'run', rbenv: 'exec', pyenv: 'exec' };
/** Names of helper functions that run their arguments (`log_and_run`, `cond_log_or_run`, `with_exec`). */
const runHelper = /^[A-Za-z][\w-]*[_-](run|exec)$/;

/** Options (short letters) that take an argument, for `docker exec` and friends. */
const containerExecWithArg = 'euw';
const containerExecLongWithArg = ['--env', '--user', '--workdir', '--env-file', '--detach-keys', '--index'];

export interface Resolution {
  /** Index of the word naming the command that runs, or -1 when none does (`sudo -l`, `env` alone). */
  nameIndex: number;
  wrappers: string[];
  /** Indexes of `NAME=value` words consumed by `env`/`sudo`: they set the command's environment. */
  assignmentIndexes: number[];
}

const assignmentWord = /^[A-Za-z_][A-Za-z0-9_]*=/;

export function basename(word: string): string {
  const slash = word.lastIndexOf('/');
  return slash >= 0 ? word.slice(slash + 1) : word;
}

/**
 * Resolves which word is the command. `words` are the static values of the command's words (null when
 * a word is dynamic); a dynamic word where a wrapper expects its command stops the resolution there.
 */
export function resolveCommand(words: (string | null)[], leads: string[] = []): Resolution {
  const found: string[] = [];
  const assignmentIndexes: number[] = [];
  let i = 0;
  for (let guard = 0; guard < 16 && i < words.length; guard++) {
    const w = words[i];
    if (w === null || w === undefined) break;
    const name = basename(w);
    const spec = wrappers[name];
    if (spec) {
      const next = skipOptions(words, leads, i + 1, spec, assignmentIndexes);
      if (next < 0) return { nameIndex: -1, wrappers: [...found, name], assignmentIndexes };
      // A wrapper with nothing after it is itself the command (`env` prints the environment).
      if (next >= words.length) break;
      found.push(name);
      i = next;
      continue;
    }
    // `bundle exec cmd`, `poetry run cmd`: a tool's subcommand that runs the next word.
    const lead = runSubcommand[name];
    if (lead && words[i + 1] === lead && i + 2 < words.length) {
      found.push(`${name} ${lead}`);
      i += 2;
      continue;
    }
    // `log_or_run aws kms …`, `p6_log_and_run kubectl …`: helpers (defined elsewhere) that run their arguments.
    const next = words[i + 1];
    if (runHelper.test(name) && !/dry/i.test(name) && typeof next === 'string' && /^[a-z][\w.+-]*$/.test(basename(next))) {
      found.push(name);
      i += 1;
      continue;
    }
    const sub = remoteExec(words, i);
    if (sub) {
      if (sub.next >= words.length) break;
      found.push(sub.name);
      i = sub.next;
      continue;
    }
    break;
  }
  return { nameIndex: i < words.length ? i : -1, wrappers: found, assignmentIndexes };
}

/** Returns the index after the wrapper's options, or -1 when the options mean nothing is executed. */
function skipOptions(words: (string | null)[], leads: string[], start: number, spec: WrapperSpec, assignmentIndexes: number[]): number {
  let i = start;
  while (i < words.length) {
    const w = words[i];
    if (w === null || w === undefined) {
      // `env TOKEN="$T" cmd`: a dynamic word is still an assignment when its literal start is NAME=.
      if (spec.assignments && assignmentWord.test(leads[i] ?? '')) {
        assignmentIndexes.push(i);
        i += 1;
        continue;
      }
      return i;
    }
    if (w === '--') return i + 1;
    if (w.startsWith('--')) {
      const eq = w.indexOf('=');
      if (eq < 0 && spec.longWithArg?.includes(w)) i += 2;
      else i += 1;
      continue;
    }
    if (w.startsWith('-') && w.length > 1 && !/^-\d+$/.test(w)) {
      const letters = w.slice(1);
      if (spec.noExec && [...letters].some((c) => spec.noExec!.includes(c))) return -1;
      // The first letter that takes an argument consumes the rest of the word or the next word.
      const k = [...letters].findIndex((c) => spec.withArg.includes(c));
      i += k >= 0 && k === letters.length - 1 ? 2 : 1;
      continue;
    }
    // `nice -10 cmd`: an old-style numeric adjustment.
    if (/^-\d+$/.test(w)) {
      i += 1;
      continue;
    }
    if (spec.assignments && assignmentWord.test(w)) {
      assignmentIndexes.push(i);
      i += 1;
      continue;
    }
    break;
  }
  return i + (spec.positionals ?? 0);
}

/** `kubectl exec pod -- cmd`, `docker exec -it box cmd`, `docker compose exec svc cmd`: the command runs inside. */
function remoteExec(words: (string | null)[], i: number): { name: string; next: number } | null {
  const tool = basename(words[i] ?? '');
  if (tool === 'kubectl' || tool === 'oc') {
    const dashdash = words.indexOf('--', i + 1);
    const execAt = words.indexOf('exec', i + 1);
    if (execAt < 0 || dashdash < 0 || execAt > dashdash) return null;
    return { name: `${tool} exec`, next: dashdash + 1 };
  }
  if (tool === 'docker' || tool === 'podman' || tool === 'docker-compose') {
    let j = i + 1;
    if (words[j] === 'compose') j++;
    if (words[j] !== 'exec') return null;
    j++;
    while (j < words.length) {
      const w = words[j];
      if (w === null || w === undefined) return null;
      if (w === '--') {
        j++;
        break;
      }
      if (!w.startsWith('-')) break;
      if (w.startsWith('--')) j += !w.includes('=') && containerExecLongWithArg.includes(w) ? 2 : 1;
      else j += containerExecWithArg.includes(w[w.length - 1]!) && w.length === 2 ? 2 : 1;
    }
    // The container (or compose service) name, then the command.
    return { name: `${tool === 'docker-compose' ? 'docker compose' : words[i + 1] === 'compose' ? `${tool} compose` : tool} exec`, next: j + 1 };
  }
  return null;
}
