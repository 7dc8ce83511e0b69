// The streaming masker hides secrets and their encodings, whole or split across chunks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Masker, MASK, UnmaskableSecretError, encodedForms } from '../../client/src/runner/masker';

const SECRET = 'hunter2-Pa$$/w0rd+"quoted"é';
const secret = { name: 'DB_PASSWORD', value: SECRET };

function allForms(value: string): string[] {
  const b64 = Buffer.from(value).toString('base64');
  return [value, b64, b64.replace(/=+$/, ''), b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''), encodeURIComponent(value), JSON.stringify(value).slice(1, -1)];
}

test('masks the value and its base64, base64url, URL-encoded and JSON-escaped forms', () => {
  const m = new Masker([secret]);
  for (const form of allForms(SECRET)) {
    const out = m.mask(`before ${form} after`);
    assert.equal(out, `before ${MASK} after`, `form ${form}`);
  }
});

test('masks base64 of the secret embedded at any byte offset in a larger blob', () => {
  const m = new Masker([secret]);
  for (const prefix of ['', 'K=', 'KEY=', 'A_KEY=']) {
    const blob = Buffer.from(`${prefix}${SECRET}\n`).toString('base64');
    const out = m.mask(blob);
    assert.ok(out.includes(MASK), `prefix ${JSON.stringify(prefix)}: ${out}`);
    // What is left cannot be decoded back into the secret.
    assert.ok(!Buffer.from(out.replace(MASK, ''), 'base64').toString().includes(SECRET.slice(2, -2)));
  }
});

test('masks a secret split across chunks at every position, for every form', () => {
  const m = new Masker([secret, { name: 'TOKEN', value: 'tok_0123456789abcdef' }]);
  for (const form of [...allForms(SECRET), 'tok_0123456789abcdef']) {
    const text = `line one\nvalue=${form}\nline three\n`;
    for (let cut = 0; cut <= text.length; cut++) {
      for (const cut2 of [cut, Math.min(text.length, cut + 3)]) {
        const s = m.stream();
        const out = s.push(text.slice(0, cut)) + s.push(text.slice(cut, cut2)) + s.push(text.slice(cut2)) + s.end();
        assert.equal(out, `line one\nvalue=${MASK}\nline three\n`, `form ${form} cut ${cut}/${cut2}`);
      }
    }
  }
});

test('streams one character at a time without leaking, and shows ordinary text at once', () => {
  const m = new Masker([secret]);
  const s = m.stream();
  let out = '';
  for (const ch of `x${SECRET}y`) out += s.push(ch);
  out += s.end();
  assert.equal(out, `x${MASK}y`);
  // Text that cannot start a secret is not held back: a prompt appears before the process ends.
  assert.equal(m.stream().push('Continue? '), 'Continue? ');
});

test('refuses secrets shorter than 8 characters unless the runbook allows them', () => {
  assert.throws(() => new Masker([{ name: 'PIN', value: '1234' }]), (err: unknown) => err instanceof UnmaskableSecretError && !err.message.includes('1234') && err.message.includes('PIN'));
  assert.throws(() => new Masker([{ name: 'EMPTY', value: '' }], { allowShortSecrets: true }), UnmaskableSecretError);
  const m = new Masker([{ name: 'PIN', value: '1234' }], { allowShortSecrets: true });
  assert.equal(m.mask('pin 1234 ok'), `pin ${MASK} ok`);
});

test('secrets added mid-run (a capture) are masked from then on', () => {
  const m = new Masker();
  assert.equal(m.mask('abcdefghij'), 'abcdefghij');
  m.add({ name: 'NEW_SEED', value: 'abcdefghij' });
  assert.equal(m.mask('seed abcdefghij'), `seed ${MASK}`);
  assert.ok(encodedForms('abcdefghij').length > 5);
});

test('masks base64 and hex that tools wrap over several lines, also split across chunks', () => {
  const long = 'a-fairly-long-secret-value-that-base64-wraps-0123456789-abcdefghijklmnopqrstuvwxyz';
  const m = new Masker([{ name: 'LONG', value: long }]);
  const b64 = Buffer.from(long).toString('base64');
  const wrapped = b64.replace(/(.{76})/g, '$1\n');
  const hex = Buffer.from(long).toString('hex').replace(/(.{60})/g, '$1\n');
  for (const text of [`${wrapped}\n`, `${hex}\n`, `x ${b64.replace(/(.{64})/g, '$1\r\n')} y\n`]) {
    assert.ok(!/[A-Za-z0-9+/]{8,}/.test(m.mask(text).replace(/[xy*\s]/g, '')), m.mask(text));
    for (let cut = 0; cut < text.length; cut += 7) {
      const s = m.stream();
      const out = s.push(text.slice(0, cut)) + s.push(text.slice(cut)) + s.end();
      assert.equal(out, m.mask(text), `cut ${cut}`);
      assert.ok(out.includes(MASK));
    }
  }
  // Line breaks inside the plain value are not assumed: ordinary lines are never merged into a mask.
  assert.equal(m.mask('fairly-long\n-secret'), 'fairly-long\n-secret');
});
