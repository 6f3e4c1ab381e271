/**
 * Reading a JSON Web Token without verifying it: enough to explain a token's claims. The doctor never
 * prints a token; it prints what the claims mean.
 */

export interface DecodedJwt {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
  /** The signed part (`header.payload`), for verifiers. */
  readonly signingInput: string;
  readonly signature: Buffer;
}

export function base64UrlEncode(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** Decodes a compact JWS; `undefined` when the text is not one. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.trim().split('.');
  if (parts.length !== 3) return undefined;
  const [header, payload, signature] = parts as [string, string, string];
  try {
    const parsedHeader: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    const parsedPayload: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (!isObject(parsedHeader) || !isObject(parsedPayload)) return undefined;
    return { header: parsedHeader, payload: parsedPayload, signingInput: `${header}.${payload}`, signature: Buffer.from(signature, 'base64url') };
  } catch {
    // Not base64url JSON: not a token this module can read.
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
