/**
 * exo-connection: does the admin's (or app's) connection to Exchange Online work end to end? One real,
 * read-only cmdlet, `Get-OrganizationConfig`, sent to InvokeCommand exactly as the module sends it.
 * When Exchange refuses, the answer says why: PowerShell access turned off for the account
 * (EXOModuleEnabled / RemotePowerShellEnabled), no Exchange role, an app without a supported Entra role
 * or without Exchange.ManageAsApp, a token Exchange cannot use (its x-ms-diagnostics header says so), or
 * throttling. See docs/exchange-rest.md.
 */
import { defineCheck } from '../src/check.js';
import { ExchangeClient, ExchangeError, type ExchangeRow, ExchangeThrottledError } from '../src/exo/client.js';
import { exchangeEvidence, exchangeTimeLimit, refusalFinding, routeWords, serviceFix, throttledFailure, unreachableFailure } from '../src/exo/findings.js';
import { doctorCommand } from '../src/invocation.js';
import { HttpFailure } from '../src/net/http.js';
import { evidence, fail, notApplicable, organisationName, pass, sensitive } from '../src/result.js';
import { exoToken } from './exo-token.js';
import { proxyConfig } from './proxy-config.js';
import { includesService } from '../src/services.js';

export const exoConnection = defineCheck({
  id: 'exo-connection',
  title: 'Exchange Online answers a read-only cmdlet',
  dependsOn: [exoToken, proxyConfig],
  timeout: exchangeTimeLimit,
  async run(ctx, deps) {
    if (!includesService(ctx.config, 'exchange')) return notApplicable('Exchange Online PowerShell is not diagnosed in this run (--service compliance).');
    const session = deps['exo-token'];
    const deadline = new Date(ctx.now().getTime() + exchangeTimeLimit(ctx.config.timeoutMs) - 1000);
    const client = await ExchangeClient.open(ctx, deps['proxy-config'], session, { timeoutMs: ctx.config.timeoutMs, deadline, signal: ctx.signal });
    const who = session.appOnly ? `the app ${session.clientId}` : (session.upn ?? 'the signed-in account');
    const rerun = doctorCommand(ctx.config, `--only exo-connection${session.upn ? ` --upn ${session.upn}` : ''}`);
    try {
      ctx.step(`running Get-OrganizationConfig on ${session.cloud.exchangeHost}`);
      const [organization] = await client.invoke('Get-OrganizationConfig');
      const call = client.lastCall;
      const facts = [
        session.appOnly ? evidence('Signed in as', `app ${session.clientId}`) : sensitive('Signed in as', who),
        ...(client.anchorMailbox ? [sensitive('X-AnchorMailbox', client.anchorMailbox)] : []),
        evidence('Route', routeWords(client, session)),
        ...(call ? [evidence('client-request-id', call.clientRequestId)] : []),
      ];
      if (!organization) return fail(`Exchange Online ran Get-OrganizationConfig for ${who} but returned no organisation.`, { evidence: facts, remediation: serviceFix(rerun) });
      const name = String(organization['DisplayName'] ?? organization['Name'] ?? organization['Identity'] ?? 'the organisation');
      return pass(`Exchange Online runs cmdlets for ${who}: Get-OrganizationConfig answered for ${name}.`, {
        evidence: [...facts, organisationName('Organisation', name), sensitive('Organisation id', String(organization['Name'] ?? organization['Identity'] ?? ''))],
        output: { organization: organization as ExchangeRow },
      });
    } catch (err) {
      if (err instanceof HttpFailure) return unreachableFailure(err, session, client);
      if (!(err instanceof ExchangeError)) throw err;
      const facts = exchangeEvidence(err, client, session);
      if (err instanceof ExchangeThrottledError) return throttledFailure(err, facts, rerun);
      return (
        refusalFinding(err, session, facts, ctx.now(), ctx.config) ??
        fail(`Exchange Online did not run ${err.cmdlet} for ${who}: HTTP ${err.status} ${err.code} ("${err.reason}").`, { evidence: facts, remediation: serviceFix(rerun) })
      );
    } finally {
      await client.close();
    }
  },
});
