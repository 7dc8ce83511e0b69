// The guarded terminal at a known width: a long-titled step's spinner never wraps (a wrapped spinner
// leaves a stale line at each redraw) and long output lines wrap with the gutter kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TerminalUi, stripAnsi } from '../../client/src/runner/terminal-ui';

test('the spinner line fits the terminal width; long output keeps its gutter on every wrapped line', () => {
  let out = '';
  const t = new TerminalUi({ write: (s) => (out += s), color: false, live: true, interactive: false, columns: () => 40, now: () => 0 });
  const title = 'Rotate the signing key of every production service in all regions';
  t.emit({ type: 'step-state', stepId: 'rotate', title, kind: 'run', state: 'running', attempt: 1 });
  t.emit({ type: 'progress', stepId: 'rotate', message: title });
  t.emit({ type: 'output', stepId: 'rotate', stream: 'stdout', text: `${'x'.repeat(90)}\nshort\n` });
  t.emit({ type: 'step-state', stepId: 'rotate', title, kind: 'run', state: 'passed', attempt: 1 });
  t.dispose();
  // Every spinner redraw starts with \r\x1b[2K; what it draws must fit in 40 columns.
  const spinners = out.split('\r\x1b[2K').slice(1).map((s) => stripAnsi(s.split('\n')[0]!)).filter((s) => /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/.test(s));
  assert.ok(spinners.length > 0, 'the spinner was drawn');
  for (const s of spinners) assert.ok([...s].length < 40, `spinner line of ${[...s].length} columns: ${s}`);
  assert.ok(spinners.some((s) => s.includes('…')), 'the long title is cut with an ellipsis');
  // What stays on screen: per line, the text after its last carriage return.
  const screen = stripAnsi(out.replace(/\r\x1b\[2K/g, '\r')).split('\n').map((l) => l.split('\r').pop()!);
  const lines = screen.filter((l) => l.includes('x') && /^\s*│/.test(l));
  assert.equal(lines.map((l) => l.replace(/^\s*│ /, '')).join(''), 'x'.repeat(90), 'the wrapped pieces are the whole line, in order');
  assert.ok(lines.length >= 3, 'wrapped at the width');
  for (const l of lines) assert.ok([...l].length <= 40, `output line of ${[...l].length} columns`);
});
