/**
 * How the knowledge tables write a fix, and the remediation it becomes. A table may list an address
 * among a fix's commands for brevity; it is a link, not a command, and goes to `links`. Commands name
 * the account with the placeholder `<upn>`, which whoever shows the fix fills with the account it knows.
 */
import { type Actor, fix, type Remediation } from '../result.js';

/** A fix as a table writes it. */
export interface FixSpec {
  readonly summary: string;
  readonly runBy: Actor;
  readonly commands: readonly string[];
  readonly links?: readonly string[];
}

/** The placeholder for the account in a table's commands. */
const UPN_PLACEHOLDER = '<upn>';

const ADDRESS = /^https?:\/\/\S+$/;

export function remediationOf(spec: FixSpec, link?: string): Remediation {
  const links = [...(spec.links ?? []), ...spec.commands.filter((c) => ADDRESS.test(c)), ...(link ? [link] : [])];
  return fix({ summary: spec.summary, runBy: spec.runBy, commands: spec.commands.filter((c) => !ADDRESS.test(c)), links: [...new Set(links)] });
}

/** A remediation with the account filled in (or left as a readable placeholder). */
export function forAccount(remediation: Remediation, upn: string | undefined): Remediation {
  return fillIn(remediation, upn ? { upn } : {});
}

/** What a pasted error names, for the commands of its fixes. */
export interface Identifiers {
  readonly upn?: string;
  /** A domain of the tenant (its .onmicrosoft.com one when named) or its id. */
  readonly tenant?: string;
  readonly tenantId?: string;
  readonly appId?: string;
}

/**
 * A remediation with the account (`<upn>`), tenant (`<tenant>.onmicrosoft.com`, `<tenant>`,
 * `<tenant-id>`) and application (`<app-id>`) filled in where known; the account's placeholder is made
 * readable where not.
 */
export function fillIn(remediation: Remediation, found: Identifiers): Remediation {
  const fill = (command: string): string => {
    let out = command.replaceAll(UPN_PLACEHOLDER, found.upn ?? '<admin UPN>');
    // A tenant's .onmicrosoft domain fills `<tenant>.onmicrosoft.com`; a custom domain fills only `<tenant>`.
    if (found.tenant && /\.onmicrosoft\.[a-z]+$/i.test(found.tenant)) out = out.replace(/<tenant>\.onmicrosoft\.(?:com|us|de|cn)/g, found.tenant);
    if (found.tenant) out = out.replace(/<tenant>(?!\.onmicrosoft)/g, found.tenant);
    if (found.tenantId) out = out.replaceAll('<tenant-id>', found.tenantId);
    if (found.appId) out = out.replaceAll('<app-id>', found.appId);
    return out;
  };
  return { ...remediation, commands: remediation.commands.map(fill) };
}
