import { describe, expect, it } from 'vitest';
import { AADSTS, CATEGORIES, describeAadsts, type AadstsEntry, type Category } from '../../../src/knowledge/aadsts.js';

/** Every code of docs/errors.md#aadsts-codes. */
const DOMAIN_8_2 = [
  50076, 50079, 50074, 50072, 50158, 53003, 53000, 53001, 530035, 50105, 65001, 700016, 7000112, 50011, 500011, 90002, 90038, 50020,
  50034, 50057, 50053, 50055, 50144, 50126, 50173, 70008, 700082, 50196, 50128, 90014, 900144, 9002313, 90072, 700027, 700024, 7000215,
  7000222, 70016, 70018, 70019, 90120, 50058, 500021, 500022, 50002,
];

/** The other codes an Exchange admin meets that the table must carry. */
const ALSO_REQUIRED = [
  50097, 50131, 50133, 50140, 53004, 530032, 54005, 70000, 70001, 70011, 7000218, 700021, 700023, 50107, 50059, 16000, 50017, 90033,
  130507, 50155, 50199, 530002, 53002, 53011, 135010,
];

const entries: AadstsEntry[] = Object.values(AADSTS);

describe('AADSTS table', () => {
  it('covers every code of docs/errors.md#aadsts-codes and the other required codes', () => {
    const missing = [...DOMAIN_8_2, ...ALSO_REQUIRED].filter((code) => AADSTS[code] === undefined);
    expect(missing).toEqual([]);
  });

  it('has at least 70 entries', () => {
    expect(entries.length).toBeGreaterThanOrEqual(70);
  });

  it("keys every entry by its own code", () => {
    for (const [key, entry] of Object.entries(AADSTS)) expect(entry.code, `key ${key}`).toBe(Number(key));
  });

  it('gives every entry a name, meaning, cause, a known category, a fix summary and an https link', () => {
    for (const entry of entries) {
      const where = `AADSTS${entry.code}`;
      expect(entry.name.trim(), where).not.toBe('');
      expect(entry.meaning.trim(), where).not.toBe('');
      expect(entry.cause.trim(), where).not.toBe('');
      expect(CATEGORIES, where).toContain(entry.category);
      expect(entry.fix.summary.trim(), where).not.toBe('');
      expect(['admin', 'another-admin', 'network-team'], where).toContain(entry.fix.runBy);
      expect(entry.link, where).toMatch(/^https:\/\/\S+$/);
      for (const command of entry.fix.commands) expect(command.trim(), where).not.toBe('');
    }
  });

  it('marks exactly the pending and informational codes as benign', () => {
    const benign = entries.filter((entry) => entry.benign === true).map((entry) => entry.code);
    expect(benign.sort((a, b) => a - b)).toEqual([50140, 50199, 70016]);
  });

  it('keeps links on Microsoft sites', () => {
    for (const entry of entries) {
      expect(new URL(entry.link).hostname, `AADSTS${entry.code}`).toMatch(/^(learn\.microsoft\.com|login\.microsoftonline\.com)$/);
    }
  });

  it('holds nothing shaped like a token or a secret', () => {
    const text = JSON.stringify(AADSTS);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./); // JWT
    expect(text).not.toMatch(/[A-Za-z0-9_~.-]{3}8Q~[A-Za-z0-9_~.-]{30,}/); // Entra client secret value
    expect(text).not.toMatch(/-----BEGIN/); // PEM
  });

  it.each<[number, Category]>([
    [50076, 'mfa_required'],
    // Named "enrollment required", met in practice on password sign-ins that cannot do MFA; `also` keeps the other reading.
    [50079, 'mfa_required'],
    [53003, 'conditional_access'],
    [7000112, 'app_disabled_or_not_consented'],
    [50105, 'app_disabled_or_not_consented'],
    [90038, 'wrong_cloud_environment'],
    [700024, 'clock_skew'],
    [50126, 'wrong_password'],
    [50034, 'user_not_found'],
    [50057, 'account_disabled_or_locked'],
    // The Exchange module's own client (fb78d390-…) exists in every tenant, but the tools that sign in the
    // same way meet 700016 when their own app was deleted, retired or never consented (every train
    // transcript with the code); a wrong custom -AppId is its `also`.
    [700016, 'app_disabled_or_not_consented'],
    [7000215, 'app_only_misconfigured'],
    [500021, 'proxy'],
    [70016, 'other'],
  ])('classifies AADSTS%i as %s', (code, category) => {
    expect(AADSTS[code]?.category).toBe(category);
  });

  it('gives the exact commands for the Exchange-specific fixes', () => {
    const commands = (code: number) => (AADSTS[code]?.fix.commands ?? []).join('\n');
    expect(commands(7000112)).toContain("appId eq 'fb78d390-0c51-40cd-8e17-fdbfab77341b'");
    expect(commands(7000112)).toContain('Update-MgServicePrincipal -ServicePrincipalId $sp.Id -AccountEnabled:$true');
    expect(commands(50105)).toContain('New-MgServicePrincipalAppRoleAssignedTo');
    // An address is a link, not a command.
    expect(AADSTS[50079]?.fix.links).toContain('https://aka.ms/mysecurityinfo');
    expect(commands(50079)).not.toContain('https://');
    expect(commands(700024)).toContain('w32tm /resync /force');
    // The account is a placeholder that whoever shows the fix fills in.
    expect(commands(50076)).toContain('Connect-ExchangeOnline -UserPrincipalName <upn>');
    expect(commands(50076)).toContain('Connect-ExchangeOnline -Device');
    expect(commands(50076)).toContain('-CertificateThumbprint');
    for (const code of [90002, 90038, 500011]) expect(commands(code)).toContain('-ExchangeEnvironmentName O365USGovGCCHigh');
  });

  it('says who acts: tenant-wide fixes fall to another admin, proxy ones to the network team', () => {
    expect(AADSTS[7000112]?.fix.runBy).toBe('another-admin');
    expect(AADSTS[50105]?.fix.runBy).toBe('another-admin');
    expect(AADSTS[53003]?.fix.runBy).toBe('another-admin');
    expect(AADSTS[500021]?.fix.runBy).toBe('network-team');
    expect(AADSTS[50079]?.fix.runBy).toBe('admin');
  });
});

describe('describeAadsts', () => {
  it('returns the table entry for a known code', () => {
    expect(describeAadsts(50076)).toBe(AADSTS[50076]);
  });

  it('returns a generic entry that links the error lookup page for an unknown code', () => {
    const entry = describeAadsts(12345);
    expect(entry.code).toBe(12345);
    expect(entry.category).toBe('other');
    expect(entry.link).toBe('https://login.microsoftonline.com/error?code=12345');
    expect(entry.fix.summary).not.toBe('');
    expect(entry.benign).toBeUndefined();
    expect(AADSTS[12345]).toBeUndefined();
  });
});
