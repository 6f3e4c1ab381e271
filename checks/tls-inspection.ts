/**
 * tls-inspection: are the certificates this machine receives for Microsoft 365 really Microsoft's, on
 * every route a client uses (direct, and through each proxy)? A TLS-inspecting proxy swaps them for its
 * own; Node, .NET and Windows then trust or refuse the swap depending on their own CA stores.
 */
import { doctorCommand } from '../src/invocation.js';
import { defineCheck } from '../src/check.js';
import type { CertificateSummary } from '../src/context.js';
import { issuedByMicrosoft, issuingCertificate, TLS_INSPECTION_DOC } from '../src/knowledge/microsoft-tls.js';
import { endpointsFor } from '../src/knowledge/endpoints.js';
import { type EndpointProbe, sharedProbe } from '../src/net/probes.js';
import { distinctHops } from '../src/net/routes.js';
import type { Evidence } from '../src/result.js';
import { couldNotCheck, evidence, fail, fix, pass, warn } from '../src/result.js';
import { proxyConfig } from './proxy-config.js';

interface Interception {
  readonly host: string;
  readonly route: string;
  readonly issuer: string;
  readonly fingerprint: string;
  /** Whether the doctor's trusted set accepted the replacement (the CA was added with --ca or NODE_EXTRA_CA_CERTS). */
  readonly trusted: boolean;
}

function describeChain(chain: readonly CertificateSummary[]): string {
  return chain.map((c) => c.subject || '(no name)').join(' ← ');
}

export const tlsInspection = defineCheck({
  id: 'tls-inspection',
  title: 'Certificates of Microsoft 365 as this machine receives them',
  dependsOn: [proxyConfig],
  timeout: (ms) => ms + 5000,
  async run(ctx, deps) {
    // The sign-in and Exchange hosts: the two every connection needs.
    const targets = endpointsFor(ctx.config.environment, ctx.config.services).filter((e) => e.required);
    ctx.step(`TLS handshakes with ${targets.map((e) => e.host).join(' and ')}`);
    const options = { timeoutMs: ctx.config.timeoutMs, userAgent: `exo-doctor/${ctx.runtime.doctorVersion}` };
    const probes = await Promise.all(
      targets.flatMap((endpoint) =>
        distinctHops(deps['proxy-config'], endpoint.host).map((hop) => sharedProbe(ctx, endpoint, hop.kind === 'proxy' ? { proxy: hop.url } : {}, options)),
      ),
    );
    const seen = probes.filter((p): p is EndpointProbe & { tls: NonNullable<EndpointProbe['tls']> } => p.tls !== undefined);
    if (seen.length === 0) {
      return couldNotCheck('No route reached Microsoft 365 over TLS, so there was no certificate to inspect.', { explainedBy: ['proxy-health', 'endpoints'] });
    }

    const facts: Evidence[] = seen.map((p) => evidence(`${p.host} (${p.route})`, `${describeChain(p.tls.chain)}${p.tls.authorized ? '' : ` — not trusted: ${p.tls.authorizationError}`}`));
    const intercepted: Interception[] = seen
      .filter((p) => !issuedByMicrosoft(p.tls.chain))
      .map((p) => {
        const leaf = p.tls.chain[0];
        const issuing = issuingCertificate(p.tls.chain);
        return {
          host: p.host,
          route: p.route,
          issuer: leaf?.issuer || '(unnamed issuer)',
          fingerprint: (issuing ?? leaf)?.fingerprint256 ?? 'unknown',
          trusted: p.tls.authorized,
        };
      });
    const invalid = seen.filter((p) => issuedByMicrosoft(p.tls.chain) && !p.tls.authorized);

    if (intercepted.length > 0) {
      const first = intercepted[0] as Interception;
      const routes = [...new Set(intercepted.map((i) => i.route))].join(', ');
      facts.push(evidence('Intercepting CA', `${first.issuer} (SHA-256 ${first.fingerprint})`));
      const summary = `TLS inspection ${routes === 'direct' ? 'on the direct route' : `through ${routes}`}: ${first.host} presented a certificate issued by ${first.issuer}, not by Microsoft.`;
      const remediation = [
        fix({
          summary:
            "Exempt Microsoft 365's endpoints (at least the sign-in and Exchange Online hosts) from TLS inspection, as Microsoft's network connectivity principles ask.",
          runBy: 'network-team',
          links: [TLS_INSPECTION_DOC],
        }),
        fix({
          summary:
            "Meanwhile, let the doctor trust the inspecting CA, exported as a PEM file, to see past it (PowerShell uses the Windows certificate store and may already trust it). Never turn verification off.",
          runBy: 'admin',
          commands: [doctorCommand(ctx.config, '--ca corporate-root.pem'), `NODE_EXTRA_CA_CERTS=corporate-root.pem ${doctorCommand(ctx.config)}`],
        }),
      ] as const;
      // Trusted through an added CA: connections work, but Microsoft advises against the inspection.
      if (intercepted.every((i) => i.trusted)) return warn(`${summary} It is trusted through the CA file you added.`, { evidence: facts, remediation });
      return fail(`${summary} Clients that do not trust that CA fail with certificate errors.`, { evidence: facts, remediation });
    }
    if (invalid.length > 0) {
      const first = invalid[0] as (typeof invalid)[number];
      return warn(`${first.host} presented Microsoft's certificate, but it does not verify here (${first.tls.authorizationError}).`, {
        evidence: facts,
        remediation: fix({
          summary:
            first.tls.authorizationError === 'CERT_HAS_EXPIRED' || first.tls.authorizationError === 'CERT_NOT_YET_VALID'
              ? "Check this machine's clock (see clock-skew); certificates look expired or not yet valid to a wrong clock."
              : "Update the machine's root certificates (Windows Update, or the ca-certificates package), then run the doctor again.",
          runBy: 'admin',
        }),
      });
    }
    const routes = [...new Set(seen.map((p) => p.route))].join(', ');
    return pass(`Microsoft's own certificates on every route checked (${routes}).`, { evidence: facts });
  },
});
