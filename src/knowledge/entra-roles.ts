/**
 * Microsoft Entra built-in roles that matter to Exchange Online PowerShell, by template id (the value of
 * the `wids` claim). Source: https://learn.microsoft.com/entra/identity/role-based-access-control/permissions-reference
 * (entra-docs docs/identity/role-based-access-control/permissions-reference.md, 2026-01).
 */

export interface EntraRole {
  readonly name: string;
  readonly templateId: string;
}

export const ENTRA_ROLES = {
  globalAdministrator: { name: 'Global Administrator', templateId: '62e90394-69f5-4237-9190-012177145e10' },
  globalReader: { name: 'Global Reader', templateId: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451' },
  exchangeAdministrator: { name: 'Exchange Administrator', templateId: '29232cdf-9323-42fd-ade2-1d097af3e4de' },
  exchangeRecipientAdministrator: { name: 'Exchange Recipient Administrator', templateId: '31392ffb-586c-42d1-9346-e59415a2cc4e' },
  helpdeskAdministrator: { name: 'Helpdesk Administrator', templateId: '729827e3-9c14-49f7-bb1b-9608f156bbb8' },
  securityAdministrator: { name: 'Security Administrator', templateId: '194ae4cb-b126-40b2-bd5b-6091b380977d' },
  securityReader: { name: 'Security Reader', templateId: '5d6b6bb7-de71-4623-b4af-96380a352509' },
  complianceAdministrator: { name: 'Compliance Administrator', templateId: '17315797-102d-40b4-93e0-432062caca18' },
  complianceDataAdministrator: { name: 'Compliance Data Administrator', templateId: 'e6d1a23a-da11-4be4-9570-befc86d067a7' },
  userAdministrator: { name: 'User Administrator', templateId: 'fe930be7-5e62-47db-91af-98c3a49a38b1' },
  authenticationAdministrator: { name: 'Authentication Administrator', templateId: 'c4e39bd9-1100-46d3-8c65-fb160da0071f' },
  privilegedAuthenticationAdministrator: {
    name: 'Privileged Authentication Administrator',
    templateId: '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
  },
  authenticationPolicyAdministrator: { name: 'Authentication Policy Administrator', templateId: '0526716b-113d-4c15-b2c8-68e3c22b9f80' },
  conditionalAccessAdministrator: { name: 'Conditional Access Administrator', templateId: 'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9' },
  reportsReader: { name: 'Reports Reader', templateId: '4a5d8f65-41da-4de4-8968-e035b65339cf' },
  securityOperator: { name: 'Security Operator', templateId: '5f2222b1-57c3-48ba-8ad5-d4759f1fde6f' },
  applicationAdministrator: { name: 'Application Administrator', templateId: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3' },
  cloudApplicationAdministrator: { name: 'Cloud Application Administrator', templateId: '158c047a-c907-4556-b7ef-446551a6b5f7' },
  privilegedRoleAdministrator: { name: 'Privileged Role Administrator', templateId: 'e8611ab8-c189-46e8-94e1-60213ab1f814' },
  directoryReaders: { name: 'Directory Readers', templateId: '88d8e3e3-8f55-4a1e-953a-9b9898b8876b' },
  billingAdministrator: { name: 'Billing Administrator', templateId: 'b0f54661-2d74-4c50-afa3-1ec803f12efe' },
  identityGovernanceAdministrator: { name: 'Identity Governance Administrator', templateId: '45d8d3c5-c802-45c6-b32a-1d70b5e1e86e' },
  passwordAdministrator: { name: 'Password Administrator', templateId: '966707d0-3269-4727-9be2-8c3a10f19b9d' },
  sharePointAdministrator: { name: 'SharePoint Administrator', templateId: 'f28a1f50-f6e7-4571-818b-6a12f2af6b6c' },
  /** Not an admin role: every member user holds it, and it appears in their `wids`. */
  user: { name: 'User', templateId: 'b79fbf4d-3ef9-4689-8143-76b194e85509' },
} as const satisfies Record<string, EntraRole>;

const BY_TEMPLATE_ID = new Map<string, EntraRole>(Object.values(ENTRA_ROLES).map((role) => [role.templateId, role]));

export function roleByTemplateId(templateId: string): EntraRole | undefined {
  return BY_TEMPLATE_ID.get(templateId.toLowerCase());
}

/**
 * The Entra roles Exchange Online accepts for app-only (certificate) sign-in.
 * Source: https://learn.microsoft.com/powershell/exchange/app-only-auth-powershell-v2 ("Assign Microsoft Entra roles to the application").
 */
export const EXCHANGE_APP_ONLY_ROLES: readonly EntraRole[] = [
  ENTRA_ROLES.exchangeAdministrator,
  ENTRA_ROLES.exchangeRecipientAdministrator,
  ENTRA_ROLES.globalAdministrator,
  ENTRA_ROLES.globalReader,
  ENTRA_ROLES.helpdeskAdministrator,
  ENTRA_ROLES.securityAdministrator,
  ENTRA_ROLES.securityReader,
  ENTRA_ROLES.complianceAdministrator,
];

/**
 * Entra roles whose holders Microsoft Purview puts in a role group that may connect to Security &
 * Compliance PowerShell (Global Administrator through Organization Management).
 * Source: docs/compliance-powershell.md#5-roles.
 */
export const COMPLIANCE_ROLES: readonly EntraRole[] = [
  ENTRA_ROLES.globalAdministrator,
  ENTRA_ROLES.complianceAdministrator,
  ENTRA_ROLES.complianceDataAdministrator,
  ENTRA_ROLES.globalReader,
  ENTRA_ROLES.securityAdministrator,
  ENTRA_ROLES.securityReader,
  ENTRA_ROLES.securityOperator,
];

