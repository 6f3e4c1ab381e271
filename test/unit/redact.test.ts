import { describe, expect, it } from 'vitest';
import { maskIdentifier, REDACTED, Redactor } from '../../src/redact.js';

const jwt =
  'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsIng1dCI6IjEyMyJ9.eyJhdWQiOiJodHRwczovL291dGxvb2sub2ZmaWNlMzY1LmNvbSIsInRpZCI6IjEyMyJ9.U2lnbmF0dXJlX29mX3RoZV90b2tlbg';

describe('Redactor secrets', () => {
  const redactor = new Redactor(true);

  it.each([
    ['a JWT anywhere', `token ${jwt} end`, `token ${REDACTED} end`],
    ['an Authorization header', 'Authorization: Bearer abc.def-ghi', `Authorization: ${REDACTED}`],
    ['a Proxy-Authorization header', 'proxy-authorization: Basic YWxpY2U6aHVudGVyMg==', `proxy-authorization: ${REDACTED}`],
    ['a bare bearer credential', 'sent Bearer 0123456789abcdefABCDEF', `sent Bearer ${REDACTED}`],
    ['form fields', 'client_id=x&client_secret=s3cr3t~value&grant_type=y', `client_id=x&client_secret=${REDACTED}&grant_type=y`],
    ['JSON fields', '{"access_token":"abc123","refresh_token": "def456"}', `{"access_token":"${REDACTED}","refresh_token": "${REDACTED}"}`],
    ['a password pair', 'password=hunter2', `password=${REDACTED}`],
    ['URL credentials', 'http://alice:hunter2@proxy:8080/', `http://${REDACTED}@proxy:8080/`],
    ['a private key', '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----', REDACTED],
  ])('removes %s', (_name, input, expected) => {
    expect(redactor.apply(input)).toBe(expected);
  });

  it('removes an Entra client secret and a password given to ConvertTo-SecureString', () => {
    const redactor = new Redactor(true);
    expect(redactor.apply('value Abc8Q~xY1z2W3v4U5t6S7r8Q9p0O1n2M3l4K5j6I end')).toBe(`value ${REDACTED} end`);
    expect(redactor.apply('$p = ConvertTo-SecureString "Hunter2!" -AsPlainText -Force')).toBe(`$p = ConvertTo-SecureString ${REDACTED} -AsPlainText -Force`);
  });

  it('leaves ordinary prose alone', () => {
    const prose = [
      'The WinRM client cannot process the request. Basic authentication is currently disabled in the client configuration.',
      'AADSTS50055: The password is expired.',
      'amr: ["pwd","mfa"]',
      'https://login.microsoftonline.com/common/userrealm/user@contoso.com?api-version=2.0',
    ];
    for (const text of prose) expect(redactor.apply(text)).toBe(text);
  });

  it('replaces a secret it was given by value, wherever it appears', () => {
    const r = new Redactor(true);
    r.addSecret('opaque-token-without-shape');
    expect(r.apply('got opaque-token-without-shape back')).toBe(`got ${REDACTED} back`);
  });
});

describe('Redactor identifiers', () => {
  it('masks a UPN and its domain wherever they appear', () => {
    const r = new Redactor(false);
    r.addIdentifier('Megan.Bowen@Contoso.com');
    expect(r.apply('signed in as megan.bowen@contoso.com at adfs.contoso.com')).toBe('signed in as M•••@C•••.com at adfs.C•••.com');
  });

  it('masks a UPN in its URL-encoded form too (login_hint=…%40…)', () => {
    const redactor = new Redactor();
    redactor.addIdentifier('admin@contoso.com');
    expect(redactor.apply('authorize?login_hint=admin%40contoso.com&x=1')).toBe(`authorize?login_hint=${maskIdentifier('admin@contoso.com')}&x=1`);
  });

  it('masks whole values only', () => {
    const r = new Redactor(false);
    r.addIdentifier('admin');
    r.addIdentifier('contoso.com');
    expect(r.apply('CONTOSO\\admin tried admin@example.com and contoso.com.au')).toBe('CONTOSO\\a••• tried admin@example.com and contoso.com.au');
  });

  it('shows identifiers with --show-sensitive', () => {
    const r = new Redactor(true);
    r.addIdentifier('megan@contoso.com');
    expect(r.apply('megan@contoso.com')).toBe('megan@contoso.com');
    expect(r.maskValue('megan@contoso.com')).toBe('megan@contoso.com');
  });

  it('does not mask names that name nobody', () => {
    const r = new Redactor(false);
    r.addIdentifier('common');
    expect(r.apply('tenant common')).toBe('tenant common');
    expect(r.maskValue('organizations')).toBe('organizations');
  });
});

describe('maskIdentifier', () => {
  it.each([
    ['admin@contoso.com', 'a•••@c•••.com'],
    ['admin@contoso.onmicrosoft.com', 'a•••@c•••.onmicrosoft.com'],
    ['9188040d-6c67-4c5b-b112-36a304b66dad', '9188••••-…-••••6dad'],
    ['contoso.com', 'c•••.com'],
    ['WORKSTATION-7', 'W•••'],
    ['x', '•••'],
  ])('%s → %s', (input, expected) => {
    expect(maskIdentifier(input)).toBe(expected);
  });
});
