/**
 * Who issues the certificates of Microsoft 365's endpoints. A chain that ends anywhere else was
 * replaced on the way: a TLS-inspecting proxy or security appliance.
 * Source: https://learn.microsoft.com/azure/security/fundamentals/azure-ca-details (Microsoft's and
 * DigiCert's roots and issuing CAs for Azure and Microsoft 365 services).
 */
import type { CertificateSummary } from '../context.js';

/** Organisations of the CAs that sign Microsoft 365's server certificates. */
const MICROSOFT_TLS_ISSUERS: readonly string[] = ['Microsoft Corporation', 'DigiCert Inc', 'DigiCert, Inc.'];

export const TLS_INSPECTION_DOC =
  'https://learn.microsoft.com/microsoft-365/enterprise/microsoft-365-network-connectivity-principles#assess-bypassing-proxies-traffic-inspection-devices-and-duplicate-security-technologies';

/** Whether the leaf of a chain was issued by Microsoft's own CAs. */
export function issuedByMicrosoft(chain: readonly CertificateSummary[]): boolean {
  const leaf = chain[0];
  return leaf !== undefined && leaf.issuerOrganization !== undefined && MICROSOFT_TLS_ISSUERS.includes(leaf.issuerOrganization);
}

/** The certificate that signed the leaf, when the peer sent it. */
export function issuingCertificate(chain: readonly CertificateSummary[]): CertificateSummary | undefined {
  return chain[1];
}
