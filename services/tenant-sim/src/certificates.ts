import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import forge from 'node-forge';

export interface CertificateFiles {
  caCertPath: string;
  caKeyPath: string;
  serverCertPath: string;
  serverKeyPath: string;
}

/** `<repo root>/.data/tenant-sim`, the same from src/ (tests) and dist/ (CLI). */
export const DEFAULT_CERT_DIR = resolve(__dirname, '..', '..', '..', '.data', 'tenant-sim');

const SERVER_NAMES = { dns: ['localhost'], ips: ['127.0.0.1', '::1'] };
const RENEW_BEFORE_MS = 24 * 3600 * 1000;

/**
 * Makes sure `dir` holds a local CA and a server certificate for 127.0.0.1/localhost/::1 signed by
 * it. Existing files are reused while valid, so `NODE_EXTRA_CA_CERTS=<dir>/ca.pem`, which Node reads
 * once at process start, keeps matching the certificate a later simulator serves. A lock file keeps
 * parallel test workers from minting two different CAs.
 */
export function ensureCertificates(dir: string = DEFAULT_CERT_DIR): CertificateFiles {
  mkdirSync(dir, { recursive: true });
  const files: CertificateFiles = {
    caCertPath: join(dir, 'ca.pem'),
    caKeyPath: join(dir, 'ca-key.pem'),
    serverCertPath: join(dir, 'server.pem'),
    serverKeyPath: join(dir, 'server-key.pem'),
  };
  if (serverCertificateUsable(files)) return files;
  return withLock(join(dir, '.lock'), () => {
    if (!caUsable(files)) writeCa(files);
    if (!serverCertificateUsable(files)) writeServerCertificate(files);
    return files;
  });
}

function caUsable(files: CertificateFiles): boolean {
  if (!existsSync(files.caCertPath) || !existsSync(files.caKeyPath)) return false;
  try {
    const ca = new X509Certificate(readFileSync(files.caCertPath));
    return ca.ca && Date.parse(ca.validTo) - Date.now() > RENEW_BEFORE_MS;
  } catch {
    return false;
  }
}

function serverCertificateUsable(files: CertificateFiles): boolean {
  if (!caUsable(files) || !existsSync(files.serverCertPath) || !existsSync(files.serverKeyPath)) return false;
  try {
    const ca = new X509Certificate(readFileSync(files.caCertPath));
    const server = new X509Certificate(readFileSync(files.serverCertPath));
    return (
      server.verify(ca.publicKey) &&
      Date.parse(server.validTo) - Date.now() > RENEW_BEFORE_MS &&
      server.checkHost('localhost') !== undefined &&
      SERVER_NAMES.ips.every((ip) => server.checkIP(ip) !== undefined)
    );
  } catch {
    return false;
  }
}

function newKeyPair(): {
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
  pem: string;
} {
  // Node's native generator: pure-JS RSA generation in node-forge takes seconds.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e), pem };
}

function newCertificate(publicKey: forge.pki.PublicKey, years: number): forge.pki.Certificate {
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = publicKey;
  // Positive serial: a leading 0x01 byte keeps the DER integer from being read as negative.
  certificate.serialNumber = `01${randomBytes(15).toString('hex')}`;
  certificate.validity.notBefore = new Date(Date.now() - 60_000);
  certificate.validity.notAfter = new Date(Date.now() + years * 365 * 24 * 3600 * 1000);
  return certificate;
}

function writeCa(files: CertificateFiles): void {
  const keys = newKeyPair();
  const certificate = newCertificate(keys.publicKey, 10);
  const subject = [{ name: 'commonName', value: 'adsync tenant-sim local CA' }];
  certificate.setSubject(subject);
  certificate.setIssuer(subject);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  certificate.sign(keys.privateKey, forge.md.sha256.create());
  writeAtomically(files.caKeyPath, keys.pem, 0o600);
  writeAtomically(files.caCertPath, forge.pki.certificateToPem(certificate));
  rmSync(files.serverCertPath, { force: true });
}

function writeServerCertificate(files: CertificateFiles): void {
  const ca = forge.pki.certificateFromPem(readFileSync(files.caCertPath, 'utf8'));
  const caKey = forge.pki.privateKeyFromPem(readFileSync(files.caKeyPath, 'utf8'));
  const keys = newKeyPair();
  const certificate = newCertificate(keys.publicKey, 2);
  certificate.setSubject([{ name: 'commonName', value: 'localhost' }]);
  certificate.setIssuer(ca.subject.attributes);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        ...SERVER_NAMES.dns.map((value) => ({ type: 2, value })),
        ...SERVER_NAMES.ips.map((ip) => ({ type: 7, ip })),
      ],
    },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  certificate.sign(caKey, forge.md.sha256.create());
  writeAtomically(files.serverKeyPath, keys.pem, 0o600);
  writeAtomically(files.serverCertPath, forge.pki.certificateToPem(certificate));
}

function writeAtomically(path: string, content: string, mode = 0o644): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { mode });
  renameSync(temporary, path);
}

/** A lock file created exclusively; a stale one (a crashed holder) is taken over after 30 s. */
function withLock<T>(lockPath: string, work: () => T): T {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      closeSync(openSync(lockPath, 'wx'));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (isStale(lockPath)) rmSync(lockPath, { force: true });
      else if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lockPath}`);
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
  try {
    return work();
  } finally {
    rmSync(lockPath, { force: true });
  }
}

function isStale(lockPath: string): boolean {
  try {
    return Date.now() - statSync(lockPath).mtimeMs > 30_000;
  } catch {
    return false;
  }
}
