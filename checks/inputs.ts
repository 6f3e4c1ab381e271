/**
 * inputs: the account and tenant the admin gave. Everything that talks to the tenant needs them, so a
 * malformed value fails here, once, with the form that was expected, and the checks after it are
 * skipped as blocked instead of failing one by one.
 *
 * UPN rules: https://learn.microsoft.com/entra/identity/authentication/concept-sspr-policy#userprincipalname-policies-that-apply-to-all-user-accounts
 */
import { doctorCommand } from '../src/invocation.js';
import { defineCheck } from '../src/check.js';
import type { Evidence } from '../src/result.js';
import { evidence, fail, fix, notChecked, pass, sensitive } from '../src/result.js';

const UPN_POLICY =
  'https://learn.microsoft.com/entra/identity/authentication/concept-sspr-policy#userprincipalname-policies-that-apply-to-all-user-accounts';

/** What the identity checks receive. */
export interface Inputs {
  readonly upn?: string;
  /** The tenant to ask about: `--tenant`, or else the domain of the UPN. */
  readonly tenant?: string;
  readonly tenantFrom?: 'tenant option' | 'UPN domain';
}

/** Why a value was refused, and what it should have looked like. */
export interface Problem {
  readonly reason: string;
  /** A corrected value when the intent is clear, e.g. `admin@contoso.com` from `<admin@contoso.com>`. */
  readonly suggestion?: string;
}

const UPN_LOCAL = /^[A-Za-z0-9'._!#^~-]+$/;
const DNS_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const META_TENANTS = new Set(['common', 'organizations', 'consumers']);

/** Checks a user principal name against Entra's rules; `undefined` when it is fine. */
export function upnProblem(raw: string): Problem | undefined {
  const value = raw.trim();
  const cleaned = value.replace(/^mailto:/i, '').replace(/^[<"'(]+|[>"')]+$/g, '');
  if (cleaned !== value && upnProblem(cleaned) === undefined) {
    return { reason: 'it has extra characters around the address', suggestion: cleaned };
  }
  if (/^[^\\@\s]+\\[^\\@\s]+$/.test(value)) {
    const [domain, user] = value.split('\\');
    return { reason: `it is a Windows logon name (${domain}\\${user}), not a user principal name` };
  }
  if (/\s/.test(value)) return { reason: 'it contains a space' };
  const at = value.lastIndexOf('@');
  if (at < 0) return { reason: 'it has no @domain part' };
  if (value.indexOf('@') !== at) return { reason: 'it has more than one @' };
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local === '') return { reason: 'nothing comes before the @' };
  if (local.length > 64) return { reason: `the part before the @ has ${local.length} characters; at most 64 are allowed` };
  if (local.endsWith('.')) return { reason: 'the part before the @ ends with a dot' };
  if (!UPN_LOCAL.test(local)) {
    const bad = [...new Set([...local].filter((c) => !/[A-Za-z0-9'._!#^~-]/.test(c)))].join(' ');
    return { reason: `the part before the @ contains characters a UPN cannot have: ${bad}` };
  }
  const domainIssue = domainProblem(domain);
  if (domainIssue) return { reason: `its domain ${domainIssue}` };
  if (domain.length > 48) return { reason: `its domain has ${domain.length} characters; at most 48 are allowed` };
  return undefined;
}

/** Checks a DNS domain name; returns the reason it is not one, completing "its domain …". */
function domainProblem(domain: string): string | undefined {
  if (domain === '') return 'is empty';
  if (!domain.includes('.')) return `"${domain}" has no dot (a verified domain looks like contoso.com)`;
  if (domain.endsWith('.')) return 'ends with a dot';
  if (domain.length > 253) return 'is longer than a domain name can be';
  const labels = domain.split('.');
  const badLabel = labels.find((label) => !DNS_LABEL.test(label));
  if (badLabel !== undefined) return `has an invalid part "${badLabel}" (letters, digits and inner hyphens only)`;
  if (!/^[A-Za-z]{2,}$|^xn--/i.test(labels[labels.length - 1] as string)) return 'does not end in a top-level domain';
  return undefined;
}

/** Checks a tenant given as an id (GUID) or a domain; `undefined` when it is fine. */
export function tenantProblem(raw: string): Problem | undefined {
  const value = raw.trim();
  if (GUID.test(value)) return undefined;
  if (META_TENANTS.has(value.toLowerCase())) {
    return { reason: `"${value}" names no tenant in particular; the doctor needs your tenant's id or one of its domains` };
  }
  const fromUrl = /^https?:\/\/[^/]+\/([^/?#]+)/i.exec(value)?.[1];
  if (fromUrl) {
    const usable = tenantProblem(fromUrl) === undefined;
    return { reason: 'it is a URL, not a tenant', ...(usable ? { suggestion: fromUrl } : {}) };
  }
  if (value.includes('@')) {
    const domain = value.slice(value.lastIndexOf('@') + 1);
    return { reason: 'it is an account, not a tenant', ...(domainProblem(domain) ? {} : { suggestion: domain }) };
  }
  if (/^[0-9a-f-]{30,40}$/i.test(value)) return { reason: 'it looks like a tenant id but is not a well-formed GUID' };
  if (/^[A-Za-z0-9-]+$/.test(value) && DNS_LABEL.test(value)) {
    return { reason: 'it is not a domain', suggestion: `${value.toLowerCase()}.onmicrosoft.com` };
  }
  const issue = domainProblem(value);
  return issue ? { reason: `the domain ${issue}` } : undefined;
}

export const inputs = defineCheck({
  id: 'inputs',
  title: 'Account and tenant given on the command line',
  dependsOn: [],
  async run(ctx) {
    const { upn: rawUpn, tenant: rawTenant, environment } = ctx.config;
    const upn = rawUpn?.trim();
    const tenant = rawTenant?.trim();
    const facts: Evidence[] = [evidence('Environment', environment)];
    if (upn !== undefined) facts.unshift(sensitive('UPN', upn));
    if (tenant !== undefined) facts.splice(upn === undefined ? 0 : 1, 0, sensitive('Tenant', tenant));

    if (!upn && !tenant) {
      return notChecked('No account given: the tenant, sign-in and account checks need --upn (or --tenant).', {
        evidence: facts,
        remediation: fix({
          summary: 'Run the doctor again with the account that cannot connect.',
          runBy: 'admin',
          commands: [doctorCommand(ctx.config, '--upn <admin UPN>')],
        }),
      });
    }

    const upnIssue = upn ? upnProblem(upn) : undefined;
    if (upn && upnIssue) {
      return fail(`The UPN "${upn}" is not a user principal name: ${upnIssue.reason}.`, {
        evidence: facts,
        remediation: fix({
          summary:
            'Give the sign-in name of the account, as Connect-ExchangeOnline -UserPrincipalName takes it: name@domain, where domain is verified in the tenant.',
          runBy: 'admin',
          commands: [doctorCommand(ctx.config, `--upn ${upnIssue.suggestion ?? '<admin UPN>'}`)],
          links: [UPN_POLICY],
        }),
      });
    }

    const target = ctx.config.target?.trim();
    if (target !== undefined) facts.push(sensitive('Target', target));
    const targetIssue = target !== undefined ? upnProblem(target) : undefined;
    if (target !== undefined && targetIssue) {
      return fail(`The --target "${target}" is not a user principal name: ${targetIssue.reason}.`, {
        evidence: facts,
        remediation: fix({
          summary: 'Give the sign-in name of the account to diagnose, name@domain.',
          runBy: 'admin',
          commands: [doctorCommand(ctx.config, `--upn ${upn ?? '<admin UPN>'} --target ${targetIssue.suggestion ?? '<target UPN>'}`)],
          links: [UPN_POLICY],
        }),
      });
    }

    const tenantIssue = tenant ? tenantProblem(tenant) : undefined;
    if (tenant && tenantIssue) {
      return fail(`The tenant "${tenant}" is not a tenant id or domain: ${tenantIssue.reason}.`, {
        evidence: facts,
        remediation: fix({
          summary: 'Give the tenant as its id (a GUID) or one of its verified domains, such as contoso.onmicrosoft.com.',
          runBy: 'admin',
          commands: [doctorCommand(ctx.config, `--tenant ${tenantIssue.suggestion ?? '<tenant domain>'}`)],
        }),
      });
    }

    const output: Inputs = tenant
      ? { ...(upn ? { upn } : {}), tenant, tenantFrom: 'tenant option' }
      : { upn: upn as string, tenant: (upn as string).slice((upn as string).lastIndexOf('@') + 1), tenantFrom: 'UPN domain' };
    const who = [upn && `account ${upn}`, tenant && `tenant ${tenant}`].filter(Boolean).join(', ');
    return pass(`Checking ${who} in ${environment}.`, { evidence: facts, output });
  },
});
