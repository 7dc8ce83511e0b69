// Snippets offered where a new step starts: a run step, a wait step, a manual step, a section,
// and a change with its rollback step (the rollback goes into the top-level `rollback` list).
import type { Runbook } from '../language/index';
import type { LineIndex } from '../language/index';
import type { TextEdit } from './types';

export interface Snippet {
  label: string;
  detail: string;
  /** Lines of the snippet body; the first follows the cursor, the rest are indented to it. */
  body: string[];
  /** Edits elsewhere in the document (the rollback half of a pair). */
  extra?: (runbook: Runbook, lines: LineIndex) => TextEdit[];
}

function rollbackAppend(runbook: Runbook, lines: LineIndex, id: string): TextEdit[] {
  const root = runbook.root;
  const pair = root?.pairs.find((p) => p.key.value === 'rollback');
  const item = [`- id: ${id}`, `  title: Undo the change`, `  run: echo "undo the change here"`];
  if (pair && pair.value.kind === 'seq' && pair.value.items.length) {
    const last = pair.value.items[pair.value.items.length - 1]!;
    const indent = ' '.repeat(lines.positionAt(pair.value.span.start).character);
    const at = lines.positionAt(Math.max(last.span.start, last.span.end - 1));
    const pos = { line: at.line, character: lines.lineText(at.line).length };
    return [{ range: { start: pos, end: pos }, newText: item.map((l) => `\n${indent}${l}`).join('') }];
  }
  if (pair) return [];
  const end = lines.positionAt(lines.text.length);
  const lead = lines.text.length && !lines.text.endsWith('\n') ? '\n' : '';
  return [{ range: { start: end, end }, newText: `${lead}rollback:\n${item.map((l) => `  ${l}`).join('\n')}\n` }];
}

export const stepSnippets: Snippet[] = [
  {
    label: 'run step',
    detail: 'A shell step with a check',
    body: ['id: ${1:step-id}', 'title: ${2:What this step does}', 'run: ${3:command}', 'expect:', '  exit: 0'],
  },
  {
    label: 'wait step',
    detail: 'Poll a command until it passes, with a deadline',
    body: ['id: ${1:wait-ready}', 'title: ${2:Wait until ready}', 'wait:', '  run: ${3:curl -fsS "\\$URL/health"}', '  until:', '    exit: 0', '  every: ${4:10s}', '  timeout: ${5:5m}'],
  },
  {
    label: 'manual step',
    detail: 'A human action the operator confirms',
    body: ['id: ${1:step-id}', 'title: ${2:Title}', 'manual: ${3:What to do}'],
  },
  {
    label: 'section',
    detail: 'A titled group of steps',
    body: ['section: ${1:Part A}', 'steps:', '  - id: ${2:step-id}', '    run: ${3:command}'],
  },
  {
    label: 'change with rollback',
    detail: 'A confirmed change and its rollback step (added to `rollback`)',
    body: ['id: ${1:change}', 'title: ${2:Make the change}', 'run: ${3:command}', 'confirm: true', 'rollback: undo-change'],
    extra: (runbook, lines) => rollbackAppend(runbook, lines, 'undo-change'),
  },
];
