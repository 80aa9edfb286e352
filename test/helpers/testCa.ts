// A certificate authority made with openssl in a test's temp folder, and certificates it signs
// (a server's for 127.0.0.1, a client's), for servers that speak TLS on loopback.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCa {
  /** The CA's certificate (PEM file): what a client trusts. */
  cert: string;
  key: string;
  /** Makes a certificate signed by this CA: `name`.pem and `name`.key in the CA's folder. */
  issue(name: string, subjectAltName?: string): { cert: string; key: string };
}

const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export function makeTestCa(dir: string, name = 'ca'): TestCa {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  execFileSync('openssl', ['req', '-x509', ...ec, '-days', '1', '-subj', `/CN=Guest Broadcast test ${name}`, '-keyout', key, '-out', cert], { stdio: 'pipe' });
  return {
    cert,
    key,
    issue(leaf, subjectAltName = 'IP:127.0.0.1') {
      const leafKey = join(dir, `${leaf}.key`);
      const csr = join(dir, `${leaf}.csr`);
      const leafCert = join(dir, `${leaf}.pem`);
      const ext = join(dir, `${leaf}.ext`);
      writeFileSync(ext, `subjectAltName=${subjectAltName}\n`);
      execFileSync('openssl', ['req', ...ec, '-subj', `/CN=${leaf}`, '-keyout', leafKey, '-out', csr], { stdio: 'pipe' });
      execFileSync('openssl', ['x509', '-req', '-in', csr, '-CA', cert, '-CAkey', key, '-CAcreateserial', '-days', '1', '-extfile', ext, '-out', leafCert], { stdio: 'pipe' });
      return { cert: leafCert, key: leafKey };
    },
  };
}
