/**
 * The Microsoft 365 endpoints an Exchange Online PowerShell session needs, per cloud.
 * Source: https://learn.microsoft.com/microsoft-365/enterprise/urls-and-ip-address-ranges (IDs 1, 56,
 * 59: Exchange, sign-in, sign-in page assets) and the US Government and 21Vianet endpoint lists; see
 * docs/network-and-proxies.md#endpoints-that-must-be-reachable.
 */
import { CLOUDS, type EnvironmentName } from '../clouds.js';
import type { Service } from '../services.js';

/** What an endpoint is for, so that a check names the one it wants rather than counting on the list's order. */
export type EndpointRole = 'login' | 'exchange' | 'compliance' | 'graph' | 'sign-in-page' | 'gallery';

export interface Endpoint {
  readonly role: EndpointRole;
  readonly host: string;
  /** What fails when it cannot be reached. */
  readonly purpose: string;
  /** Without it, Connect-ExchangeOnline cannot work at all. */
  readonly required: boolean;
  /** A path that answers without credentials. */
  readonly path: string;
}

export const M365_ENDPOINTS_DOC = 'https://learn.microsoft.com/microsoft-365/enterprise/urls-and-ip-address-ranges';

/**
 * The endpoints of a cloud, for the services diagnosed (Exchange when not said): Security & Compliance
 * PowerShell adds its global host (docs/compliance-powershell.md#1-endpoints-per-cloud); the regional
 * host it is redirected to is probed by compliance-connection, which learns it.
 */
export function endpointsFor(environment: EnvironmentName, services: readonly Service[] = ['exchange']): Endpoint[] {
  const cloud = CLOUDS[environment];
  return [
    { role: 'login', host: cloud.loginHost, purpose: 'sign-in and tokens (Entra ID)', required: true, path: '/common/v2.0/.well-known/openid-configuration' },
    { role: 'exchange', host: cloud.exchangeHost, purpose: 'Exchange Online, which every cmdlet calls', required: services.includes('exchange'), path: '/' },
    ...(services.includes('compliance')
      ? [{ role: 'compliance' as const, host: cloud.complianceHost, purpose: 'Security & Compliance PowerShell (Connect-IPPSSession)', required: true, path: '/' }]
      : []),
    { role: 'graph', host: cloud.graphHost, purpose: "Microsoft Graph, for the doctor's MFA and role checks", required: false, path: '/' },
    { role: 'sign-in-page', host: 'aadcdn.msftauth.net', purpose: 'the sign-in page, for browser and device-code sign-in on this machine', required: false, path: '/' },
    { role: 'gallery', host: 'www.powershellgallery.com', purpose: 'the PowerShell Gallery, for Install-Module and Update-Module', required: false, path: '/' },
  ];
}

/** The endpoint of the cloud that plays this role. */
export function endpointFor(environment: EnvironmentName, role: EndpointRole): Endpoint {
  const found = endpointsFor(environment, ['exchange', 'compliance']).find((e) => e.role === role);
  if (!found) throw new Error(`No ${role} endpoint for ${environment}`);
  return found;
}
