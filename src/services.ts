/**
 * The services a diagnosis looks at (`--service`): Exchange Online PowerShell (`Connect-ExchangeOnline`),
 * Security & Compliance PowerShell (`Connect-IPPSSession`), or both. They share the machine, network,
 * tenant and sign-in layers; each adds its own connection. See docs/compliance-powershell.md.
 */
export const SERVICE_CHOICES = ['exchange', 'compliance', 'all'] as const;

export type ServiceChoice = (typeof SERVICE_CHOICES)[number];
