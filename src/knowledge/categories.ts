/** The categories of causes every known error is sorted into; fixed, since the JSON of explain uses exactly these ids. */
export const CATEGORIES = [
  'proxy',
  'tls_interception',
  'network_blocked',
  'dns',
  'clock_skew',
  'mfa_required',
  'mfa_not_registered',
  'conditional_access',
  'account_disabled_or_locked',
  'wrong_password',
  'user_not_found',
  'guest_or_wrong_tenant',
  'powershell_access_disabled',
  'missing_admin_role',
  'app_only_misconfigured',
  'app_disabled_or_not_consented',
  'oauth_org_setting',
  'basic_auth_disabled',
  'module_or_dll_problem',
  'wrong_cloud_environment',
  'throttling',
  'service_outage',
  'other',
] as const;

export type Category = (typeof CATEGORIES)[number];
