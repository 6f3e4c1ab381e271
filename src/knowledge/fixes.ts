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
  const who = upn ?? '<admin UPN>';
  return { ...remediation, commands: remediation.commands.map((c) => c.replaceAll(UPN_PLACEHOLDER, who)) };
}
