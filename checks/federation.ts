/**
 * federation: for a federated domain, can this machine reach the federation server (AD FS or another
 * identity provider) that Entra ID sends the domain's users to? Every interactive sign-in of those users
 * (device code and browser alike) passes through it, so when it does not answer, no one of the domain
 * can connect, whatever Exchange Online says. Probed layer by layer (DNS, TCP, proxy, TLS, HTTP) on the
 * doctor's route, as the endpoints check probes Microsoft's hosts.
 *
 * Microsoft: a federated account cannot be used when its identity provider is not reachable
 * (https://learn.microsoft.com/powershell/exchange/connect-to-exchange-online-powershell;
 * docs/clouds-and-tenant-discovery.md#getuserrealmsrf).
 */
import { defineCheck } from '../src/check.js';
import { describeProbe, type EndpointProbe, probeRoute, type StageFailure } from '../src/net/probes.js';
import { doctorHops } from '../src/net/routes.js';
import type { Remediation } from '../src/result.js';
import { couldNotCheck, evidence, fail, fix, notApplicable, pass, sensitive } from '../src/result.js';
import { proxyConfig } from './proxy-config.js';
import { tenantDiscovery } from './tenant-discovery.js';

const ADFS_TROUBLESHOOTING = 'https://learn.microsoft.com/windows-server/identity/ad-fs/troubleshooting/ad-fs-tshoot-overview';
const APP_ONLY_DOC = 'https://learn.microsoft.com/powershell/exchange/app-only-auth-powershell-v2';

/** Where a probe stopped, in plain words, then the stage's name. */
function whereItStopped(probe: EndpointProbe, failure: StageFailure): string {
  const detail = `${failure.code}: ${failure.message}`;
  switch (failure.stage) {
    case 'dns':
      return `its name does not resolve (${detail}), stopped at DNS`;
    case 'tcp':
      return `nothing accepts a connection on port ${probe.port} (${detail}), stopped at TCP`;
    case 'proxy':
      return `the proxy ${probe.route} does not let the connection through (${failure.message}), stopped at the proxy`;
    case 'tls':
      return `it accepts the connection on port ${probe.port} but never completes the TLS handshake (${failure.message}), stopped at TLS`;
    case 'http':
      return `the TLS handshake works but no HTTP answer comes (${failure.message}), stopped at HTTP`;
  }
}

export const federation = defineCheck({
  id: 'federation',
  title: 'Federation server (AD FS) reachable for federated sign-in',
  dependsOn: [tenantDiscovery, proxyConfig],
  timeout: (ms) => ms + 5000,
  async run(ctx, deps) {
    const tenant = deps['tenant-discovery'];
    if (ctx.config.appId) {
      return pass(
        `App-only sign-in is configured (--app-id): a certificate or secret sign-in goes to Entra ID only and never to a federation server${tenant.federation ? ` (${tenant.federation.host} is not involved)` : ''}.`,
      );
    }
    if (tenant.namespace === 'Managed') return pass('The domain is managed: sign-in happens at Entra ID; no federation server is involved.', { evidence: [evidence('Sign-in', 'Managed')] });
    if (tenant.namespace === 'Unknown' && !ctx.config.upn) return notApplicable('No account was given (--tenant only), so there is no sign-in domain whose federation server to check.');
    if (tenant.namespace === 'Unknown') {
      return couldNotCheck('How the account signs in is not known: Entra ID did not say, so a federation server could not be checked.', { explainedBy: ['tenant-discovery'] });
    }
    if (!tenant.federation) return couldNotCheck('The domain is federated, but Entra ID named no sign-in server to check.', { explainedBy: ['tenant-discovery'] });

    const { host, authUrl } = tenant.federation;
    const url = new URL(authUrl);
    const endpoint = { host, port: Number(url.port || 443), path: url.pathname || '/' };
    ctx.step(`probing the federation server ${host}`);
    const route = await probeRoute(ctx, endpoint, doctorHops(deps['proxy-config'], host), {
      timeoutMs: ctx.config.timeoutMs,
      userAgent: `exo-doctor/${ctx.runtime.doctorVersion}`,
    });
    const probe = (route.chosen ?? route.attempts[0]) as EndpointProbe;
    const facts = [sensitive('Federation server', host), ...route.attempts.map((a) => sensitive(host, describeProbe(a)))];
    const upn = ctx.config.upn?.trim();
    const domain = upn?.includes('@') ? upn.slice(upn.lastIndexOf('@') + 1) : 'the domain';
    const consequence = `This is the cause of every sign-in failure of ${domain}'s users: device-code and browser sign-in send them to this server, so they hang or fail there and Connect-ExchangeOnline never gets a token.`;
    const workaround = fix({
      summary: 'Until it is fixed, connect with a cloud-only admin account (name@<tenant>.onmicrosoft.com signs in at Entra ID), or with app-only (certificate) sign-in, neither of which uses the federation server.',
      runBy: 'admin',
      commands: ['Connect-ExchangeOnline -UserPrincipalName admin@<tenant>.onmicrosoft.com', 'Connect-ExchangeOnline -AppId <app-id> -CertificateThumbprint <thumbprint> -Organization <tenant>.onmicrosoft.com'],
      links: [APP_ONLY_DOC],
    });

    const failure = probe.failure;
    if (failure?.stage === 'tls' && probe.tls && !probe.tls.authorized) {
      const issuer = probe.tls.chain[0]?.issuerCN;
      return fail(
        `The federation server ${host} presents a certificate this machine does not trust (${failure.code}${issuer ? `, issued by ${issuer}` : ''}). ${consequence}`,
        {
          evidence: facts,
          remediation: [
            fix({
              summary: `The AD FS admin renews or replaces the service certificate of ${host} (on AD FS and on the Web Application Proxy) with one from a public CA that covers the name.`,
              runBy: 'another-admin',
              commands: ['Get-AdfsSslCertificate', 'Get-WebApplicationProxySslCertificate'],
              links: [ADFS_TROUBLESHOOTING],
            }),
            fix({
              summary: `If a proxy inspects TLS on this network, it must let ${host} through untouched, or its CA must be trusted here.`,
              runBy: 'network-team',
            }),
            workaround,
          ],
        },
      );
    }
    if (failure) return fail(`The federation server ${host} does not answer from this machine: ${whereItStopped(probe, failure)}. ${consequence}`, { evidence: facts, remediation: unreachableFixes(host, failure, workaround) });
    const status = probe.http?.status ?? 0;
    if (status >= 500) {
      return fail(`The federation server ${host} answers HTTP ${status}: the federation service behind it is not working. ${consequence}`, {
        evidence: facts,
        remediation: [
          fix({
            summary: `The AD FS admin checks that the AD FS service and the Web Application Proxy in front of it are running and healthy.`,
            runBy: 'another-admin',
            commands: ['Get-Service adfssrv', 'Get-AdfsProperties | Select-Object HostName, HttpsPort', 'Get-WebApplicationProxyHealth'],
            links: [ADFS_TROUBLESHOOTING],
          }),
          workaround,
        ],
      });
    }
    return pass(`The federation server ${host} answers over HTTPS (HTTP ${status}, ${probe.route}): federated sign-in can reach it.`, { evidence: facts });
  },
});

/** Who fixes a federation server that does not answer, by where the probe stopped. */
function unreachableFixes(host: string, failure: StageFailure, workaround: Remediation): [Remediation, ...Remediation[]] {
  const network = fix({
    summary:
      failure.stage === 'proxy'
        ? `Allow ${host} on the proxy, or let it bypass the proxy: the sign-in page is loaded from it.`
        : `Find out why ${host} does not answer on port 443 from this machine: its name must resolve and the port must be open, from the internet when users sign in from outside.`,
    runBy: 'network-team',
    commands: [`Resolve-DnsName ${host}`, `Test-NetConnection ${host} -Port 443`],
    links: [ADFS_TROUBLESHOOTING],
  });
  const adfs = fix({
    summary: `The AD FS admin checks that the AD FS service and the Web Application Proxy that publishes ${host} are running, and that the proxy still trusts AD FS.`,
    runBy: 'another-admin',
    commands: ['Get-Service adfssrv', 'Get-WebApplicationProxyHealth'],
    links: [ADFS_TROUBLESHOOTING],
  });
  return [network, adfs, workaround];
}
