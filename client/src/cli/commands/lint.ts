// `runsafe lint`: check runbooks against the format and the safety rules, in four output formats.
import { existsSync } from 'node:fs';
import { relative, isAbsolute, join } from 'node:path';
import { initShellOnlyFromDisk, withSqlParser } from '../../../../server/src/shell-wasm';
import { findWorkspaceConfig } from '../../node/workspace-policy';
import { findRunbooks } from '../../node/runbook-files';
import { lintBytes, lintFile } from './lint-file';
import { laneCount, lintInPool, lintSerially, optionsOf, type PoolJob } from './lint-pool';
import { parse, readAll, useColor } from '../args';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError, type Command } from '../command';
import { formatGithub } from '../format/github';
import { formatJson } from '../format/json';
import { formatSarif } from '../format/sarif';
import { formatText } from '../format/text';
import { applyBaseline, writeBaseline } from '../baseline';
import { codeInfo } from '../format/code-info';
import { counts, type LintReport } from '../format/report';
import { version } from '../../../../package.json';

const help = `Usage: runsafe lint [options] [paths...]

Checks runbooks against the Runsafe format (schema) and the safety rules.
Paths may be files or folders; folders are searched for *.runbook.yaml and
*.runbook.yml, skipping node_modules, .git, build output and whatever the
.gitignore and .runsafeignore files in them ignore. With no path, the
current folder is searched. Use - to read one runbook from stdin.

Options:
  -f, --format <fmt>       text (default), json, sarif (SARIF 2.1.0) or github
                           (GitHub Actions annotations)
  -q, --quiet              report errors only, not warnings or infos
      --fix                apply the safe quick fixes in place: misspelt keys
                           first (comfirm -> confirm), then add confirm: true,
                           >/dev/null 2>&1 after heroku config:set,
                           --force-with-lease; every other byte stays as it
                           was; the remaining findings are reported
      --baseline <file>    report only findings not in this baseline (matched
                           by fingerprint: rule, step and flagged text, not
                           line numbers), so CI fails only on new problems
      --write-baseline <file>  record every current finding as the baseline
                           (exit 0); commit it, then lint with --baseline
      --markdown           also search folders for Markdown runbooks (*.md):
                           their sh/bash/shell/console and sql fences (and
                           unlabelled fences that read as shell) are linted
                           with the same rules; a file named *.md on the
                           command line is always linted as Markdown
      --stdin-filename <p> the path to show for a runbook read from stdin
      --color, --no-color  force colours on or off (default: on for a TTY,
                           off when NO_COLOR is set)
  -j, --jobs <n>           lint on n threads at most (default: one per core
                           for 32 files or more, else one); the output is
                           the same whatever n is
  -h, --help               show this help

The nearest .runsafe.yaml at or above the current folder supplies the
workspace policy (policy: append_only_tables, secret_names,
dangerous_commands, approvals) and severity overrides (severity: rule: level).

Output (text): path:line:col severity code message, then the source line
and a caret under the exact characters.

Exit codes:
  0  no error-level findings (warnings do not fail)
  1  at least one error-level finding
  2  usage error, a path that does not exist or cannot be read, or no
     runbook found

Examples:
  runsafe lint runbooks/
  runsafe lint --format sarif . > runsafe.sarif
  cat x.runbook.yaml | runsafe lint - --stdin-filename x.runbook.yaml
`;

// The worker threads' entry (lint-pool.ts loads this bundle in each worker and calls it).
export { lintWorkerMain } from './lint-pool';

/**
 * The folder of the bundled CLI (client/out) when this code runs from it, else null: from sources (tsx)
 * there is no bundle for a worker to load, so such runs lint on one thread.
 */
function cliOutDir(): string | null {
  return existsSync(join(__dirname, 'cli.js')) && existsSync(join(__dirname, 'cli-lint.js')) ? __dirname : null;
}

const formats = ['text', 'json', 'sarif', 'github'] as const;
type Format = (typeof formats)[number];

export const lintCommand: Command = {
  name: 'lint',
  help,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      format: { type: 'string', short: 'f', default: 'text' },
      quiet: { type: 'boolean', short: 'q', default: false },
      fix: { type: 'boolean', default: false },
      'stdin-filename': { type: 'string' },
      baseline: { type: 'string' },
      markdown: { type: 'boolean', default: false },
      'write-baseline': { type: 'string' },
      color: { type: 'boolean' },
      'no-color': { type: 'boolean' },
      jobs: { type: 'string', short: 'j' },
    });
    const jobs = values.jobs === undefined ? undefined : /^[1-9]\d{0,3}$/.test(String(values.jobs)) ? Number(values.jobs) : NaN;
    if (Number.isNaN(jobs)) throw new UsageError(`--jobs must be a whole number from 1 to 9999, got '${String(values.jobs)}'`);
    await initShellOnlyFromDisk();
    const format = values.format as Format;
    if (!formats.includes(format)) throw new UsageError(`unknown format '${values.format}'; use one of ${formats.join(', ')}`);
    const paths = positionals.length ? positionals : ['.'];
    const display = (p: string) => {
      const r = relative(io.cwd, p);
      return r && !r.startsWith('..') && !isAbsolute(r) ? r : p;
    };
    const report: LintReport = { files: [], unreadable: [] };
    const configPath = findWorkspaceConfig(io.cwd);
    const job: PoolJob = {
      display: [],
      files: [],
      quiet: values.quiet === true,
      fix: values.fix === true,
      fingerprints: format === 'sarif' || values.baseline !== undefined || values['write-baseline'] !== undefined,
      configPath,
    };
    const options = optionsOf(job);
    if (paths.includes('-')) {
      if (paths.length > 1) throw new UsageError("'-' (stdin) cannot be combined with other paths");
      if (values.fix) throw new UsageError('--fix needs files to write; it cannot fix stdin');
      const bytes = await readAll(io.stdin);
      report.files.push((await withSqlParser(() => lintBytes((values['stdin-filename'] as string | undefined) ?? '<stdin>', bytes, options))).report);
    } else {
      const resolved = paths.map((p) => (isAbsolute(p) ? p : `${io.cwd}/${p}`));
      const found = findRunbooks(resolved, { markdown: values.markdown === true });
      report.unreadable.push(...found.missing.map((m) => ({ path: display(m.path), reason: m.reason })));
      job.files = found.files;
      job.display = found.files.map(display);
      // Many files: every core (lint-pool.ts), in input order; a few: this thread alone.
      const outDir = cliOutDir();
      const lanes = outDir ? laneCount(job.files.length, jobs) : 1;
      const outcomes = lanes > 1 && outDir ? await lintInPool(job, options, lanes, outDir) : await lintSerially(job, options);
      for (const o of outcomes) {
        if ('file' in o) report.files.push(o.file);
        else report.unreadable.push(o.unreadable);
      }
      if (found.files.length === 0 && found.missing.length === 0) {
        // As ESLint does: a CI step pointed at the wrong folder must fail, not pass on nothing.
        io.stderr.write(`runsafe lint: no runbooks (*.runbook.yaml, *.runbook.yml) found in ${paths.join(', ')}; check the path (.gitignore and .runsafeignore are honoured)\n`);
        return EXIT_USAGE;
      }
    }
    const abs = (p: string) => (isAbsolute(p) ? p : `${io.cwd}/${p}`);
    if (values['write-baseline'] !== undefined) {
      const n = writeBaseline(abs(values['write-baseline'] as string), io.cwd, report, values['write-baseline'] as string);
      io.stderr.write(`runsafe lint: wrote ${n} finding${n === 1 ? '' : 's'} to the baseline ${values['write-baseline']}\n`);
      return report.unreadable.length ? EXIT_USAGE : EXIT_OK;
    }
    if (values.baseline !== undefined) report.baselined = applyBaseline(abs(values.baseline as string), io.cwd, report, values.baseline as string);
    const color = useColor(io.stdout, io.env, values['no-color'] ? false : (values.color as boolean | undefined));
    const out =
      format === 'json' ? formatJson(report, version) : format === 'sarif' ? formatSarif(report, version, codeInfo) : format === 'github' ? formatGithub(report) : formatText(report, { color });
    io.stdout.write(out);
    for (const u of report.unreadable) io.stderr.write(`runsafe lint: cannot read ${u.path}: ${u.reason}\n`);
    if (report.unreadable.length) return EXIT_USAGE;
    return counts(report).errors > 0 ? EXIT_FINDINGS : EXIT_OK;
  },
};
