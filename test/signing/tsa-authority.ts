// A real RFC 3161 time-stamping authority for tests: OpenSSL's `openssl ts -reply` behind a tiny HTTP server on 127.0.0.1 (port 0).
import { createServer, type Server } from 'node:http';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const CONFIG = `[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = Runsafe test TSA
[ tsa_ext ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
serial = ./serial
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
digests = sha256
accuracy = secs:1
ess_cert_id_alg = sha256
ordering = no
tsa_name = no
ess_cert_id_chain = no
`;

export interface TestTsa {
  url: string;
  /** The authority's certificate (PEM) and its file. */
  certificate: string;
  certFile: string;
  dir: string;
  close(): Promise<void>;
}

/** Starts an authority with a fresh P-256 key and self-signed time-stamping certificate. */
export async function startTsa(): Promise<TestTsa> {
  const dir = mkdtempSync(join(tmpdir(), 'runsafe-tsa-'));
  writeFileSync(join(dir, 'tsa.cnf'), CONFIG);
  writeFileSync(join(dir, 'serial'), '01\n');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'tsa.key', '-out', 'tsa.crt', '-days', '30', '-config', 'tsa.cnf', '-extensions', 'tsa_ext'], { cwd: dir, stdio: 'ignore' });
  let n = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 65_536) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      const id = ++n;
      writeFileSync(join(dir, `q${id}.tsq`), Buffer.concat(chunks));
      run('openssl', ['ts', '-reply', '-config', 'tsa.cnf', '-queryfile', `q${id}.tsq`, '-inkey', 'tsa.key', '-signer', 'tsa.crt', '-out', `r${id}.tsr`], { cwd: dir, timeout: 10_000 }).then(
        () => {
          res.writeHead(200, { 'content-type': 'application/timestamp-reply' });
          res.end(readFileSync(join(dir, `r${id}.tsr`)));
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  server.unref();
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/tsa`,
    certificate: readFileSync(join(dir, 'tsa.crt'), 'utf8'),
    certFile: join(dir, 'tsa.crt'),
    dir,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
