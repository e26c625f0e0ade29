// A certificate authority made for one test run with openssl, the server
// certificate it signs for 127.0.0.1 and localhost, and a second CA that
// signed nothing: the one a client must refuse to trust the server with.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestPki {
  /** PEM of the CA that signed the server certificate. */
  ca: string;
  caFile: string;
  /** PEM of a CA that did not sign it. */
  otherCa: string;
  otherCaFile: string;
  cert: string;
  key: string;
}

async function selfSignedCa(dir: string, name: string): Promise<void> {
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.pem`)]);
}

/** Writes the CA, the other CA and the server's key and certificate into `dir`. */
export async function makeTestPki(dir: string): Promise<TestPki> {
  await selfSignedCa(dir, 'capsule-test-ca');
  await selfSignedCa(dir, 'capsule-other-ca');
  const key = join(dir, 'server.key');
  const csr = join(dir, 'server.csr');
  const crt = join(dir, 'server.pem');
  await run('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', key, '-out', csr]);
  const ext = join(dir, 'server.ext');
  await writeFile(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
  await run('openssl', ['x509', '-req', '-in', csr, '-CA', join(dir, 'capsule-test-ca.pem'), '-CAkey', join(dir, 'capsule-test-ca.key'), '-CAcreateserial', '-days', '2', '-extfile', ext, '-out', crt]);
  const read = (f: string) => readFile(join(dir, f), 'utf8');
  return {
    ca: await read('capsule-test-ca.pem'),
    caFile: join(dir, 'capsule-test-ca.pem'),
    otherCa: await read('capsule-other-ca.pem'),
    otherCaFile: join(dir, 'capsule-other-ca.pem'),
    cert: await read('server.pem'),
    key: await read('server.key'),
  };
}
