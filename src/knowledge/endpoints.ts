/**
 * The Microsoft 365 endpoints an Exchange Online PowerShell session needs, per cloud.
 * Source: https://learn.microsoft.com/microsoft-365/enterprise/urls-and-ip-address-ranges (IDs 1, 56,
 * 59: Exchange, sign-in, sign-in page assets) and the US Government and 21Vianet endpoint lists; see
 * ../shared/docs/domain.md section 7.6.
 */
import { CLOUDS, type EnvironmentName } from '../clouds.js';

export interface Endpoint {
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
    { host: cloud.loginHost, purpose: 'sign-in and tokens (Entra ID)', required: true, path: '/common/v2.0/.well-known/openid-configuration' },
    { host: cloud.exchangeHost, purpose: 'Exchange Online, which every cmdlet calls', required: true, path: '/' },
    { host: cloud.graphHost, purpose: "Microsoft Graph, for the doctor's MFA and role checks", required: false, path: '/' },
    { host: 'aadcdn.msftauth.net', purpose: 'the sign-in page, for browser and device-code sign-in on this machine', required: false, path: '/' },
    { host: 'www.powershellgallery.com', purpose: 'the PowerShell Gallery, for Install-Module and Update-Module', required: false, path: '/' },
  ];
}
