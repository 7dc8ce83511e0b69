// RFC 3161 time-stamping: ask a time-stamping authority for a token, and check a token against the
// TSA certificates a trust store names. ASN.1/CMS through pkijs + asn1js (maintained parsers), never by hand.
import { createHash, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { TsaEntry } from '../signing/trust-store';
import type { TimestampCheck } from '../signing/trust-index';

const SHA256_OID = '2.16.840.1.101.3.4.2.1';
const TSTINFO_OID = '1.2.840.113549.1.9.16.1.4';
const EKU_OID = '2.5.29.37';
const TIME_STAMPING_OID = '1.3.6.1.5.5.7.3.8';
/** A TSA answers in milliseconds; a hung one must not hang a signature or a run. */
const REQUEST_TIMEOUT_MS = 15_000;
/** A response is a few kilobytes; anything far larger is not a time-stamp reply. */
const MAX_RESPONSE_BYTES = 1 << 20;

const engine = new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as never });
pkijs.setEngine('node', engine);

const ab = (b: Uint8Array): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

function parseDer<T>(bytes: Uint8Array, what: string, build: (schema: asn1js.AsnType) => T): T {
  const asn = asn1js.fromBER(ab(bytes));
  if (asn.offset === -1) throw new Error(`${what}: not DER/BER (${asn.result.error})`);
  if (asn.offset !== bytes.length) throw new Error(`${what}: trailing bytes after the structure`);
  return build(asn.result);
}

/**
 * Asks the TSA at `url` for a token over `digest` (SHA-256), with a random nonce and the TSA's
 * certificate requested. Returns the token (a CMS ContentInfo, DER).
 */
export async function requestTimestamp(url: string, digest: Uint8Array): Promise<Uint8Array> {
  if (digest.length !== 32) throw new Error('a time-stamp request carries a SHA-256 digest (32 bytes)');
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new Error(`--tsa: '${url}' is not a URL`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new Error(`--tsa: '${url}' must be an http(s) URL`);
  const nonce = new Uint8Array(8);
  webcrypto.getRandomValues(nonce);
  nonce[0] = nonce[0]! & 0x7f; // a positive INTEGER
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({ hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256_OID }), hashedMessage: new asn1js.OctetString({ valueHex: ab(digest) }) }),
    nonce: new asn1js.Integer({ valueHex: ab(nonce) }),
    certReq: true,
  });
  let res: Response;
  try {
    res = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body: new Uint8Array(req.toSchema().toBER()), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (err) {
    throw new Error(`time-stamping authority ${target.origin}: ${(err as Error).name === 'TimeoutError' ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s` : (err as Error).message}`);
  }
  if (!res.ok) throw new Error(`time-stamping authority ${target.origin}: HTTP ${res.status}`);
  const body = new Uint8Array(await res.arrayBuffer());
  if (body.length > MAX_RESPONSE_BYTES) throw new Error(`time-stamping authority ${target.origin}: a ${body.length}-byte answer is not a time-stamp reply`);
  const resp = parseDer(body, 'time-stamp reply', (schema) => new pkijs.TimeStampResp({ schema }));
  const status = resp.status.status;
  if ((status !== 0 && status !== 1) || !resp.timeStampToken) throw new Error(`time-stamping authority ${target.origin} refused the request (PKIStatus ${status})`);
  const token = new Uint8Array(resp.timeStampToken.toSchema().toBER());
  const tst = tstInfoOf(token);
  if (!tst.nonce || Buffer.compare(Buffer.from(tst.nonce.valueBlock.valueHexView), Buffer.from(nonce)) !== 0) throw new Error(`time-stamping authority ${target.origin}: the token does not carry our nonce`);
  return token;
}

function tstInfoOf(token: Uint8Array): pkijs.TSTInfo {
  const info = parseDer(token, 'time-stamp token', (schema) => new pkijs.ContentInfo({ schema }));
  if (info.contentType !== pkijs.ContentInfo.SIGNED_DATA) throw new Error('time-stamp token: not CMS SignedData');
  const signed = new pkijs.SignedData({ schema: info.content });
  if (signed.encapContentInfo.eContentType !== TSTINFO_OID || !signed.encapContentInfo.eContent) throw new Error('time-stamp token: the signed content is not a TSTInfo');
  return parseDer(new Uint8Array(signed.encapContentInfo.eContent.getValue()), 'TSTInfo', (schema) => new pkijs.TSTInfo({ schema }));
}

function certificateOf(entry: TsaEntry): pkijs.Certificate {
  const b64 = entry.certificate.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  return parseDer(new Uint8Array(Buffer.from(b64, 'base64')), `TSA certificate ${entry.name}`, (schema) => new pkijs.Certificate({ schema }));
}

function isTimeStampingCert(cert: pkijs.Certificate): boolean {
  const eku = cert.extensions?.find((e) => e.extnID === EKU_OID);
  const usages = (eku?.parsedValue as pkijs.ExtKeyUsage | undefined)?.keyPurposes ?? [];
  return usages.includes(TIME_STAMPING_OID);
}

/**
 * Checks a token: a CMS SignedData whose signature verifies with one of the trusted TSA
 * certificates (which must be for time-stamping), over a TSTInfo whose message imprint is
 * SHA-256 of exactly `data`. The result is the TSA's time, or the problem.
 */
export async function checkTimestamp(token: Uint8Array, data: Uint8Array, trusted: TsaEntry[]): Promise<TimestampCheck> {
  const digest = new Uint8Array(createHash('sha256').update(data).digest());
  let tst: pkijs.TSTInfo;
  let signed: pkijs.SignedData;
  try {
    tst = tstInfoOf(token);
    const info = parseDer(token, 'time-stamp token', (schema) => new pkijs.ContentInfo({ schema }));
    signed = new pkijs.SignedData({ schema: info.content });
  } catch (err) {
    return { problem: (err as Error).message };
  }
  if (tst.messageImprint.hashAlgorithm.algorithmId !== SHA256_OID) return { problem: 'the token is not over a SHA-256 digest' };
  if (Buffer.compare(Buffer.from(tst.messageImprint.hashedMessage.valueBlock.valueHexView), Buffer.from(digest)) !== 0) return { problem: 'the token is over other bytes (its message imprint differs)' };
  if (trusted.length === 0) return { problem: 'the trust store names no time-stamping authority (runsafe trust tsa)' };
  for (const entry of trusted) {
    let cert: pkijs.Certificate;
    try {
      cert = certificateOf(entry);
    } catch (err) {
      return { problem: (err as Error).message };
    }
    if (!isTimeStampingCert(cert)) continue;
    // Only the trusted certificate may vouch: whatever certificates the token carries are replaced by it.
    const candidate = new pkijs.SignedData({ schema: parseDer(token, 'time-stamp token', (schema) => new pkijs.ContentInfo({ schema })).content });
    candidate.certificates = [cert];
    try {
      // pkijs checks the TSTInfo imprint against `data` too (it hashes it with the imprint's algorithm).
      const ok = await candidate.verify({ signer: 0, data: ab(data), checkChain: false, extendedMode: true });
      if ((ok as unknown as pkijs.SignedDataVerifyResult).signatureVerified) return { time: tst.genTime.getTime(), tsa: entry.name };
    } catch {
      // Not this authority: try the next trusted one.
    }
  }
  return { problem: 'the token is not signed by a time-stamping authority the trust store names' };
}
