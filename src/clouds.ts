/**
 * The Microsoft 365 clouds, named as the Exchange module names them (`-ExchangeEnvironmentName`).
 * Source: https://learn.microsoft.com/powershell/exchange/connect-to-exchange-online-powershell
 */

export const ENVIRONMENT_NAMES = ['O365Default', 'O365USGovGCCHigh', 'O365USGovDoD', 'O365China'] as const;

export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

export const ENVIRONMENT_DESCRIPTION: Readonly<Record<EnvironmentName, string>> = {
  O365Default: 'Microsoft 365 worldwide (commercial and GCC)',
  O365USGovGCCHigh: 'Microsoft 365 US Government GCC High',
  O365USGovDoD: 'Microsoft 365 US Government DoD',
  O365China: 'Microsoft 365 operated by 21Vianet (China)',
};

export function isEnvironmentName(value: string): value is EnvironmentName {
  return (ENVIRONMENT_NAMES as readonly string[]).includes(value);
}
