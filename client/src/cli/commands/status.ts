// `runsafe status`: for each runbook, its last completed run in the transcripts and when it is due.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { parseRunbookBytes } from '../../../../server/src/language/index';
import { cadenceStatus, describeCadence, describeEvery, humanSpan, type CadenceStatus } from '../../../../server/src/language/cadence';
import { findRunbooks } from '../../node/runbook-files';
import { readRunHistory, type RecordedRun } from '../../node/run-history';
import { loadTrust } from '../../node/trust-file';
import { findWorkspaceConfig } from '../../node/workspace-policy';
import { unreadable } from '../../node/file-errors';
import { escapeData, escapeProperty } from '../format/github';
import { parse } from '../args';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError, type Command } from '../command';

const help = `Usage: runsafe status [paths...] [--transcripts <dir>] [--trust <trust-file>]
                      [--format text|json|github] [--now <time>]

For each runbook (files, or folders searched for *.runbook.yaml|yml; default
the current folder): its last completed run found in the transcripts, when it
is due again by its cadence, and whether it is due soon or overdue. Runbooks
without a cadence are listed with their last run only.

A run counts when its transcript holds: hash chain intact, closed by its
signed head, and with --trust every record signed by a trusted key. Transcripts
that do not hold are ignored with a warning (say, one edited by hand).
Without --trust the signatures are not checked, and the report says so.

Options:
      --transcripts <dir>  where runs wrote their transcripts (default:
                           .runsafe/transcripts beside the nearest .runsafe.yaml,
                           or in the current folder)
      --trust <file>       count only transcripts signed by keys in this store
  -f, --format <fmt>       text (default), json, or github (annotations: a
                           warning when due soon, an error when overdue)
      --now <time>         judge as of this ISO 8601 time instead of the clock
                           (reports for a date; tests)
  -h, --help               show this help

Exit codes:
  0  nothing overdue
  1  at least one runbook is overdue (or has a cadence and never ran)
  2  usage error, or a path that does not exist or cannot be read
`;

interface Row {
  path: string;
  id: string;
  cadence?: string;
  status?: CadenceStatus;
  lastRun?: RecordedRun;
  line: string;
}

const formats = ['text', 'json', 'github'] as const;

export const statusCommand: Command = {
  name: 'status',
  help,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      transcripts: { type: 'string' },
      trust: { type: 'string' },
      format: { type: 'string', short: 'f', default: 'text' },
      now: { type: 'string' },
    });
    const format = values.format as (typeof formats)[number];
    if (!formats.includes(format)) throw new UsageError(`unknown format '${values.format}'; use one of ${formats.join(', ')}`);
    const now = values.now === undefined ? Date.now() : Date.parse(values.now as string);
    if (Number.isNaN(now)) throw new UsageError(`--now needs an ISO 8601 time (for example 2026-12-01T09:00:00Z), got '${values.now}'`);
    const abs = (p: string) => (isAbsolute(p) ? p : join(io.cwd, p));
    const config = findWorkspaceConfig(io.cwd);
    const dir = values.transcripts !== undefined ? abs(values.transcripts as string) : join(config ? dirname(config) : io.cwd, '.runsafe/transcripts');
    let keys;
    if (values.trust !== undefined) {
      try {
        keys = loadTrust(abs(values.trust as string)).keys;
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
    }
    const found = findRunbooks((positionals.length ? positionals : ['.']).map(abs));
    for (const m of found.missing) io.stderr.write(`runsafe status: cannot read ${relative(io.cwd, m.path) || m.path}: ${m.reason}\n`);
    if (found.missing.length) return EXIT_USAGE;
    if (found.files.length === 0) {
      io.stderr.write(`runsafe status: no runbooks (*.runbook.yaml, *.runbook.yml) found in ${positionals.join(', ') || '.'}\n`);
      return EXIT_USAGE;
    }
    const history = await readRunHistory(dir, keys);
    for (const x of history.ignored) io.stderr.write(`runsafe status: warning: ignoring ${relative(io.cwd, x.file) || x.file}: ${x.reason}\n`);
    const lastPassed = new Map<string, RecordedRun>();
    for (const r of history.runs) if (r.status === 'passed' && r.endedAt <= now && (lastPassed.get(r.runbookId)?.endedAt ?? -Infinity) < r.endedAt) lastPassed.set(r.runbookId, r);
    const rows: Row[] = [];
    for (const file of found.files) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch (err) {
        io.stderr.write(`runsafe status: ${unreadable(relative(io.cwd, file) || file, err)}\n`);
        return EXIT_USAGE;
      }
      const rb = parseRunbookBytes(bytes).runbook;
      const path = relative(io.cwd, file) || file;
      const id = rb.id?.value ?? path;
      const last = lastPassed.get(id);
      const row: Row = { path, id, line: '' };
      if (last) row.lastRun = last;
      if (rb.cadence) {
        row.cadence = describeEvery(rb.cadence);
        row.status = cadenceStatus(rb.cadence, last ? { at: last.endedAt, ...(last.operator ? { operator: last.operator } : {}) } : undefined, now);
        row.line = describeCadence(row.status, now);
      } else row.line = last ? `last run ${humanSpan(now - last.endedAt)} ago${last.operator ? ` by ${last.operator}` : ''} · no cadence` : 'never run · no cadence';
      rows.push(row);
    }
    const overdue = rows.filter((r) => r.status?.state === 'overdue' || r.status?.state === 'never-run');
    const soon = rows.filter((r) => r.status?.state === 'due-soon');
    if (format === 'json') {
      io.stdout.write(
        `${JSON.stringify(
          {
            now: new Date(now).toISOString(),
            transcripts: relative(io.cwd, dir) || dir,
            signaturesChecked: keys !== undefined,
            runbooks: rows.map((r) => ({
              path: r.path,
              id: r.id,
              cadence: r.cadence ?? null,
              state: r.status?.state ?? 'no-cadence',
              dueAt: r.status?.dueAt !== undefined ? new Date(r.status.dueAt).toISOString() : null,
              lastRun: r.lastRun ? { at: new Date(r.lastRun.endedAt).toISOString(), operator: r.lastRun.operator ?? null, transcript: relative(io.cwd, r.lastRun.file) } : null,
              summary: r.line,
            })),
            ignored: history.ignored.map((x) => ({ transcript: relative(io.cwd, x.file), reason: x.reason })),
          },
          null,
          2,
        )}\n`,
      );
    } else if (format === 'github') {
      for (const r of [...overdue, ...soon]) io.stdout.write(`::${r.status?.state === 'due-soon' ? 'warning' : 'error'} file=${escapeProperty(r.path)},line=1,title=${escapeProperty(`runsafe cadence: ${r.id}`)}::${escapeData(`${r.id} (${r.cadence}): ${r.line}`)}\n`);
    } else {
      const width = Math.max(...rows.map((r) => r.path.length));
      for (const r of rows) io.stdout.write(`${r.path.padEnd(width)}  ${r.line}${r.cadence ? ` (${r.cadence})` : ''}\n`);
      io.stdout.write(
        `\n${rows.length} runbook${rows.length === 1 ? '' : 's'}: ${overdue.length} overdue, ${soon.length} due soon; transcripts in ${relative(io.cwd, dir) || dir}${history.missing ? ' (none yet)' : ''}${keys ? '' : ' (signatures not checked: pass --trust)'}\n`,
      );
    }
    return overdue.length ? EXIT_FINDINGS : EXIT_OK;
  },
};
