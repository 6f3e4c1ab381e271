/**
 * Names of root causes. Checks that see the same cause name it the same way, so that the report leads
 * with it once and lists the other checks as corroboration (issue: one cause, one finding).
 */
export const CAUSE = {
  powershellAccessOff: 'powershell-access-off',
  noExchangeRole: 'no-exchange-role',
  appNoExchangeRole: 'app-no-exchange-role',
  appNoManageAsApp: 'app-no-manage-as-app',
  tokenRejected: 'token-rejected',
  exchangeThrottled: 'exchange-throttled',
  exchangeUnreachable: 'exchange-unreachable',
  exoAppDisabled: 'exo-app-disabled',
  exoAppNotAssigned: 'exo-app-not-assigned',
  clockSkew: 'clock-skew',
  accountNotFound: 'account-not-found',
  accountDisabled: 'account-disabled',
  complianceNoRole: 'compliance-no-role',
  complianceUnreachable: 'compliance-unreachable',
  complianceLegacyModule: 'compliance-legacy-module',
  mfaNotRegistered: 'mfa-not-registered',
  conditionalAccess: 'conditional-access',
  entraUnavailable: 'entra-unavailable',
  entraThrottled: 'entra-throttled',
  legacyMfaModule: 'legacy-mfa-module',
  ieProxyOptionWithoutProxy: 'ie-proxy-option-without-ie-proxy',
} as const;

/** AADSTS codes whose cause another check names too. */
const CAUSE_OF_AADSTS: Readonly<Record<number, string>> = {
  7000112: CAUSE.exoAppDisabled,
  50105: CAUSE.exoAppNotAssigned,
  700024: CAUSE.clockSkew,
  50079: CAUSE.mfaNotRegistered,
  53003: CAUSE.conditionalAccess,
  50034: CAUSE.accountNotFound,
  50057: CAUSE.accountDisabled,
};

/** The cause a refusal with this AADSTS code names: a shared one, or the code itself. */
export function causeOfAadsts(code: number): string {
  return CAUSE_OF_AADSTS[code] ?? `aadsts-${code}`;
}
