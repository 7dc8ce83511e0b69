// Loads the vendored Ed25519 and JCS test vectors (test/fixtures/vectors) for the signing tests.
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fromHex } from '../../client/src/signing/bytes';

export const vectorsDir = resolve(__dirname, '../fixtures/vectors');

export interface EdVector {
  id: string;
  publicKey: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
  valid: boolean;
}

/** Every Wycheproof Ed25519 test, with its expected verdict. */
export function wycheproof(): EdVector[] {
  const data = JSON.parse(readFileSync(join(vectorsDir, 'wycheproof/ed25519_test.json'), 'utf8'));
  const out: EdVector[] = [];
  for (const g of data.testGroups) {
    for (const t of g.tests) {
      out.push({ id: `tcId ${t.tcId} (${t.comment || t.flags.join(',')})`, publicKey: fromHex(g.publicKey.pk), message: fromHex(t.msg), signature: fromHex(t.sig), valid: t.result === 'valid' });
    }
  }
  return out;
}

/** RFC 8032 §7.1 TEST 1, 2, 3 (copied from the RFC) and TEST 1024 (message taken from Wycheproof's copy). */
export function rfc8032(): { name: string; seed: string; publicKey: string; message: string; signature: string }[] {
  const test1024 = JSON.parse(readFileSync(join(vectorsDir, 'wycheproof/ed25519_test.json'), 'utf8')).testGroups.find(
    (g: { publicKey: { pk: string } }) => g.publicKey.pk === '278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e',
  ).tests[0];
  return [
    {
      name: 'TEST 1',
      seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
      publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
      message: '',
      signature: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    },
    {
      name: 'TEST 2',
      seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
      publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
      message: '72',
      signature: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
    },
    {
      name: 'TEST 3',
      seed: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
      publicKey: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
      message: 'af82',
      signature: '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
    },
    {
      name: 'TEST 1024',
      seed: 'f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5',
      publicKey: '278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e',
      message: test1024.msg,
      signature: test1024.sig,
    },
  ];
}

export const JCS_CASES = readdirSync(join(vectorsDir, 'jcs/input')).filter((f) => f.endsWith('.json'));
