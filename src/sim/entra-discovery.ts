/**
 * The unauthenticated half of the simulated Entra ID: OpenID configuration (v1 and v2), instance
 * discovery, user realm (getuserrealm.srf and userrealm) and signing keys. Shapes follow
 * docs/clouds-and-tenant-discovery.md#tenant-discovery-without-credentials and the fixtures in fixtures/microsoft/entra/.
 */
import { CLOUDS, type Cloud, type EnvironmentName, ENVIRONMENT_NAMES } from '../clouds.js';
import { entraError, json, type SimRequest, type SimResponse } from './http.js';
import type { Tenant } from './tenant.js';
import type { TokenIssuer } from './tokens.js';

const META_TENANTS = new Set(['common', 'organizations', 'consumers']);

/** The retired Azure AD Graph host each cloud still names in its OpenID configuration. */
const AAD_GRAPH_HOST: Readonly<Record<string, string>> = {
  'microsoftonline.com': 'graph.windows.net',
  'microsoftonline.us': 'graph.microsoftazure.us',
  'partner.microsoftonline.cn': 'graph.chinacloudapi.cn',
};

/** The cloud whose login host (or alias) was asked. */
export function cloudOfLoginHost(host: string): Cloud | undefined {
  const env = ENVIRONMENT_NAMES.find((name: EnvironmentName) => CLOUDS[name].loginHost === host || CLOUDS[name].loginAliases.includes(host));
  return env ? CLOUDS[env] : undefined;
}

export function tenantNotFound(req: SimRequest, segment: string): SimResponse {
  return entraError(req, {
    error: 'invalid_tenant',
    code: 90002,
    message: `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  });
}

/** `/{tenant}/v2.0/.well-known/openid-configuration` and the v1 form without `/v2.0`. */
export function openIdConfiguration(req: SimRequest, tenant: Tenant, segment: string, version: 1 | 2): SimResponse {
  const meta = META_TENANTS.has(segment.toLowerCase());
  if (!meta && !tenant.matches(segment)) return tenantNotFound(req, segment);
  // A tenant answers with its own cloud's endpoints, whichever login host was asked.
  const cloud = meta ? (cloudOfLoginHost(req.host) ?? tenant.cloud) : tenant.cloud;
  const id = meta ? '{tenantid}' : tenant.id;
  const base = `https://${cloud.loginHost}/${meta ? segment : id}`;
  const { scenario } = tenant;
  const common = {
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    kerberos_endpoint: `${base}/kerberos`,
    ...(meta ? {} : { tenant_region_scope: scenario.tenant.region }),
    ...(meta || !scenario.tenant.subScope ? {} : { tenant_region_sub_scope: scenario.tenant.subScope }),
    cloud_instance_name: cloud.cloudInstanceName,
    cloud_graph_host_name: AAD_GRAPH_HOST[cloud.cloudInstanceName] ?? 'graph.windows.net',
    msgraph_host: cloud.graphHost,
    rbac_url: 'https://pas.windows.net',
  };
  if (version === 2) {
    return json(200, {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
      issuer: `https://${cloud.loginHost}/${id}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `https://${cloud.graphHost}/oidc/userinfo`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      claims_supported: [
        'sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host', 'aud', 'exp',
        'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email',
      ],
      ...common,
    });
  }
  return json(200, {
    token_endpoint: `${base}/oauth2/token`,
    jwks_uri: `https://${cloud.loginHost}/common/discovery/keys`,
    issuer: `https://sts.windows.net/${id}/`,
    microsoft_multi_refresh_token: true,
    authorization_endpoint: `${base}/oauth2/authorize`,
    device_authorization_endpoint: `${base}/oauth2/devicecode`,
    end_session_endpoint: `${base}/oauth2/logout`,
    check_session_iframe: `${base}/oauth2/checksession`,
    userinfo_endpoint: `${base}/openid/userinfo`,
    response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
    scopes_supported: ['openid'],
    claims_supported: [
      'sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host', 'aud', 'exp',
      'iat', 'auth_time', 'acr', 'amr', 'nonce', 'email', 'given_name', 'family_name', 'nickname',
    ],
    ...common,
  });
}

/** `/common/discovery/instance`: the aliases of the login host, as MSAL asks for them. */
export function instanceDiscovery(req: SimRequest): SimResponse {
  const cloud = cloudOfLoginHost(req.host);
  if (!cloud) return json(400, { error: 'invalid_instance', error_description: 'Unknown instance.' });
  const authorization = req.query.get('authorization_endpoint') ?? `https://${req.host}/common/oauth2/v2.0/authorize`;
  const tenantSegment = /^https:\/\/[^/]+\/([^/]+)/.exec(authorization)?.[1] ?? 'common';
  return json(200, {
    tenant_discovery_endpoint: `https://${req.host}/${tenantSegment}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [
      {
        preferred_network: cloud.loginHost,
        preferred_cache: cloud.loginHost.replace(/^login\.microsoftonline\.com$/, 'login.windows.net'),
        aliases: [cloud.loginHost, ...cloud.loginAliases],
      },
    ],
  });
}

/** `getuserrealm.srf?login=…&json=1`: Managed, Federated (with AuthURL) or Unknown. */
export function getUserRealm(req: SimRequest, tenant: Tenant): SimResponse {
  const login = req.query.get('login') ?? '';
  const domain = login.slice(login.lastIndexOf('@') + 1);
  if (!tenant.ownsDomain(domain)) return json(200, { State: 4, UserState: 1, Login: login, NameSpaceType: 'Unknown' });
  const { scenario, cloud } = tenant;
  const base = {
    Login: login,
    DomainName: domain,
    FederationBrandName: scenario.tenant.displayName,
    CloudInstanceName: cloud.cloudInstanceName,
    CloudInstanceIssuerUri: 'urn:federation:MicrosoftOnline',
  };
  if (scenario.tenant.namespace === 'Managed') {
    return json(200, { State: 4, UserState: 1, ...base, NameSpaceType: 'Managed', IsFederatedNS: false });
  }
  const authUrl =
    `https://${scenario.tenant.federationHost}/adfs/ls/?username=${encodeURIComponent(login)}` +
    '&wa=wsignin1.0&wtrealm=urn%3afederation%3aMicrosoftOnline&wctx=';
  return json(200, { State: 3, UserState: 2, ...base, NameSpaceType: 'Federated', FederationGlobalVersion: -1, AuthURL: authUrl, IsFederatedNS: true });
}

/** `/common/userrealm/{login}?api-version=1.0` (what MSAL reads) and 2.0. */
export function userRealm(req: SimRequest, tenant: Tenant, login: string): SimResponse {
  const domain = login.slice(login.lastIndexOf('@') + 1);
  const known = tenant.ownsDomain(domain);
  const federated = known && tenant.scenario.tenant.namespace === 'Federated';
  const fedHost = tenant.scenario.tenant.federationHost;
  if (req.query.get('api-version') === '1.0') {
    return json(200, {
      ver: '1.0',
      account_type: known ? (federated ? 'Federated' : 'Managed') : 'Unknown',
      domain_name: domain,
      ...(federated
        ? {
            federation_protocol: 'WSTrust',
            federation_metadata_url: `https://${fedHost}/adfs/services/trust/mex`,
            federation_active_auth_url: `https://${fedHost}/adfs/services/trust/2005/usernamemixed`,
          }
        : {}),
      cloud_instance_name: tenant.cloud.cloudInstanceName,
      cloud_audience_urn: 'urn:federation:MicrosoftOnline',
    });
  }
  return json(200, {
    NameSpaceType: known ? (federated ? 'Federated' : 'Managed') : 'Unknown',
    Login: login,
    DomainName: domain,
    ...(federated ? { federation_protocol: 'WSTrust', AuthURL: `https://${fedHost}/adfs/ls/` } : {}),
    ...(known ? { FederationBrandName: tenant.scenario.tenant.displayName } : {}),
    cloud_instance_name: tenant.cloud.cloudInstanceName,
  });
}

export function signingKeys(issuer: TokenIssuer): SimResponse {
  return json(200, issuer.jwks);
}
