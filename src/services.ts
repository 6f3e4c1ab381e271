/**
 * The services a diagnosis looks at (`--service`): Exchange Online PowerShell (`Connect-ExchangeOnline`),
 * Security & Compliance PowerShell (`Connect-IPPSSession`), or both. They share the machine, network,
 * tenant and sign-in layers; each adds its own connection. See docs/compliance-powershell.md.
 */
export const SERVICE_CHOICES = ['exchange', 'compliance', 'all'] as const;

export type ServiceChoice = (typeof SERVICE_CHOICES)[number];

export type Service = 'exchange' | 'compliance';

export function servicesOf(choice: ServiceChoice): readonly Service[] {
  return choice === 'all' ? ['exchange', 'compliance'] : [choice];
}

/** Whether a run looks at this service (Exchange when the configuration says nothing). */
export function includesService(config: { readonly services?: readonly Service[] }, service: Service): boolean {
  return (config.services ?? ['exchange']).includes(service);
}
