/**
 * Sessions in the simulated world, made with the real MSAL library, for tests of the checks that come
 * after sign-in (exo-connection, exo-user-access, Graph checks…).
 */
import { CLOUDS } from '../../src/clouds.js';
import type { ExoSession, GraphSession } from '../../src/auth/identity.js';
import { decodeJwt } from '../../src/auth/jwt.js';
import type { World } from '../../src/sim/world.js';
import { confidentialClient, deviceCodeToken, EXO_CLIENT, EXO_SCOPE, GRAPH_CLIENT } from './world.js';

const GRAPH_READ_SCOPES = [
  'User.Read.All',
  'Policy.Read.All',
  'UserAuthenticationMethod.Read.All',
  'AuditLog.Read.All',
  'Application.Read.All',
  'RoleManagement.Read.Directory',
];

/** An Exchange session as exo-token would hand it on: device code as `upn` (the scenario's user by default), or app-only. */
export async function exoSession(
  w: World,
  options: { upn?: string; appOnly?: { appId: string; credential: 'certificate' | 'secret' }; target?: string } = {},
): Promise<ExoSession> {
  const cloud = CLOUDS[w.scenario.tenant.environment];
  let accessToken: string;
  if (options.appOnly) {
    const { app } = confidentialClient(w, options.appOnly.appId, options.appOnly.credential);
    const result = await app.acquireTokenByClientCredential({ scopes: [`${cloud.exchangeResource}/.default`] });
    accessToken = result?.accessToken as string;
  } else {
    if (options.upn) w.signInAs(options.upn);
    const { result } = await deviceCodeToken(w, [cloud.exchangeResource === 'https://outlook.office365.com' ? EXO_SCOPE : `${cloud.exchangeResource}/.default`]);
    accessToken = result?.accessToken as string;
  }
  const claims = decodeJwt(accessToken)?.payload ?? {};
  const upn = typeof claims['upn'] === 'string' ? claims['upn'] : undefined;
  const subject = options.target ?? upn;
  return {
    cloud,
    tenantId: w.tenant.id,
    mode: options.appOnly ? options.appOnly.credential : 'device-code',
    appOnly: !!options.appOnly,
    clientId: options.appOnly?.appId ?? EXO_CLIENT,
    ...(upn ? { upn } : {}),
    ...(subject ? { subject } : {}),
    accessToken,
    claims,
    ...(typeof claims['exp'] === 'number' ? { expiresOn: new Date(claims['exp'] * 1000) } : {}),
  };
}

/** A Graph session as graph-token would hand it on. `subject` is looked up in the scenario. */
export async function graphSession(
  w: World,
  options: { upn?: string; scopes?: string[]; appOnly?: { appId: string }; subject?: string } = {},
): Promise<GraphSession> {
  const cloud = CLOUDS[w.scenario.tenant.environment];
  let accessToken: string;
  if (options.appOnly) {
    const { app } = confidentialClient(w, options.appOnly.appId, 'certificate');
    const result = await app.acquireTokenByClientCredential({ scopes: [`https://${cloud.graphHost}/.default`] });
    accessToken = result?.accessToken as string;
  } else {
    if (options.upn) w.signInAs(options.upn);
    const scopes = (options.scopes ?? GRAPH_READ_SCOPES).map((s) => `https://${cloud.graphHost}/${s}`);
    const { result } = await deviceCodeToken(w, scopes, GRAPH_CLIENT);
    accessToken = result?.accessToken as string;
  }
  const claims = decodeJwt(accessToken)?.payload ?? {};
  const permissions = options.appOnly
    ? ((claims['roles'] as string[] | undefined) ?? [])
    : String(claims['scp'] ?? '')
        .split(' ')
        .filter(Boolean);
  const subjectUpn = options.subject ?? (typeof claims['upn'] === 'string' ? claims['upn'] : undefined);
  const user = subjectUpn ? w.scenario.users.find((u) => u.upn.toLowerCase() === subjectUpn.toLowerCase()) : undefined;
  const callerId = typeof claims['oid'] === 'string' && !options.appOnly ? claims['oid'] : undefined;
  return {
    graphHost: cloud.graphHost,
    accessToken,
    appOnly: !!options.appOnly,
    permissions,
    ...(user ? { subject: { id: user.id, upn: user.upn, displayName: user.displayName } } : {}),
    ...(callerId ? { callerId } : {}),
  };
}
