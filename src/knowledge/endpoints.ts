/**
 * The Microsoft 365 endpoints an Exchange Online PowerShell session needs, per cloud.
 * Source: https://learn.microsoft.com/microsoft-365/enterprise/urls-and-ip-address-ranges (IDs 1, 56,
 * 59: Exchange, sign-in, sign-in page assets) and the US Government and 21Vianet endpoint lists; see
 * docs/network-and-proxies.md#endpoints-that-must-be-reachable.
 */
import { CLOUDS, type EnvironmentName } from '../clouds.js';

/** What an endpoint is for, so that a check names the one it wants rather than counting on the list's order. */
export type EndpointRole = 'login' | 'exchange' | 'graph' | 'sign-in-page' | 'gallery';

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

export function endpointsFor(environment: EnvironmentName): Endpoint[] {
  const cloud = CLOUDS[environment];
  return [
    { role: 'login', host: cloud.loginHost, purpose: 'sign-in and tokens (Entra ID)', required: true, path: '/common/v2.0/.well-known/openid-configuration' },
    { role: 'exchange', host: cloud.exchangeHost, purpose: 'Exchange Online, which every cmdlet calls', required: true, path: '/' },
    { role: 'graph', host: cloud.graphHost, purpose: "Microsoft Graph, for the doctor's MFA and role checks", required: false, path: '/' },
    { role: 'sign-in-page', host: 'aadcdn.msftauth.net', purpose: 'the sign-in page, for browser and device-code sign-in on this machine', required: false, path: '/' },
    { role: 'gallery', host: 'www.powershellgallery.com', purpose: 'the PowerShell Gallery, for Install-Module and Update-Module', required: false, path: '/' },
  ];
}

/** The endpoint of the cloud that plays this role. */
export function endpointFor(environment: EnvironmentName, role: EndpointRole): Endpoint {
  const found = endpointsFor(environment).find((e) => e.role === role);
  if (!found) throw new Error(`No ${role} endpoint for ${environment}`);
  return found;
}
