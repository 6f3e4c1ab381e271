import { createPublicKey, randomBytes, sign, verify, X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCertificateAuthority,
  createClientCertificate,
  type IssuedCertificate,
  issueIntermediateAuthority,
  issueServerCertificate,
} from '../../../src/sim/pki.js';

const DAY = 86_400_000;
const notBefore = new Date(Date.UTC(2025, 0, 1, 8, 30, 15, 999)); // milliseconds must be dropped
const notAfter = new Date(Date.UTC(2055, 5, 30, 23, 59, 59)); // past 2049: GeneralizedTime
const hosts = ['login.microsoftonline.com', 'graph.microsoft.com', 'outlook.office365.com'];

let ca: IssuedCertificate;
let server: IssuedCertificate;
let client: IssuedCertificate;
let otherCa: IssuedCertificate;
let expired: IssuedCertificate;

beforeAll(async () => {
  [ca, otherCa, client] = await Promise.all([
    createCertificateAuthority({ commonName: 'exo-doctor simulated root CA', organization: 'exo-doctor', notBefore, notAfter }),
    createCertificateAuthority({ commonName: 'someone else', notBefore, notAfter }),
    createClientCertificate({ commonName: 'exo-doctor app-only', notBefore, notAfter }),
  ]);
  [server, expired] = await Promise.all([
    issueServerCertificate(ca, { commonName: hosts[0]!, dnsNames: hosts, ipAddresses: ['127.0.0.1', '::1'], notBefore, notAfter }),
    issueServerCertificate(ca, {
      commonName: hosts[0]!, dnsNames: hosts, notBefore: new Date(Date.now() - 30 * DAY), notAfter: new Date(Date.now() - DAY),
    }),
  ]);
});

const x509 = (cert: IssuedCertificate): X509Certificate => new X509Certificate(cert.certPem);
const colons = (hex: string): string => hex.match(/../g)!.join(':');

describe('certificate contents', () => {
  it('makes a self-signed CA', () => {
    const cert = x509(ca);
    expect(cert.ca).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.verify(x509(otherCa).publicKey)).toBe(false);
    expect(cert.subject).toBe('O=exo-doctor\nCN=exo-doctor simulated root CA');
    expect(ca.subject).toBe('CN=exo-doctor simulated root CA, O=exo-doctor');
    expect(cert.keyUsage).toBeUndefined(); // no extended key usage on a CA
  });

  it('signs a server certificate with the CA', () => {
    const cert = x509(server);
    expect(cert.ca).toBe(false);
    expect(cert.verify(x509(ca).publicKey)).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(false);
    expect(cert.issuer).toBe(x509(ca).subject);
    expect(cert.checkIssued(x509(ca))).toBe(true);
    expect(cert.subject).toBe(`CN=${hosts[0]}`);
  });

  it('names the hosts and addresses in the SAN', () => {
    const cert = x509(server);
    for (const host of hosts) expect(cert.checkHost(host)).toBe(host);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkIP('::1')).toBe('::1');
    expect(cert.checkHost('evil.example')).toBeUndefined();
    expect(cert.checkIP('10.0.0.1')).toBeUndefined();
    expect(cert.subjectAltName).toBe(`${hosts.map((h) => `DNS:${h}`).join(', ')}, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1`);
  });

  it('keeps the requested validity to the second', () => {
    for (const cert of [ca, server, client].map(x509)) {
      expect(Date.parse(cert.validFrom)).toBe(Math.floor(notBefore.getTime() / 1000) * 1000);
      expect(Date.parse(cert.validTo)).toBe(notAfter.getTime());
    }
  });

  it('reports thumbprints as Node computes them', () => {
    for (const issued of [ca, server, client]) {
      const cert = x509(issued);
      expect(cert.fingerprint256).toBe(colons(issued.sha256Thumbprint));
      expect(cert.fingerprint).toBe(colons(issued.sha1Thumbprint));
      expect(issued.sha1Thumbprint).toMatch(/^[0-9A-F]{40}$/);
      expect(cert.raw.equals(issued.der)).toBe(true);
    }
    expect(server.sha256Thumbprint).not.toBe(ca.sha256Thumbprint);
  });

  it('marks server and client extended key usage', () => {
    // Node calls the extended key usage `keyUsage`.
    expect(x509(server).keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(x509(client).keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(x509(client).ca).toBe(false);
    expect(x509(client).verify(x509(client).publicKey)).toBe(true);
  });

  it('uses a fresh positive serial per certificate', () => {
    expect(x509(server).serialNumber).not.toBe(x509(expired).serialNumber);
    // At most 16 bytes with the top bit clear: 32 hex digits starting 0-7, or fewer once leading zeros go.
    for (const cert of [ca, server, client, otherCa, expired].map(x509)) expect(cert.serialNumber).toMatch(/^([0-7][0-9A-F]{31}|[0-9A-F]{1,31})$/);
  });

  it('gives the client certificate a key that signs RS256', () => {
    const data = randomBytes(64);
    const signature = sign('sha256', data, client.keyPem);
    const publicKey = x509(client).publicKey;
    expect(verify('sha256', data, publicKey, signature)).toBe(true);
    expect(verify('sha256', randomBytes(64), publicKey, signature)).toBe(false);
    expect(createPublicKey(client.keyPem).export({ format: 'jwk' }).n).toBe(publicKey.export({ format: 'jwk' }).n);
    expect(client.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });

  it('refuses an empty validity period', async () => {
    await expect(createClientCertificate({ commonName: 'x', notBefore: notAfter, notAfter: notBefore })).rejects.toThrow(RangeError);
  });
});

describe('TLS handshake', () => {
  const servers: Server[] = [];

  async function listen(cert: IssuedCertificate, chain = ''): Promise<number> {
    const https = createServer({ cert: `${cert.certPem}${chain}`, key: cert.keyPem }, (_req, res) => res.end('ok'));
    servers.push(https);
    await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
    return (https.address() as AddressInfo).port;
  }

  /** Connects without rejecting, so the verdict comes back as data. */
  function handshake(port: number, ca: string[]): Promise<{ authorized: boolean; error: string | undefined }> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, servername: hosts[0], ca, rejectUnauthorized: false }, () => {
        // Node sets authorizationError to the OpenSSL code string, despite its `Error` type.
        const error = socket.authorizationError as unknown as string | undefined;
        resolve({ authorized: socket.authorized, error });
        socket.end();
      });
      socket.on('error', reject);
    });
  }

  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it('is trusted by a client that trusts the CA', async () => {
    const port = await listen(server);
    expect(await handshake(port, [ca.certPem])).toEqual({ authorized: true, error: null });
  });

  it('is refused by a client that does not trust the CA', async () => {
    const port = await listen(server);
    expect((await handshake(port, [])).error).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect((await handshake(port, [otherCa.certPem])).error).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('builds a three-level chain through an intermediate CA', async () => {
    const intermediate = await issueIntermediateAuthority(ca, { commonName: 'Issuing CA 04', organization: 'exo-doctor', notBefore, notAfter });
    const leaf = await issueServerCertificate(intermediate, { commonName: hosts[0]!, dnsNames: hosts, notBefore, notAfter });
    expect(x509(intermediate).ca).toBe(true);
    expect(x509(intermediate).verify(x509(ca).publicKey)).toBe(true);
    expect(x509(leaf).checkIssued(x509(intermediate))).toBe(true);
    const sentWithChain = await listen(leaf, intermediate.certPem);
    expect(await handshake(sentWithChain, [ca.certPem])).toEqual({ authorized: true, error: null });
    const sentAlone = await listen(leaf);
    expect((await handshake(sentAlone, [ca.certPem])).error).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('reports an expired certificate', async () => {
    const port = await listen(expired);
    expect(await handshake(port, [ca.certPem])).toEqual({ authorized: false, error: 'CERT_HAS_EXPIRED' });
  });
});
