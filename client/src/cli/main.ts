// Entry point of the `runsafe` command line: argv -> a sub-command; the only process.exit.
import { commands } from './commands/index';
import { isUsageError, EXIT_USAGE, type CliIo } from './command';
import { version } from '../../../package.json';
import { describeFileError, reasons } from '../node/file-errors';
import { applyCliV8Flags } from './v8-flags';

// For `runsafe lint`'s worker threads (commands/lint-pool.ts): they load the lint bundle through this loader.
export { loadBundled } from './bundle-loader';
export { applyCliV8Flags } from './v8-flags';

function topHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'runsafe: executable, checkable, provable operational runbooks',
    '',
    'Usage: runsafe <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `runsafe <command> --help` for the options of a command.',
    'Exit codes: 0 success, 1 findings or failed verification, 2 usage or I/O error.',
    '',
  ].join('\n');
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(topHelp());
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`${version}\n`);
    return 0;
  }
  // `runsafe trust add` style commands register as "trust"; the rest of argv is theirs.
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    io.stderr.write(`runsafe: unknown command '${name}'\n\n${topHelp()}`);
    return EXIT_USAGE;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.help.endsWith('\n') ? command.help : `${command.help}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (isUsageError(err)) {
      io.stderr.write(`runsafe ${command.name}: ${err.message}\nRun 'runsafe ${command.name} --help' for usage.\n`);
      return EXIT_USAGE;
    }
    // A file-system error that reached here is said in words (never "EACCES: permission denied, open …").
    const message = describeFileError(err) ?? (err instanceof Error ? err.message : String(err));
    io.stderr.write(`runsafe ${command.name}: ${message}\n`);
    return EXIT_USAGE;
  }
}

if (require.main === module) {
  // Baseline wasm compiles and a small young generation (v8-flags.ts says why).
  applyCliV8Flags();
  // A reader that went away (`runsafe verify … | head`) ends the output, quietly: no EPIPE stack.
  // Commands that must react (run cancels) listen for it themselves.
  for (const [stream, name] of [[process.stdout, 'standard output'], [process.stderr, 'standard error']] as const) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') return;
      if (stream === process.stdout) process.stderr.write(`runsafe: cannot write to ${name}: ${reasons[err.code ?? ''] ?? err.code ?? 'error'}\n`);
      process.exitCode = EXIT_USAGE;
    });
  }
  const io: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd(), env: process.env };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`runsafe: internal error: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 70;
    },
  );
}
