// `runsafe review`: what a runbook change does to what runs, to risk and to approvals.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, posix, relative } from 'node:path';
import { parse as parseYamlText } from 'yaml';
import { initShellOnlyFromDisk, withSqlParser } from '../../../../server/src/shell-wasm';
import type { WorkspacePolicy } from '../../../../server/src/rules/policy';
import { parseApprovalFile, verifyApproval } from '../../signing/approval';
import type { KeyLookup } from '../../signing/trust-index';
import { changedFiles, fileAt, GitError, mergeBase, repoRoot, resolveRevision } from '../../node/git';
import { nativeCrypto } from '../../node/native-crypto';
import { unreadable } from '../../node/file-errors';
import { loadTrust } from '../../node/trust-file';
import { findWorkspaceConfig, workspaceConfigName, workspacePolicyFromText } from '../../node/workspace-policy';
import { policyChanges } from '../../review/policy-delta';
import { reviewRunbook, type Side } from '../../review/review';
import { parse } from '../args';
import { EXIT_FINDINGS, EXIT_OK, UsageError, type CliIo, type Command } from '../command';
import { codeInfo } from '../format/code-info';
import { formatReviewGithub, formatReviewJson, formatReviewMarkdown, formatReviewSarif, formatReviewText, type LinkFor, type ReviewReport } from '../format/review';
import { version } from '../../../../package.json';

const help = `Usage: runsafe review <base>..<head> [paths...] [options]
       runsafe review --base <file> --head <file> [options]

Shows what a change to runbooks does to what runs, not to the YAML text:
steps added, removed, reordered or changed (command text, kind, checks,
confirmations, rollbacks, when, sections), inputs and policy changes; the risk
delta (steps that became dangerous or lost a confirmation, a check or a
rollback; secrets that reach new steps; findings new and resolved); and the
approval consequence (approvals the change invalidates, approvals the new
version needs under the effective policy). Reformatting (indentation, key
order, quoting) is no change.

<base>..<head> are git revisions (<base>...<head> compares head with the merge
base; <base> alone means <base>..HEAD). Paths limit the review to those files
or folders; runbooks are *.runbook.yaml|yml, and a changed .runsafe.yaml is
reviewed as the workspace policy.

Options:
  -f, --format <fmt>   text (default), markdown (a pull-request comment), json,
                       sarif (only findings new in head, with stable
                       partialFingerprints) or github (annotations on new
                       findings only)
      --base <file>    compare two files instead of git revisions
      --head <file>    (both are needed)
      --trust <file>   check approval signatures against this trust store
                       (without it, approvals are what the .sig files claim)
      --repo-url <url> link lines in markdown to <url>/blob/<commit>/<path>#L<n>
                       (default in GitHub Actions: GITHUB_SERVER_URL/GITHUB_REPOSITORY)
  -h, --help           show this help

Exit codes:
  0  no new error-level finding and no policy lowered
  1  the change introduces an error-level finding or lowers a policy
     (a runbook's policy: or the workspace's .runsafe.yaml)
  2  usage error, unknown revision, not a git repository, unreadable file
`;

const formats = ['text', 'markdown', 'json', 'sarif', 'github'] as const;
type Format = (typeof formats)[number];
const isRunbook = (p: string) => /\.runbook\.ya?ml$/.test(p);
const isWorkspaceConfig = (p: string) => posix.basename(p) === workspaceConfigName;

/** `.runsafe.yaml`'s policy as a raw map with its top-level severity overrides merged, for comparing floors. */
function rawWorkspacePolicy(text: string | undefined): unknown {
  if (text === undefined) return {};
  let doc: unknown;
  try {
    doc = parseYamlText(text);
  } catch {
    return {};
  }
  const top = doc && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>) : {};
  const policy = top.policy && typeof top.policy === 'object' && !Array.isArray(top.policy) ? (top.policy as Record<string, unknown>) : {};
  const severity = { ...((policy.severity as object | undefined) ?? {}), ...((top.severity as object | undefined) ?? {}) };
  return Object.keys(severity).length ? { ...policy, severity } : policy;
}

/** The approvals beside a runbook: each signature's claimed hash and identity; checked when a trust store is given. */
function approvalsOf(bytes: Uint8Array, sig: Uint8Array | undefined, keys: KeyLookup | undefined, where: string): Side['approvals'] {
  if (!sig) return [];
  let file;
  try {
    file = parseApprovalFile(Buffer.from(sig).toString('utf8'));
  } catch (err) {
    throw new UsageError(`${where}: ${(err as Error).message}`);
  }
  if (!keys) return file.signatures.map((s) => ({ sha256: s.statement.runbook_sha256, identity: s.statement.identity }));
  const report = verifyApproval(bytes, file, keys, { required: 1, crypto: nativeCrypto });
  return report.approvedBy.map((a) => ({ sha256: report.runbookSha256, identity: a.identity, valid: true }));
}

function side(path: string, bytes: Uint8Array, workspace: WorkspacePolicy | undefined, sig: Uint8Array | undefined, keys: KeyLookup | undefined, where: string): Side {
  const s: Side = { path, text: Buffer.from(bytes).toString('utf8'), bytes, approvals: approvalsOf(bytes, sig, keys, `${where}.sig`) };
  if (workspace) s.workspace = workspace;
  return s;
}

function readOrFail(path: string, shown: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new UsageError(unreadable(shown, err));
  }
}

function optionalFile(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function reviewFiles(basePath: string, headPath: string, io: CliIo, keys: KeyLookup | undefined): ReviewReport {
  const abs = (p: string) => (isAbsolute(p) ? p : join(io.cwd, p));
  const policyNear = (p: string) => {
    const c = findWorkspaceConfig(dirname(abs(p)));
    return c ? workspacePolicyFromText(readFileSync(c, 'utf8')) : undefined;
  };
  const base = side(basePath, readOrFail(abs(basePath), basePath), policyNear(basePath), optionalFile(`${abs(basePath)}.sig`), keys, basePath);
  const head = side(headPath, readOrFail(abs(headPath), headPath), policyNear(headPath), optionalFile(`${abs(headPath)}.sig`), keys, headPath);
  const review = reviewRunbook(base, head);
  return { base: basePath, head: headPath, runbooks: [review], workspace: [], failing: review.failing };
}

function parseRange(range: string, cwd: string): { base: string; head: string; baseName: string; headName: string } {
  const three = range.indexOf('...');
  const two = range.indexOf('..');
  if (three >= 0) {
    const a = range.slice(0, three) || 'HEAD';
    const b = range.slice(three + 3) || 'HEAD';
    const head = resolveRevision(cwd, b);
    return { base: mergeBase(cwd, resolveRevision(cwd, a), head), head, baseName: `merge-base(${a}, ${b})`, headName: b };
  }
  const [a, b] = two >= 0 ? [range.slice(0, two) || 'HEAD', range.slice(two + 2) || 'HEAD'] : [range, 'HEAD'];
  return { base: resolveRevision(cwd, a), head: resolveRevision(cwd, b), baseName: a, headName: b };
}

function reviewGit(range: string, paths: string[], io: CliIo, keys: KeyLookup | undefined): ReviewReport & { baseCommit: string; headCommit: string } {
  const root = repoRoot(io.cwd);
  const { base, head, baseName, headName } = parseRange(range, root);
  // Paths are given relative to where the user stands; git wants them relative to the top.
  const scoped = paths.map((p) => relative(root, isAbsolute(p) ? p : join(io.cwd, p)) || '.');
  const changes = changedFiles(root, base, head, scoped);
  const configCache = new Map<string, WorkspacePolicy | undefined>();
  const policyAt = (commit: string, file: string): WorkspacePolicy | undefined => {
    for (let d = posix.dirname(file); ; d = posix.dirname(d)) {
      const p = d === '.' ? workspaceConfigName : `${d}/${workspaceConfigName}`;
      const key = `${commit}:${p}`;
      if (!configCache.has(key)) {
        const b = fileAt(root, commit, p);
        configCache.set(key, b ? workspacePolicyFromText(b.toString('utf8')) : undefined);
      }
      const found = configCache.get(key);
      if (found) return found;
      if (d === '.' || d === '/' || d === '') return undefined;
    }
  };
  const at = (commit: string, name: string, file: string): Side => {
    const bytes = fileAt(root, commit, file)!;
    return side(file, bytes, policyAt(commit, file), fileAt(root, commit, `${file}.sig`), keys, `${name}:${file}`);
  };
  const runbooks = changes
    .filter((c) => isRunbook(c.path) || (c.oldPath !== undefined && isRunbook(c.oldPath)))
    .map((c) => reviewRunbook(c.status === 'added' ? undefined : at(base, baseName, c.oldPath ?? c.path), c.status === 'deleted' ? undefined : at(head, headName, c.path)));
  const workspace = changes
    .filter((c) => isWorkspaceConfig(c.path))
    .map((c) => ({
      path: c.path,
      changes: policyChanges('workspace', rawWorkspacePolicy(fileAt(root, base, c.oldPath ?? c.path)?.toString('utf8')), rawWorkspacePolicy(fileAt(root, head, c.path)?.toString('utf8'))),
    }));
  const failing = runbooks.some((r) => r.failing) || workspace.some((w) => w.changes.some((c) => c.direction === 'lowered'));
  return { base: baseName, head: headName, runbooks, workspace, failing, baseCommit: base, headCommit: head };
}

export const reviewCommand: Command = {
  name: 'review',
  help,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      format: { type: 'string', short: 'f', default: 'text' },
      base: { type: 'string' },
      head: { type: 'string' },
      trust: { type: 'string' },
      'repo-url': { type: 'string' },
    });
    const format = values.format as Format;
    if (!formats.includes(format)) throw new UsageError(`unknown format '${values.format}'; use one of ${formats.join(', ')}`);
    const fileMode = values.base !== undefined || values.head !== undefined;
    if (fileMode && (values.base === undefined || values.head === undefined)) throw new UsageError('--base and --head go together: give both files');
    if (fileMode && positionals.length) throw new UsageError('with --base/--head, give no revision range or paths');
    if (!fileMode && positionals.length === 0) throw new UsageError('give a revision range (for example main..HEAD) or --base FILE --head FILE');
    let keys: KeyLookup | undefined;
    if (values.trust !== undefined) {
      try {
        keys = loadTrust(isAbsolute(values.trust as string) ? (values.trust as string) : join(io.cwd, values.trust as string)).keys;
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
    }
    await initShellOnlyFromDisk();
    let report: ReviewReport;
    let link: LinkFor = () => undefined;
    try {
      // Both only read (files, git): a review that meets SQL runs again once PostgreSQL's parser is loaded.
      if (fileMode) report = await withSqlParser(() => reviewFiles(values.base as string, values.head as string, io, keys));
      else {
        const r = await withSqlParser(() => reviewGit(positionals[0]!, positionals.slice(1), io, keys));
        report = r;
        const repoUrl = (values['repo-url'] as string | undefined) ?? (io.env.GITHUB_SERVER_URL && io.env.GITHUB_REPOSITORY ? `${io.env.GITHUB_SERVER_URL}/${io.env.GITHUB_REPOSITORY}` : undefined);
        if (repoUrl) link = (s, path, line) => `${repoUrl.replace(/\/+$/, '')}/blob/${s === 'base' ? r.baseCommit : r.headCommit}/${path.split('/').map(encodeURIComponent).join('/')}#L${line}`;
      }
    } catch (err) {
      if (err instanceof GitError) throw new UsageError(err.message);
      throw err;
    }
    const out =
      format === 'markdown'
        ? formatReviewMarkdown(report, link)
        : format === 'json'
          ? formatReviewJson(report, version)
          : format === 'sarif'
            ? formatReviewSarif(report, version, codeInfo)
            : format === 'github'
              ? formatReviewGithub(report)
              : formatReviewText(report);
    io.stdout.write(out);
    return report.failing ? EXIT_FINDINGS : EXIT_OK;
  },
};
