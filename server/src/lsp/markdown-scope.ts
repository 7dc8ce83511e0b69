// Which Markdown documents the server lints (`runsafe.markdown.enable`, or paths matching
// `runsafe.markdown.include`, gitignore-style globs relative to the workspace folder).
import { relative, sep } from 'node:path';
import ignore from 'ignore';

export function isMarkdown(uri: string): boolean {
  return /\.(md|markdown)$/i.test(uri);
}

export function markdownCovered(path: string | undefined, folder: string | undefined, markdown: { enable: boolean; include: string[] } | undefined): boolean {
  if (!markdown) return false;
  if (markdown.enable) return true;
  if (!path || !folder || markdown.include.length === 0) return false;
  const rel = relative(folder, path).split(sep).join('/');
  if (!rel || rel.startsWith('..')) return false;
  return ignore().add(markdown.include).ignores(rel);
}
