// The shared argument parser: values that start with a dash (base64url keys) are values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../client/src/cli/args';
import { UsageError } from '../../client/src/cli/command';

const options = { 'public-key': { type: 'string' as const, short: 'p' }, name: { type: 'string' as const }, quiet: { type: 'boolean' as const, short: 'q' } };

test('a string option takes a value that starts with a dash', () => {
  const r = parse(['add', '--public-key', '-x3Y_abc', '--name', 'alice'], options);
  assert.equal(r.values['public-key'], '-x3Y_abc');
  assert.equal(r.values.name, 'alice');
  assert.deepEqual(r.positionals, ['add']);
  assert.equal(parse(['-p', '-k9'], options).values['public-key'], '-k9');
});

test('a known option after a string option is still an option (and a usage error)', () => {
  assert.throws(() => parse(['--public-key', '--quiet'], options), UsageError);
  assert.equal(parse(['--name', '-', 'x'], options).values.name, '-');
});

test('everything after -- stays positional', () => {
  const r = parse(['--', '--public-key', '-x'], options);
  assert.deepEqual(r.positionals, ['--public-key', '-x']);
});
