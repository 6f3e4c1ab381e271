/**
 * X.509 certificates for the simulated world, built in pure JavaScript on `node:crypto`: no openssl
 * binary and no npm dependency, so the world can serve real HTTPS under real host names on any machine.
 *
 * Only what we issue is encoded: RSA-2048 keys, sha256WithRSAEncryption signatures, v3 certificates
 * with the handful of extensions a TLS client and Entra ID look at.
 */
import { createHash, createPrivateKey, generateKeyPair, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';
import { promisify } from 'node:util';

/** A certificate together with its private key. */
export interface IssuedCertificate {
  /** The certificate, `-----BEGIN CERTIFICATE-----`. */
  readonly certPem: string;
  /** The private key as PKCS#8, `-----BEGIN PRIVATE KEY-----`. */
  readonly keyPem: string;
  /** The certificate DER. */
  readonly der: Buffer;
  /** SHA-1 of the DER, upper-case hex without separators: what Entra shows as the thumbprint. */
  readonly sha1Thumbprint: string;
  /** SHA-256 of the DER, upper-case hex without separators. */
  readonly sha256Thumbprint: string;
  /** The subject in RFC 4514 order, e.g. `CN=exo-doctor simulated root CA, O=exo-doctor`. */
  readonly subject: string;
}

/** When a certificate is valid; X.509 keeps whole seconds, so milliseconds are dropped. */
export interface Validity {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

// ---- DER encoding -------------------------------------------------------------------------------

function tlv(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  const n = body.length;
  // Short form below 128; long form is 0x80|count followed by the big-endian length.
  let length: Buffer;
  if (n < 0x80) length = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
    length = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

const seq = (...items: Buffer[]): Buffer => tlv(0x30, ...items);
const set = (...items: Buffer[]): Buffer => tlv(0x31, ...items);
const nul = (): Buffer => tlv(0x05);
const bool = (value: boolean): Buffer => tlv(0x01, Buffer.from([value ? 0xff : 0x00]));
const octets = (bytes: Buffer): Buffer => tlv(0x04, bytes);
const utf8 = (text: string): Buffer => tlv(0x0c, Buffer.from(text, 'utf8'));
/** Context-specific, constructed: `[n] EXPLICIT` wraps a whole TLV. */
const explicit = (n: number, inner: Buffer): Buffer => tlv(0xa0 | n, inner);
/** Context-specific, primitive: `[n] IMPLICIT` replaces the tag of a primitive type. */
const implicit = (n: number, bytes: Buffer): Buffer => tlv(0x80 | n, bytes);

/** Unsigned big-endian integer: minimal length, with a 0x00 pad when the top bit would read as negative. */
function integer(value: Buffer | number): Buffer {
  let bytes = typeof value === 'number' ? Buffer.from([value]) : value;
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0 && (bytes[start + 1]! & 0x80) === 0) start++;
  bytes = bytes.subarray(start);
  return tlv(0x02, (bytes[0]! & 0x80) !== 0 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function bitString(bytes: Buffer, unusedBits = 0): Buffer {
  return tlv(0x03, Buffer.from([unusedBits]), bytes);
}

/** A NamedBitList (keyUsage): DER drops trailing zero bits and says how many bits of the last byte are unused. */
function namedBits(bits: readonly number[]): Buffer {
  const highest = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  return bitString(bytes, 7 - (highest & 7));
}

function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const out = [40 * first + second];
  for (const arc of rest) {
    // Base-128, most significant group first, continuation bit on all but the last.
    const groups = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) groups.unshift((v & 0x7f) | 0x80);
    out.push(...groups);
  }
  return tlv(0x06, Buffer.from(out));
}

/** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime outside 1950-2049; always whole seconds in UTC. */
function time(date: Date): Buffer {
  const year = date.getUTCFullYear();
  const digits = date.toISOString().slice(0, 19).replace(/[-T:]/g, ''); // YYYYMMDDHHMMSS
  return year >= 1950 && year < 2050
    ? tlv(0x17, Buffer.from(`${digits.slice(2)}Z`, 'ascii'))
    : tlv(0x18, Buffer.from(`${digits}Z`, 'ascii'));
}

// ---- DER reading (just enough to take our own structures apart) --------------------------------

interface Element {
  readonly tag: number;
  /** The whole TLV. */
  readonly raw: Buffer;
  readonly content: Buffer;
}

function read(buf: Buffer, offset = 0): Element {
  const tag = buf[offset]!;
  let length = buf[offset + 1]!;
  let header = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[offset + 2 + i]!;
    header += count;
  }
  const end = offset + header + length;
  if (end > buf.length) throw new Error('Truncated DER');
  return { tag, raw: buf.subarray(offset, end), content: buf.subarray(offset + header, end) };
}

function children(element: Element): Element[] {
  const out: Element[] = [];
  for (let offset = 0; offset < element.content.length; ) {
    const child = read(element.content, offset);
    out.push(child);
    offset += child.raw.length;
  }
  return out;
}

// ---- Certificate pieces -------------------------------------------------------------------------

const OID = {
  sha256WithRSA: '1.2.840.113549.1.1.11',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

const KEY_USAGE = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 } as const;

const signatureAlgorithm = (): Buffer => seq(oid(OID.sha256WithRSA), nul());

interface DistinguishedName {
  readonly commonName: string;
  readonly organization?: string | undefined;
}

/** DER keeps the most significant RDN first (O, then CN); the RFC 4514 string lists them the other way round. */
function encodeName({ commonName, organization }: DistinguishedName): { der: Buffer; text: string } {
  const rdn = (type: string, value: string): Buffer => set(seq(oid(type), utf8(value)));
  const escape = (value: string): string => value.replace(/[,+"\\<>;]|^[ #]| $/g, (c) => `\\${c}`);
  const rdns = organization === undefined ? [] : [rdn(OID.organization, organization)];
  rdns.push(rdn(OID.commonName, commonName));
  const text = [`CN=${escape(commonName)}`, ...(organization === undefined ? [] : [`O=${escape(organization)}`])].join(', ');
  return { der: seq(...rdns), text };
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  // `critical` is DEFAULT FALSE, and DER omits defaults.
  return seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));
}

/** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING (without its unused-bits byte). */
function keyIdentifier(spki: Buffer): Buffer {
  const bits = children(read(spki))[1];
  if (bits?.tag !== 0x03) throw new Error('Not a SubjectPublicKeyInfo');
  return createHash('sha1').update(bits.content.subarray(1)).digest();
}

function ipAddressBytes(address: string): Buffer {
  const family = isIP(address);
  if (family === 4) return Buffer.from(address.split('.').map(Number));
  if (family !== 6 || address.includes('%')) throw new Error(`Not an IP address for a certificate: ${address}`);
  // Expand `::` and a trailing dotted IPv4 into eight 16-bit groups.
  let text = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dotted) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted.split('.').map(Number);
    text = text.slice(0, -dotted.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const split = (part: string | undefined): string[] => (part ? part.split(':') : []);
  const left = split(head);
  const right = split(tail);
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const out = Buffer.alloc(16);
  groups.forEach((group, i) => out.writeUInt16BE(parseInt(group, 16), i * 2));
  return out;
}

function subjectAltName(dnsNames: readonly string[], ipAddresses: readonly string[]): Buffer {
  for (const name of dnsNames) {
    // dNSName is an IA5String: international names must arrive as punycode.
    if (!/^[\x21-\x7e]+$/.test(name)) throw new Error(`Not an ASCII DNS name: ${name}`);
  }
  return seq(
    ...dnsNames.map((name) => implicit(2, Buffer.from(name, 'ascii'))),
    ...ipAddresses.map((address) => implicit(7, ipAddressBytes(address))),
  );
}

// ---- Assembly -----------------------------------------------------------------------------------

const generateKeyPairAsync = promisify(generateKeyPair);

interface KeyPair {
  /** SubjectPublicKeyInfo DER. */
  readonly spki: Buffer;
  /** PKCS#8 PEM. */
  readonly keyPem: string;
}

async function newKeyPair(type: 'rsa' | 'ec' = 'rsa'): Promise<KeyPair> {
  const encoding = {
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  } as const;
  const { publicKey, privateKey } = (
    type === 'ec'
      ? await generateKeyPairAsync('ec', { namedCurve: 'prime256v1', ...encoding })
      : await generateKeyPairAsync('rsa', { modulusLength: 2048, ...encoding })
  ) as unknown as { publicKey: Buffer; privateKey: string };
  return { spki: publicKey, keyPem: privateKey };
}

interface Blueprint extends Validity {
  readonly subject: { der: Buffer; text: string };
  /** The issuer's subject DER; the certificate's own subject when self-signed. */
  readonly issuerName: Buffer;
  readonly signingKeyPem: string;
  readonly keys: KeyPair;
  readonly extensions: readonly Buffer[];
}

function build(blueprint: Blueprint): IssuedCertificate {
  const { notBefore, notAfter } = blueprint;
  if (!(notAfter.getTime() > notBefore.getTime())) throw new RangeError('notAfter must be later than notBefore');
  const serial = randomBytes(16);
  serial[0]! &= 0x7f; // Positive, and at most 16 bytes once encoded (RFC 5280 allows 20).
  const tbs = seq(
    explicit(0, integer(2)), // v3
    integer(serial),
    signatureAlgorithm(),
    blueprint.issuerName,
    seq(time(notBefore), time(notAfter)),
    blueprint.subject.der,
    blueprint.keys.spki,
    explicit(3, seq(...blueprint.extensions)),
  );
  const signature = sign('sha256', tbs, createPrivateKey(blueprint.signingKeyPem));
  const der = seq(tbs, signatureAlgorithm(), bitString(signature));
  const base64 = der.toString('base64').replace(/.{64}(?!$)/g, '$&\n');
  return {
    certPem: `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`,
    keyPem: blueprint.keys.keyPem,
    der,
    sha1Thumbprint: createHash('sha1').update(der).digest('hex').toUpperCase(),
    sha256Thumbprint: createHash('sha256').update(der).digest('hex').toUpperCase(),
    subject: blueprint.subject.text,
  };
}

/** The parts of an issuer certificate a child needs: its subject bytes and its key identifier. */
function issuerParts(issuer: IssuedCertificate): { name: Buffer; keyId: Buffer } {
  // TBSCertificate: version, serial, signature, issuer, validity, subject, subjectPublicKeyInfo, ...
  const tbs = children(read(issuer.der))[0];
  const fields = tbs ? children(tbs) : [];
  const name = fields[5];
  const spki = fields[6];
  if (fields[0]?.tag !== 0xa0 || !name || !spki) throw new Error('The issuer is not a v3 certificate');
  return { name: name.raw, keyId: keyIdentifier(spki.raw) };
}

/** A self-signed root CA: basicConstraints CA:TRUE (critical), keyUsage keyCertSign+cRLSign (critical), subjectKeyIdentifier. */
export async function createCertificateAuthority(
  options: { commonName: string; organization?: string } & Validity,
): Promise<IssuedCertificate> {
  const keys = await newKeyPair();
  const subject = encodeName(options);
  return build({
    notBefore: options.notBefore,
    notAfter: options.notAfter,
    subject,
    issuerName: subject.der,
    signingKeyPem: keys.keyPem,
    keys,
    extensions: [
      extension(OID.basicConstraints, true, seq(bool(true))),
      extension(OID.keyUsage, true, namedBits([KEY_USAGE.keyCertSign, KEY_USAGE.cRLSign])),
      extension(OID.subjectKeyIdentifier, false, octets(keyIdentifier(keys.spki))),
    ],
  });
}

/**
 * A TLS server certificate signed by `issuer`: SAN with DNS names and IP addresses, basicConstraints CA:FALSE,
 * keyUsage digitalSignature+keyEncipherment (critical), extKeyUsage serverAuth, subjectKeyIdentifier,
 * authorityKeyIdentifier (keyid of the issuer).
 */
/** An intermediate CA signed by `issuer`: basicConstraints CA:TRUE with pathLen 0, keyCertSign+cRLSign, key identifiers. */
export async function issueIntermediateAuthority(
  issuer: IssuedCertificate,
  options: { commonName: string; organization?: string } & Validity,
): Promise<IssuedCertificate> {
  const keys = await newKeyPair();
  const { name, keyId } = issuerParts(issuer);
  return build({
    notBefore: options.notBefore,
    notAfter: options.notAfter,
    subject: encodeName(options),
    issuerName: name,
    signingKeyPem: issuer.keyPem,
    keys,
    extensions: [
      extension(OID.basicConstraints, true, seq(bool(true), integer(0))),
      extension(OID.keyUsage, true, namedBits([KEY_USAGE.keyCertSign, KEY_USAGE.cRLSign])),
      extension(OID.subjectKeyIdentifier, false, octets(keyIdentifier(keys.spki))),
      extension(OID.authorityKeyIdentifier, false, seq(implicit(0, keyId))),
    ],
  });
}

export async function issueServerCertificate(
  issuer: IssuedCertificate,
  options: {
    commonName: string;
    dnsNames: readonly string[];
    ipAddresses?: readonly string[];
    /** The leaf's own key: RSA 2048 (default) or ECDSA P-256, whose handshakes cost a tenth of the CPU. */
    keyType?: 'rsa' | 'ec';
  } & Validity,
): Promise<IssuedCertificate> {
  const keys = await newKeyPair(options.keyType);
  const { name, keyId } = issuerParts(issuer);
  return build({
    notBefore: options.notBefore,
    notAfter: options.notAfter,
    subject: encodeName({ commonName: options.commonName }),
    // Byte-identical to the issuer's subject, so chain building matches names exactly.
    issuerName: name,
    signingKeyPem: issuer.keyPem,
    keys,
    extensions: [
      extension(OID.subjectAltName, false, subjectAltName(options.dnsNames, options.ipAddresses ?? [])),
      extension(OID.basicConstraints, false, seq()), // cA DEFAULT FALSE: an empty SEQUENCE in DER.
      // keyEncipherment exists only for RSA keys.
      extension(OID.keyUsage, true, namedBits(options.keyType === 'ec' ? [KEY_USAGE.digitalSignature] : [KEY_USAGE.digitalSignature, KEY_USAGE.keyEncipherment])),
      extension(OID.extKeyUsage, false, seq(oid(OID.serverAuth))),
      extension(OID.subjectKeyIdentifier, false, octets(keyIdentifier(keys.spki))),
      extension(OID.authorityKeyIdentifier, false, seq(implicit(0, keyId))),
    ],
  });
}

/**
 * A self-signed certificate for app-only sign-in (what an admin uploads to an Entra app registration):
 * keyUsage digitalSignature (critical), extKeyUsage clientAuth, subjectKeyIdentifier.
 */
export async function createClientCertificate(options: { commonName: string } & Validity): Promise<IssuedCertificate> {
  const keys = await newKeyPair();
  const subject = encodeName({ commonName: options.commonName });
  return build({
    notBefore: options.notBefore,
    notAfter: options.notAfter,
    subject,
    issuerName: subject.der,
    signingKeyPem: keys.keyPem,
    keys,
    extensions: [
      extension(OID.keyUsage, true, namedBits([KEY_USAGE.digitalSignature])),
      extension(OID.extKeyUsage, false, seq(oid(OID.clientAuth))),
      extension(OID.subjectKeyIdentifier, false, octets(keyIdentifier(keys.spki))),
    ],
  });
}
