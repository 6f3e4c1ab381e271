import { describe, expect, it } from 'vitest';
import { inputs, tenantProblem, upnProblem } from '../../../checks/inputs.js';
import type { Config } from '../../../src/context.js';
import { fakeConfig, fakeContext } from '../../support/fake-context.js';
import { runCheck } from '../../support/run-check.js';

const run = (config: Partial<Config>) => runCheck(inputs, fakeContext({ config: fakeConfig(config) }));

describe('inputs', () => {
  it('passes with a UPN and takes the tenant from its domain', async () => {
    const result = await run({ upn: ' admin@contoso.com ' });
    expect(result).toMatchObject({
      status: 'pass',
      output: { upn: 'admin@contoso.com', tenant: 'contoso.com', tenantFrom: 'UPN domain' },
    });
    expect(result.evidence[0]).toEqual({ label: 'UPN', value: 'admin@contoso.com', sensitive: true });
  });

  it('prefers --tenant over the UPN domain', async () => {
    const result = await run({ upn: 'admin@contoso.com', tenant: '9188040d-6c67-4c5b-b112-36a304b66dad' });
    expect(result).toMatchObject({ status: 'pass', output: { tenant: '9188040d-6c67-4c5b-b112-36a304b66dad', tenantFrom: 'tenant option' } });
  });

  it('accepts a tenant alone, for app-only sign-in', async () => {
    expect(await run({ tenant: 'contoso.onmicrosoft.com' })).toMatchObject({ status: 'pass', output: { tenant: 'contoso.onmicrosoft.com' } });
  });

  it('leaves the account checks unchecked, with the option to add, when nothing was given', async () => {
    const result = await run({});
    expect(result).toMatchObject({ status: 'skip', kind: 'not-checked' });
    if (result.status !== 'skip') return;
    expect(result.remediation?.[0]?.commands).toEqual(['exo-doctor --upn <admin UPN>']);
  });

  it('fails a malformed UPN with the expected form', async () => {
    const result = await run({ upn: 'admin' });
    expect(result.status).toBe('fail');
    expect(result.summary).toBe('The UPN "admin" is not a user principal name: it has no @domain part.');
    if (result.status !== 'fail') return;
    expect(result.remediation[0]?.commands).toEqual(['exo-doctor --upn <admin UPN>']);
  });

  it('suggests the cleaned UPN when only the wrapping is wrong', async () => {
    const result = await run({ upn: '<admin@contoso.com>' });
    if (result.status !== 'fail') throw new Error(`expected fail, got ${result.status}`);
    expect(result.remediation[0]?.commands).toEqual(['exo-doctor --upn admin@contoso.com']);
  });

  it('fails a malformed --target, and keeps a good one as evidence', async () => {
    expect(await run({ upn: 'admin@contoso.com', target: 'CONTOSO\\megan' })).toMatchObject({
      status: 'fail',
      summary: 'The --target "CONTOSO\\megan" is not a user principal name: it is a Windows logon name (CONTOSO\\megan), not a user principal name.',
    });
    const ok = await run({ upn: 'admin@contoso.com', target: 'megan@contoso.com' });
    expect(ok.status).toBe('pass');
    expect(ok.evidence).toContainEqual({ label: 'Target', value: 'megan@contoso.com', sensitive: true });
  });

  it('fails a malformed tenant with the expected form', async () => {
    const result = await run({ upn: 'admin@contoso.com', tenant: 'contoso' });
    expect(result.summary).toBe('The tenant "contoso" is not a tenant id or domain: it is not a domain.');
    if (result.status !== 'fail') throw new Error(`expected fail, got ${result.status}`);
    expect(result.remediation[0]?.commands).toEqual(['exo-doctor --tenant contoso.onmicrosoft.com']);
  });
});

describe('upnProblem', () => {
  it.each([
    'admin@contoso.com',
    'first.last@contoso.co.uk',
    "o'brien@contoso.com",
    'admin@contoso.onmicrosoft.com',
    'svc_exo-1@sub.contoso.com',
    'admin@xn--mller-kva.de',
  ])('accepts %s', (upn) => expect(upnProblem(upn)).toBeUndefined());

  it.each([
    ['admin', 'it has no @domain part'],
    ['CONTOSO\\admin', 'it is a Windows logon name (CONTOSO\\admin), not a user principal name'],
    ['ad min@contoso.com', 'it contains a space'],
    ['admin@@contoso.com', 'it has more than one @'],
    ['@contoso.com', 'nothing comes before the @'],
    ['admin.@contoso.com', 'the part before the @ ends with a dot'],
    ['adm%in@contoso.com', 'the part before the @ contains characters a UPN cannot have: %'],
    ['jörg@contoso.com', 'the part before the @ contains characters a UPN cannot have: ö'],
    ['admin@contoso', 'its domain "contoso" has no dot (a verified domain looks like contoso.com)'],
    ['admin@contoso.com.', 'its domain ends with a dot'],
    ['admin@-contoso.com', 'its domain has an invalid part "-contoso" (letters, digits and inner hyphens only)'],
    ['admin@contoso.123', 'its domain does not end in a top-level domain'],
    [`${'a'.repeat(65)}@contoso.com`, 'the part before the @ has 65 characters; at most 64 are allowed'],
  ])('refuses %s: %s', (upn, reason) => expect(upnProblem(upn)?.reason).toBe(reason));

  it.each([
    ['mailto:admin@contoso.com', 'admin@contoso.com'],
    ['"admin@contoso.com"', 'admin@contoso.com'],
  ])('suggests the address inside %s', (upn, suggestion) => expect(upnProblem(upn)?.suggestion).toBe(suggestion));
});

describe('tenantProblem', () => {
  it.each(['9188040d-6c67-4c5b-b112-36a304b66dad', 'contoso.onmicrosoft.com', 'contoso.com', 'contoso.onmicrosoft.us'])(
    'accepts %s',
    (tenant) => expect(tenantProblem(tenant)).toBeUndefined(),
  );

  it.each([
    ['common', '"common" names no tenant in particular; the doctor needs your tenant\'s id or one of its domains', undefined],
    ['https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0', 'it is a URL, not a tenant', 'contoso.onmicrosoft.com'],
    ['admin@contoso.com', 'it is an account, not a tenant', 'contoso.com'],
    ['9188040d-6c67-4c5b-b112-36a304b66da', 'it looks like a tenant id but is not a well-formed GUID', undefined],
    ['contoso', 'it is not a domain', 'contoso.onmicrosoft.com'],
  ])('refuses %s', (tenant, reason, suggestion) => {
    expect(tenantProblem(tenant)).toEqual({ reason, ...(suggestion ? { suggestion } : {}) });
  });
});
