/**
 * The diagnosis, in order. Read top to bottom, this is the causal chain the doctor follows: the machine,
 * the network, the tenant, the sign-in, then the account and organisation. A check may only depend on
 * checks above it; the runner refuses anything else at start-up.
 */
import type { AnyCheck } from '../src/check.js';
import { accountState } from './account-state.js';
import { clockSkew } from './clock-skew.js';
import { dotnetTls } from './dotnet-tls.js';
import { executionPolicy } from './execution-policy.js';
import { endpoints } from './endpoints.js';
import { exoAppPrincipal } from './exo-app-principal.js';
import { exoConnection } from './exo-connection.js';
import { exoRoles } from './exo-roles.js';
import { exoToken } from './exo-token.js';
import { exoUserAccess } from './exo-user-access.js';
import { federation } from './federation.js';
import { graphToken } from './graph-token.js';
import { inputs } from './inputs.js';
import { mfaState } from './mfa-state.js';
import { moduleVersions } from './module-versions.js';
import { orgOauth2ClientProfile } from './org-oauth2-client-profile.js';
import { powershellClient } from './powershell-client.js';
import { proxyConfig } from './proxy-config.js';
import { proxyHealth } from './proxy-health.js';
import { runtime } from './runtime.js';
import { signInLog } from './sign-in-log.js';
import { tenantDiscovery } from './tenant-discovery.js';
import { tlsInspection } from './tls-inspection.js';
import { tokenClaims } from './token-claims.js';
import { winrmBasic } from './winrm-basic.js';
import { complianceClient } from './compliance-client.js';
import { complianceConnection } from './compliance-connection.js';
import { complianceToken } from './compliance-token.js';

/**
 * The layers of the diagnosis, in order: the report draws them as a chain (machine → network → tenant →
 * sign-in → Exchange → account and organisation) and a scenario's trouble sits in one of them
 * (`demo --list`).
 */
const LAYERS: readonly { readonly name: string; readonly title: string; readonly checks: readonly AnyCheck[] }[] = [
  // What the doctor runs on, and what it was asked to look at; the machine's proxy settings and the way
  // each client stack goes; the admin's PowerShell client: editions, the module and its neighbours,
  // WinRM, script policy, TLS.
  {
    name: 'machine',
    title: 'The machine',
    checks: [runtime, inputs, proxyConfig, powershellClient, moduleVersions, winrmBasic, complianceClient, executionPolicy, dotnetTls],
  },
  // The network: proxies, endpoints, certificates, time.
  { name: 'network', title: 'The network', checks: [proxyHealth, endpoints, tlsInspection, clockSkew] },
  // The tenant, found without credentials: its cloud, and where its users sign in.
  { name: 'tenant', title: 'The tenant', checks: [tenantDiscovery, federation] },
  // The sign-in, as Connect-ExchangeOnline does it, and what the token says; beside it, a Microsoft Graph
  // sign-in for what Exchange does not show (MFA, app, roles, sign-ins).
  // With --service compliance or all, the Security & Compliance token too, from the same sign-in.
  { name: 'sign-in', title: 'The sign-in', checks: [exoToken, tokenClaims, graphToken, complianceToken] },
  // Exchange Online itself: a real read-only cmdlet, the account's PowerShell access, its roles; the
  // organisation setting the old advice names (it concerns Outlook, not PowerShell); and, with --service
  // compliance or all, Security & Compliance PowerShell through the same API on its own host.
  { name: 'exchange', title: 'Exchange Online', checks: [exoConnection, exoUserAccess, exoRoles, orgOauth2ClientProfile, complianceConnection] },
  // From Graph, what Exchange does not show: the account itself (blocked, guest), its MFA state, the
  // module's enterprise app, the sign-in log.
  { name: 'account', title: 'The account and organisation in Entra ID', checks: [accountState, mfaState, exoAppPrincipal, signInLog] },
];

export const registry: readonly AnyCheck[] = LAYERS.flatMap((layer) => layer.checks);

/** The layers by check id, as the report and `demo --list` name them. */
export const LAYER_IDS: readonly { readonly name: string; readonly title: string; readonly checks: readonly string[] }[] = LAYERS.map((layer) => ({
  name: layer.name,
  title: layer.title,
  checks: layer.checks.map((check) => check.id),
}));
