/**
 * exo-user-access: is Exchange Online PowerShell turned on for the account under diagnosis? Reads
 * `EXOModuleEnabled` (the current name; `RemotePowerShellEnabled` is the legacy one and always holds the
 * same value) with `Get-User`. The flag overrides every admin role, and the account cannot turn it back
 * on itself. With `--target`, a working admin reads it for someone else: the only way to see it from
 * outside when that account is locked out. See ../shared/docs/domain.md section 4.
 */
import { defineCheck } from '../src/check.js';
import { ExchangeClient, ExchangeError, ExchangeThrottledError } from '../src/exo/client.js';
import type { ExoSession } from '../src/identity.js';
import { HttpFailure } from '../src/net/http.js';
import { evidence, fail, fix, pass, sensitive, skip } from '../src/result.js';
import { exchangeEvidence, exchangeTimeLimit, exoConnection, otherAdmin, powerShellAccessFix, PS_ACCESS_DOC, throttledFailure, unreachableFailure } from './exo-connection.js';
import { exoToken } from './exo-token.js';
import { proxyConfig } from './proxy-config.js';

/** How the same app sign-in is asked for again on the command line. */
const CREDENTIAL_OPTION: Partial<Record<ExoSession['mode'], string>> = {
  certificate: ' --certificate ./app.pem',
  secret: ' --client-secret "$EXO_CLIENT_SECRET"',
};

/** What dependents receive: the flag as Exchange holds it. */
export interface ExoUserAccess {
  readonly upn: string;
  readonly exoModuleEnabled: boolean;
}

export const exoUserAccess = defineCheck({
  id: 'exo-user-access',
  title: 'Exchange Online PowerShell access of the account (EXOModuleEnabled)',
  dependsOn: [exoToken, exoConnection, proxyConfig],
  timeout: exchangeTimeLimit,
  async run(ctx, deps) {
    const session = deps['exo-token'];
    const subject = session.subject;
    if (!subject) {
      return skip('An application signed in, so there is no person whose PowerShell access to read. Name the account with --target to have the app read it.', {
        remediation: fix({
          summary: 'Run the doctor again with the account that cannot connect as --target.',
          runBy: 'admin',
          commands: [`exo-doctor --tenant ${session.tenantId} --app-id ${session.clientId}${CREDENTIAL_OPTION[session.mode] ?? ''} --target admin@contoso.com`],
        }),
      });
    }
    const self = !session.appOnly && session.upn?.toLowerCase() === subject.toLowerCase();
    const deadline = new Date(ctx.now().getTime() + exchangeTimeLimit(ctx.config.timeoutMs) - 1000);
    const client = await ExchangeClient.open(ctx, deps['proxy-config'], session, { timeoutMs: ctx.config.timeoutMs, deadline, signal: ctx.signal });
    const rerun = `exo-doctor --only exo-user-access${session.upn ? ` --upn ${session.upn}` : ''}${self ? '' : ` --target ${subject}`}`;
    try {
      ctx.step(`reading EXOModuleEnabled of ${subject}`);
      const [user] = await client.invoke('Get-User', { Identity: subject }, { select: ['UserPrincipalName', 'DisplayName', 'EXOModuleEnabled', 'RemotePowerShellEnabled'] });
      const flag = typeof user?.['EXOModuleEnabled'] === 'boolean' ? 'EXOModuleEnabled' : 'RemotePowerShellEnabled';
      const enabled = user?.[flag];
      const upn = typeof user?.['UserPrincipalName'] === 'string' ? user['UserPrincipalName'] : subject;
      const facts = [sensitive('Account', upn), ...(typeof enabled === 'boolean' ? [evidence(flag, enabled ? 'True' : 'False')] : [])];
      if (typeof enabled !== 'boolean') {
        return skip(`Get-User answered for ${subject} without EXOModuleEnabled or RemotePowerShellEnabled, so the flag could not be read.`, {
          evidence: facts,
          remediation: fix({ summary: 'Read the flag in Exchange Online PowerShell.', runBy: 'admin', commands: [`Get-User -Identity ${subject} | Format-List EXOModuleEnabled,RemotePowerShellEnabled`], links: [PS_ACCESS_DOC] }),
        });
      }
      if (enabled) return pass(`PowerShell access is on for ${upn} (${flag} is True).`, { evidence: facts, output: { upn, exoModuleEnabled: true } });
      return fail(
        `PowerShell access is off for ${upn} (${flag} is False): Exchange Online refuses every cmdlet from this account, whatever its admin roles.${self ? ' The account cannot turn it back on itself.' : ''}`,
        { evidence: facts, remediation: powerShellAccessFix(upn, self ? 'another-admin' : 'admin') },
      );
    } catch (err) {
      if (err instanceof HttpFailure) return unreachableFailure(err, session, client.route);
      if (!(err instanceof ExchangeError)) throw err;
      const facts = exchangeEvidence(err, client, session);
      if (err instanceof ExchangeThrottledError) return throttledFailure(err, facts, rerun);
      if (err.status === 404 || err.texts.some((t) => /ManagementObjectNotFound|couldn't be found/i.test(t))) {
        return fail(`Exchange Online has no user ${subject}: Get-User did not find it.`, {
          evidence: facts,
          remediation: fix({
            summary: 'Check the spelling of the account (its user principal name), and that it is a user of this tenant.',
            runBy: 'admin',
            commands: [`exo-doctor --upn ${session.upn ?? otherAdmin(subject)} --target ${subject}`],
          }),
        });
      }
      const signedIn = session.appOnly ? `app ${session.clientId}` : (session.upn ?? 'the signed-in account');
      return skip(`Could not read the PowerShell access of ${subject}: Exchange Online refused Get-User for ${signedIn} (HTTP ${err.status}, "${err.reason}").`, {
        evidence: facts,
        remediation: fix({
          summary: `Sign in as an admin allowed to read recipients (Exchange Administrator, Exchange Recipient Administrator or Global Reader) and name ${subject} with --target.`,
          runBy: 'admin',
          commands: [`exo-doctor --upn ${otherAdmin(subject)} --target ${subject}`],
          links: [PS_ACCESS_DOC],
        }),
      });
    } finally {
      await client.close();
    }
  },
});
