/**
 * Microsoft's first-party application ids the doctor relies on, in one place. They are the same in every
 * tenant of every cloud. Sources: https://learn.microsoft.com/troubleshoot/entra/entra-id/governance/verify-first-party-apps-sign-in
 * and the module's own scripts (docs/exchange-rest.md).
 */
export const MICROSOFT_APPS = {
  /** "Microsoft Exchange REST API Based Powershell": the public client of Connect-ExchangeOnline and Connect-IPPSSession. */
  exchangePowerShell: 'fb78d390-0c51-40cd-8e17-fdbfab77341b',
  /** "Microsoft Graph Command Line Tools": the public client of Connect-MgGraph. */
  graphPowerShell: '14d82eec-204b-4c2f-b7e8-296a70dab67e',
  /** "Office 365 Exchange Online": the resource of Exchange tokens, and the owner of Exchange.ManageAsApp. */
  exchangeOnline: '00000002-0000-0ff1-ce00-000000000000',
  /** "Microsoft Graph". */
  microsoftGraph: '00000003-0000-0000-c000-000000000000',
} as const;

/** The application permission of app-only sign-in to Exchange Online, on "Office 365 Exchange Online". */
export const MANAGE_AS_APP = { value: 'Exchange.ManageAsApp', id: 'dc50a0fb-09a3-484d-be87-e023b12c6440', resourceAppId: MICROSOFT_APPS.exchangeOnline } as const;
