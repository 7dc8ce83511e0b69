// The terminal UI: plain text without colour, hidden secret prompts, line editing, summary table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TerminalUi, colorEnabled } from '../../client/src/runner/terminal-ui';

function ui(interactive = true, extra: { color?: boolean; crlf?: boolean } = {}) {
  let out = '';
  const t = new TerminalUi({ write: (s) => (out += s), color: extra.color ?? false, live: false, interactive, crlf: extra.crlf });
  return { t, out: () => out };
}

test('NO_COLOR and non-TTY output turn colour off; FORCE_COLOR turns it on', () => {
  assert.equal(colorEnabled({ NO_COLOR: '1' }, true), false);
  assert.equal(colorEnabled({}, false), false);
  assert.equal(colorEnabled({}, true), true);
  assert.equal(colorEnabled({ FORCE_COLOR: '1' }, false), true);
  const { t, out } = ui(false);
  t.emit({ type: 'step-state', stepId: 'a', title: 'Step A', kind: 'run', state: 'running', attempt: 1 });
  t.emit({ type: 'output', stepId: 'a', stream: 'stdout', text: 'hello\x1b]0;evil\x07 world' });
  t.emit({ type: 'step-state', stepId: 'a', title: 'Step A', kind: 'run', state: 'passed', attempt: 1 });
  assert.ok(!out().includes('\x1b'), 'no escape sequences without colour, and none from process output');
  assert.match(out(), /▸ Step A \[run a\]\n {2}│ hello␛\]0;evil\^G world\n✓ a passed/);
});

test('secret prompts echo nothing; visible prompts echo and support backspace; Ctrl+C cancels', async () => {
  const { t, out } = ui();
  const secret = t.prompts!.input({ name: 'DB_PASSWORD', secret: true });
  t.handleInput('correct-horse-battery\r');
  assert.equal(await secret, 'correct-horse-battery');
  assert.ok(!out().includes('correct'), 'typed secret never echoed');
  const env = t.prompts!.input({ name: 'APP_ENV', secret: false, enum: ['staging', 'prod'] });
  t.handleInput('prox\x7fd\r');
  assert.equal(await env, 'prod');
  assert.match(out(), /APP_ENV \[staging\/prod\]: prox\x08 \x08d/);
  const cancelled = t.prompts!.confirmTarget({ stepId: 's', title: 'Drop', target: 'prod', why: 'declared confirm' });
  t.handleInput('\x03');
  assert.equal(await cancelled, undefined);
  // Type-ahead waits for the question; an invalid answer is asked again.
  t.handleInput('x\nr\n');
  assert.equal(await t.prompts!.rollback({ stepId: 's', rollbacks: ['undo'], reason: 'failed' }), 'run');
  t.closeInput();
  assert.equal(await t.prompts!.manual({ stepId: 'm', title: 'M', text: 'do it' }), undefined);
});

test('summary table and pseudoterminal line endings', () => {
  const { t, out } = ui(false, { crlf: true });
  t.emit({
    type: 'run-finished',
    status: 'failed',
    durationMs: 2500,
    summary: [
      { id: 'gen', title: 'Gen', kind: 'run', state: 'passed', attempts: 1, durationMs: 1200 },
      { id: 'set', title: 'Set', kind: 'run', state: 'failed', attempts: 3, durationMs: 300, detail: 'expected exit 0, got 1' },
    ],
  });
  const text = out();
  assert.ok(!/[^\r]\n/.test(text), 'every newline is \\r\\n');
  const lines = text.split('\r\n');
  assert.ok(lines.some((l) => /^gen\s+run\s+passed\s+1\s+1s$/.test(l)), text);
  assert.ok(lines.some((l) => /^set\s+run\s+failed\s+3\s+300ms\s+expected exit 0, got 1$/.test(l)));
  assert.ok(lines.includes('Result: failed in 3s'));
});
