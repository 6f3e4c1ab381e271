/** Identifiers of the simulated world: first-party apps, resources, and stable GUIDs derived from names. */
import { createHash } from 'node:crypto';

/** First-party clients and resources present in every tenant. */
export const FIRST_PARTY = {
  /** "Microsoft Exchange REST API Based Powershell": the ExchangeOnlineManagement module's public client. */
  exchangePowerShell: { appId: 'fb78d390-0c51-40cd-8e17-fdbfab77341b', displayName: 'Microsoft Exchange REST API Based Powershell' },
  /** The Microsoft Graph PowerShell SDK's public client. */
  graphPowerShell: { appId: '14d82eec-204b-4c2f-b7e8-296a70dab67e', displayName: 'Microsoft Graph Command Line Tools' },
  /** The legacy "Exchange Management Shell" client of the V1 MFA module and hand-rolled scripts. */
  legacyExchangeShell: { appId: 'a0c73c16-a7e3-4564-9a95-2bdf47383716', displayName: 'Microsoft Exchange Online Remote PowerShell' },
  /** The resources. */
  exchangeOnline: { appId: '00000002-0000-0ff1-ce00-000000000000', displayName: 'Office 365 Exchange Online' },
  microsoftGraph: { appId: '00000003-0000-0000-c000-000000000000', displayName: 'Microsoft Graph' },
} as const;

/** The delegated scopes an Exchange token of the module carries (the `.default` of its preauthorised client). */
export const EXCHANGE_DELEGATED_SCOPES = [
  'AdminApi.AccessAsUser.All',
  'FfoPowerShell.AccessAsUser.All',
  'RemotePowerShell.AccessAsUser.All',
] as const;

/** The application permission of Exchange app-only sign-in. */
export const EXCHANGE_APP_ROLE = 'Exchange.ManageAsApp';

/** A GUID that is always the same for the same seed: object ids of service principals, sessions. */
export function stableGuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
