/** Signing and verifying JWTs for the simulated world: RS256 for what it issues, RS256/PS256 for what it receives. */
import { constants, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { base64UrlEncode, type DecodedJwt, decodeJwt } from '../auth/jwt.js';

export function signJwt(header: Record<string, unknown>, payload: Record<string, unknown>, privateKey: KeyObject | string): string {
  const input = `${base64UrlEncode(JSON.stringify({ typ: 'JWT', alg: 'RS256', ...header }))}.${base64UrlEncode(JSON.stringify(payload))}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

/** Verifies the signature of a decoded token; `false` for an algorithm it does not know. */
export function verifySignature(token: DecodedJwt, publicKey: KeyObject | string): boolean {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  const data = Buffer.from(token.signingInput);
  switch (token.header['alg']) {
    case 'RS256':
      return verify('sha256', data, key, token.signature);
    case 'PS256':
      return verify('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, token.signature);
    default:
      return false;
  }
}

/** Decodes and verifies; `undefined` when the token is malformed or the signature does not match. */
export function verifyJwt(token: string, publicKey: KeyObject | string): DecodedJwt | undefined {
  const decoded = decodeJwt(token);
  return decoded && verifySignature(decoded, publicKey) ? decoded : undefined;
}

/** The JWK of an RSA public key, as a JWKS endpoint serves it. */
export function rsaJwk(publicKey: KeyObject, kid: string, x5c?: string): Record<string, unknown> {
  const jwk = publicKey.export({ format: 'jwk' });
  return { kty: 'RSA', use: 'sig', kid, x5t: kid, n: jwk.n, e: jwk.e, ...(x5c ? { x5c: [x5c] } : {}) };
}

