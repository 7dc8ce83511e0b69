// `runsafe import`: a draft runbook from a Markdown or plain-text runbook a team already has.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import { importRunbook } from '../../../../server/src/markdown/import';
import { describeFileError, unreadable } from '../../node/file-errors';
import { parse } from '../args';
import { EXIT_OK, UsageError, type Command } from '../command';

const help = `Usage: runsafe import <document> [-o <out.runbook.yaml>] [--force]

Writes a draft runbook from a Markdown (*.md) or plain-text runbook: headings
become sections, fenced (or, in text, recognised) commands become run or sql
steps with titles from the prose before them, other prose becomes manual
steps, "Expected output: ..." becomes an expect check, "Do NOT ..." lines go to
safety, and <placeholder>, {env} and $VARS become inputs (secret when the
name says so). Every guess is marked with a "# review:" comment. Nothing of the
source is dropped and nothing is fixed: run "runsafe lint" on the draft to see
what to change.

  -o, --out <file>   write the draft here (default: standard output)
      --force        overwrite an existing --out file

Exit codes: 0 written, 2 usage or I/O error.
`;

export const importCommand: Command = {
  name: 'import',
  help,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { out: { type: 'string', short: 'o' }, force: { type: 'boolean', default: false } });
    if (positionals.length !== 1) throw new UsageError('give exactly one document to import');
    const src = positionals[0]!;
    const abs = (p: string) => (isAbsolute(p) ? p : join(io.cwd, p));
    let text: string;
    try {
      text = readFileSync(abs(src), 'utf8');
    } catch (err) {
      throw new UsageError(unreadable(src, err));
    }
    const r = importRunbook(text, basename(src));
    const out = values.out as string | undefined;
    if (out === undefined) {
      io.stdout.write(r.yaml);
      return EXIT_OK;
    }
    if (existsSync(abs(out)) && !values.force) throw new UsageError(`${out} already exists; pass --force to overwrite it`);
    try {
      writeFileSync(abs(out), r.yaml);
    } catch (err) {
      throw new UsageError(describeFileError(err, out, 'write') ?? `cannot write ${out}: ${(err as Error).message}`);
    }
    io.stderr.write(`runsafe import: wrote ${out}: ${r.sections} sections, ${r.steps} steps, ${r.inputs.length} inputs, ${r.checks} checks; review the "# review:" comments, then run: runsafe lint ${out}\n`);
    return EXIT_OK;
  },
};
