/**
 * The built-in scenarios, bundled with the doctor so that `exo-doctor demo` works on any machine.
 * A scenario may `extends` another by name and state only what differs (objects merge, lists replace).
 */
import appOnlyNoRole from './app-only-no-role.json';
import assignmentRequired from './assignment-required.json';
import clockSkew from './clock-skew.json';
import complianceLegacyWinrm from './compliance-legacy-winrm.json';
import complianceNoRole from './compliance-no-role.json';
import complianceWrongCloud from './compliance-wrong-cloud.json';
import deviceCodeBlockedByCa from './device-code-blocked-by-ca.json';
import exoAppDisabled from './exo-app-disabled.json';
import federatedIdpUnreachable from './federated-idp-unreachable.json';
import gccHighWrongEnvironment from './gcc-high-wrong-environment.json';
import healthy from './healthy.json';
import legacyMfaModule from './legacy-mfa-module.json';
import legacyWinhttpDirect from './legacy-winhttp-direct.json';
import mfaRequiredNotRegistered from './mfa-required-not-registered.json';
import moduleTooNewForPowershell from './module-too-new-for-powershell.json';
import noExchangeRole from './no-exchange-role.json';
import oauth2ClientProfileOff from './oauth2-client-profile-off.json';
import perUserMfaOff from './per-user-mfa-off.json';
import powershellDisabled from './powershell-disabled.json';
import rollout from './rollout.json';
import scriptsDisabled from './scripts-disabled.json';
import throttled from './throttled.json';

/** Raw scenario files by name, in the order `demo --list` shows them. */
export const BUILT_IN_SCENARIOS: Readonly<Record<string, unknown>> = {
  healthy,
  'legacy-mfa-module': legacyMfaModule,
  'legacy-winhttp-direct': legacyWinhttpDirect,
  'module-too-new-for-powershell': moduleTooNewForPowershell,
  'scripts-disabled': scriptsDisabled,
  'powershell-disabled': powershellDisabled,
  'no-exchange-role': noExchangeRole,
  'mfa-required-not-registered': mfaRequiredNotRegistered,
  'per-user-mfa-off': perUserMfaOff,
  'device-code-blocked-by-ca': deviceCodeBlockedByCa,
  'exo-app-disabled': exoAppDisabled,
  'assignment-required': assignmentRequired,
  'oauth2-client-profile-off': oauth2ClientProfileOff,
  'federated-idp-unreachable': federatedIdpUnreachable,
  'gcc-high-wrong-environment': gccHighWrongEnvironment,
  'clock-skew': clockSkew,
  throttled,
  'app-only-no-role': appOnlyNoRole,
  'compliance-no-role': complianceNoRole,
  'compliance-legacy-winrm': complianceLegacyWinrm,
  'compliance-wrong-cloud': complianceWrongCloud,
  rollout,
};
