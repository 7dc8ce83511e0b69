// `runsafe lint`: check runbooks against the format and the safety rules, in four output formats.
import { readFileSync, writeFileSync } from 'node:fs';
import { relative, isAbsolute } from 'node:path';
import { lintRunbook } from '../../../../server/src/lint';
import { initShellFromDisk } from '../../../../server/src/shell-wasm';
import { applySafeFixes } from '../../../../server/src/rules/apply-fixes';
import { findWorkspaceConfig, readWorkspacePolicy } from '../../node/workspace-policy';
import { LineIndex, mapGet, nodeAt, type LNode, type Problem } from '../../../../server/src/language/index';
import { findRunbooks, markdownPattern, reasons } from '../../node/runbook-files';
import { lintMarkdown } from '../../../../server/src/markdown/lint-markdown';
import { parse, readAll, useColor } from '../args';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError, type Command } from '../command';
import { formatGithub } from '../format/github';
import { formatJson } from '../format/json';
import { formatSarif } from '../format/sarif';
import { formatText } from '../format/text';
import { applyBaseline, writeBaseline } from '../baseline';
import { fingerprintProblems, fingerprintText } from '../../review/fingerprint';
import { codeInfo } from '../format/code-info';
import { counts, type FileReport, type LintReport } from '../format/report';
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

/**
 * Renames each unknown key the schema has a spelling suggestion for (`comfirm` -> `confirm`),
 * unless its map already holds the suggested key (then a human decides which one is meant).
 */
function renameMisspeltKeys(text: string, problems: Problem[], root: LNode | null): { text: string; applied: number } {
  const edits = problems.flatMap((p) => {
    const { suggestion, path } = (p.data ?? {}) as { suggestion?: unknown; path?: unknown };
    if (p.code !== 'schema-unknown-key' || typeof suggestion !== 'string' || !Array.isArray(path)) return [];
    const map = nodeAt(root, path.slice(0, -1) as (string | number)[]);
    if (map?.kind !== 'map' || mapGet(map, suggestion) !== undefined) return [];
    return [{ span: p.span, newText: suggestion }];
  });
  let out = text;
  for (const e of edits.sort((a, b) => b.span.start - a.span.start)) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return { text: out, applied: edits.length };
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
    });
    await initShellFromDisk();
    const format = values.format as Format;
    if (!formats.includes(format)) throw new UsageError(`unknown format '${values.format}'; use one of ${formats.join(', ')}`);
    const paths = positionals.length ? positionals : ['.'];
    const display = (p: string) => {
      const r = relative(io.cwd, p);
      return r && !r.startsWith('..') && !isAbsolute(r) ? r : p;
    };
    const report: LintReport = { files: [], unreadable: [] };
    const configPath = findWorkspaceConfig(io.cwd);
    const lintOptions = configPath ? { workspacePolicy: readWorkspacePolicy(configPath) } : {};
    // Fingerprints (a hash per finding) only where they are read: SARIF and baselines.
    const wantFingerprints = format === 'sarif' || values.baseline !== undefined || values['write-baseline'] !== undefined;
    const add = (path: string, bytes: Uint8Array, target?: string) => {
      if (markdownPattern.test(path)) {
        // Markdown: the fences' shell and SQL; quick fixes apply to runbooks only (`runsafe import` makes one).
        const md = lintMarkdown(Buffer.from(bytes).toString('utf8'), lintOptions);
        const kept = values.quiet ? md.problems.filter((p) => p.severity === 'error') : md.problems;
        report.files.push({ path, text: md.text, lines: md.lines, problems: kept, ...(wantFingerprints ? { fingerprints: fingerprintText(md.text, kept) } : {}) });
        return;
      }
      let { parsed, problems } = lintRunbook(bytes, lintOptions);
      if (values.fix && target) {
        const original = parsed.text;
        // Misspelt keys first: once `comfirm` reads `confirm`, no rule adds a second `confirm` beside it.
        for (const fix of [renameMisspeltKeys, applySafeFixes]) {
          const fixed = fix(parsed.text, problems, parsed.root);
          if (fixed.applied > 0 && fixed.text !== parsed.text) ({ parsed, problems } = lintRunbook(fixed.text, lintOptions));
        }
        if (parsed.text !== original) writeFileSync(target, parsed.text);
      }
      const kept = values.quiet ? problems.filter((p) => p.severity === 'error') : problems;
      const file: FileReport = { path, text: parsed.text, lines: parsed.lines ?? new LineIndex(parsed.text), problems: kept, ...(wantFingerprints ? { fingerprints: fingerprintProblems(parsed, kept) } : {}) };
      report.files.push(file);
    };
    if (paths.includes('-')) {
      if (paths.length > 1) throw new UsageError("'-' (stdin) cannot be combined with other paths");
      if (values.fix) throw new UsageError('--fix needs files to write; it cannot fix stdin');
      add((values['stdin-filename'] as string | undefined) ?? '<stdin>', await readAll(io.stdin));
    } else {
      const resolved = paths.map((p) => (isAbsolute(p) ? p : `${io.cwd}/${p}`));
      const found = findRunbooks(resolved, { markdown: values.markdown === true });
      report.unreadable.push(...found.missing.map((m) => ({ path: display(m.path), reason: m.reason })));
      for (const f of found.files) {
        let bytes: Uint8Array;
        try {
          bytes = readFileSync(f);
        } catch (err) {
          report.unreadable.push({ path: display(f), reason: reasons[(err as NodeJS.ErrnoException).code ?? ''] ?? String((err as Error).message) });
          continue;
        }
        add(display(f), bytes, f);
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
