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

  it.each([
    ['a password for ConvertTo-SecureString after its switches', "$pw = ConvertTo-SecureString -AsPlainText -Force -String 'Pw!123'; next", 'Pw!123'],
    ['a positional password for ConvertTo-SecureString', 'ConvertTo-SecureString "Pw!123" -AsPlainText -Force', 'Pw!123'],
    ['a -ClientSecret parameter', 'Connect-MgGraph -ClientSecret abcDEF123xyz -TenantId t', 'abcDEF123xyz'],
    ['a quoted -Password parameter', "New-Thing -Password 'Pw!123 with space'", 'Pw!123 with space'],
    ['a -CertificatePassword parameter', 'Connect-ExchangeOnline -CertificateFilePath c.pfx -CertificatePassword S3cret!x', 'S3cret!x'],
    ['a JSON clientSecret', '{"clientSecret": "zz9Secret-value", "x": 1}', 'zz9Secret-value'],
    ['a refresh_token form field', 'grant_type=refresh_token&refresh_token=0.AAAAsecretRT&x=1', '0.AAAAsecretRT'],
    ['a PowerShell variable holding a password', '$Password = "Pw!123"', 'Pw!123'],
    ['a connection string password', 'Server=db;User Id=sa;Password=Pw!123;', 'Pw!123'],
    ['a proxy variable without a scheme', 'HTTPS_PROXY=user:Pw1@127.0.0.1:18081', 'Pw1'],
    ['a slash in a proxy password', 'http://user:pa/ss@proxy.contoso.com:8080', 'pa/ss'],
    ['a cookie header', 'Cookie: ESTSAUTH=abcdefSecret; other=1', 'abcdefSecret'],
  ])('removes %s', (_name, input, secret) => {
    expect(redactor.apply(input)).not.toContain(secret);
  });

  it('keeps a port and path, a variable and a sub-expression readable', () => {
    expect(redactor.apply('http://proxy.contoso.com:8080/path/user@contoso.com')).toBe('http://proxy.contoso.com:8080/path/user@contoso.com');
    expect(redactor.apply('Connect-ExchangeOnline -AccessToken $token')).toBe('Connect-ExchangeOnline -AccessToken $token');
    expect(redactor.apply('-Password (Get-Secret x)')).toBe('-Password (Get-Secret x)');
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
    r.addIdentifier('admin', 'machine-user');
    r.addIdentifier('contoso.com');
    expect(r.apply('CONTOSO\\admin tried admin@example.com and contoso.com.au')).toBe('CONTOSO\\a••• tried admin@example.com and contoso.com.au');
  });

  it('masks a login name that is an ordinary word only where it names the account', () => {
    const r = new Redactor(false);
    r.addIdentifier('root', 'machine-user');
    r.addIdentifier('admin', 'machine-user');
    r.addIdentifier('exchange', 'machine-host');
    const prose = 'DigiCert Global Root G2 issued it; Exchange admin center; Microsoft Exchange REST API Based Powershell';
    expect(r.apply(prose)).toBe(prose);
    expect(r.apply('/root/.config and /home/admin/x and C:\\Users\\admin\\Documents')).toBe('/r•••/.config and /home/a•••/x and C:\\Users\\a•••\\Documents');
  });

  it('masks a host name inside a longer name only as a whole label, keeping the rest readable', () => {
    const r = new Redactor(false);
    r.addIdentifier('megan@contoso.com', 'admin');
    expect(r.apply('federation server adfs.contoso.com (sts.contoso.com.au stays)')).toBe('federation server adfs.c•••.com (sts.contoso.com.au stays)');
  });

  it('puts readable placeholders into commands, and masks in prose', () => {
    const r = new Redactor(false);
    r.addIdentifier('megan@contoso.com', 'admin');
    r.addIdentifier('9188040d-6c67-4c5b-b112-36a304b66dad', 'tenant');
    expect(r.applyCommand('Set-User -Identity megan@contoso.com -EXOModuleEnabled $true')).toBe('Set-User -Identity <admin UPN> -EXOModuleEnabled $true');
    expect(r.applyCommand('exo-doctor --tenant 9188040d-6c67-4c5b-b112-36a304b66dad --upn OTHER_ADMIN@contoso.com')).toBe('exo-doctor --tenant <tenant id> --upn OTHER_ADMIN@<tenant domain>');
    expect(r.apply('signed in as megan@contoso.com')).toBe('signed in as m•••@c•••.com');
  });

  it('masks each identifying value inside sensitive evidence, not the whole line', () => {
    const r = new Redactor(false);
    r.addIdentifiersIn('TLS handshake with adfs.fabrikam.com failed for megan@fabrikam.com in C:\\Users\\megan\\x');
    expect(r.apply('TLS handshake with adfs.fabrikam.com failed for megan@fabrikam.com in C:\\Users\\megan\\x')).toBe(
      'TLS handshake with adfs.f•••.com failed for m•••@f•••.com in C:\\Users\\m•••\\x',
    );
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

describe('Redactor keyed placeholders (support bundles)', () => {
  const key = Buffer.alloc(32, 7);
  const keyed = () => new Redactor(false, { kind: 'keyed', key });

  it('replaces each identifier by a placeholder of its kind, the same one wherever it appears, and the same in commands', () => {
    const redactor = keyed();
    redactor.addIdentifier('meganb@contoso.com', 'admin');
    redactor.addIdentifier('9188040d-6c67-4c5b-b112-36a304b66dad', 'tenant');
    const text = redactor.apply('meganb@contoso.com signs in to 9188040d-6c67-4c5b-b112-36a304b66dad; MEGANB@CONTOSO.COM again, and adfs.contoso.com');
    const upn = /<upn-[0-9a-f]{8}>/.exec(text)?.[0];
    const tenant = /<tenant-id-[0-9a-f]{8}>/.exec(text)?.[0];
    const domain = /<domain-[0-9a-f]{8}>/.exec(text)?.[0];
    expect(upn && tenant && domain).toBeTruthy();
    expect(text).toBe(`${upn} signs in to ${tenant}; ${upn} again, and adfs.${domain}`);
    expect(redactor.applyCommand('Set-User -Identity meganb@contoso.com')).toBe(`Set-User -Identity ${upn}`);
    expect(redactor.identifierCounts()).toEqual({ upn: 1, 'tenant-id': 1, domain: 1 });
  });

  it('gives another bundle (another key) other placeholders, so bundles cannot be joined', () => {
    const a = keyed();
    const b = new Redactor(false, { kind: 'keyed', key: Buffer.alloc(32, 8) });
    a.addIdentifier('meganb@contoso.com');
    b.addIdentifier('meganb@contoso.com');
    expect(a.apply('meganb@contoso.com')).not.toBe(b.apply('meganb@contoso.com'));
  });

  it('derives a redactor with the same secrets and identifiers: keyed, or showing names but never secrets', () => {
    const masked = new Redactor(false);
    masked.addSecret('PlantedSecret-1234');
    masked.addIdentifier('meganb@contoso.com', 'admin');
    const keyedCopy = masked.derive({ showIdentifiers: false, form: { kind: 'keyed', key } });
    expect(keyedCopy.apply('meganb@contoso.com PlantedSecret-1234')).toMatch(/^<upn-[0-9a-f]{8}> \[redacted\]$/);
    const open = masked.derive({ showIdentifiers: true });
    expect(open.apply('meganb@contoso.com PlantedSecret-1234')).toBe('meganb@contoso.com [redacted]');
    // The original is untouched.
    expect(masked.apply('meganb@contoso.com')).toBe('m•••@c•••.com');
  });
});

describe('Redactor organisation names', () => {
  it('masks an organisation name wherever it appears as a whole word, with its own capitals, never inside a domain', () => {
    const redactor = new Redactor(false);
    redactor.addIdentifier('Contoso', 'organisation');
    expect(redactor.apply('Get-OrganizationConfig answered for Contoso. Sign in at contoso.com, not ContosoLtd.')).toBe(
      'Get-OrganizationConfig answered for C•••. Sign in at contoso.com, not ContosoLtd.',
    );
    expect(redactor.applyCommand('Get-OrganizationConfig | Where Name -eq Contoso')).toBe('Get-OrganizationConfig | Where Name -eq <organisation>');
  });
});
