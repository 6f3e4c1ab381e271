/**
 * exo-user-access: is Exchange Online PowerShell turned on for the account under diagnosis? Reads
 * `EXOModuleEnabled` (the current name; `RemotePowerShellEnabled` is the legacy one and always holds the
 * same value) with `Get-User`. The flag overrides every admin role, and the account cannot turn it back
 * on itself. Signed in as that account, a refusal of every cmdlet, `Get-User` on itself included, with a
 * valid token says the flag is off. With `--target`, a working admin reads it for someone else: the only
 * way to read it from outside. See docs/exchange-rest.md.
 */
import { CAUSE } from '../src/causes.js';
import { defineCheck } from '../src/check.js';
import { ExchangeClient, ExchangeError, ExchangeThrottledError } from '../src/exo/client.js';
import { exchangeEvidence, exchangeTimeLimit, OTHER_ADMIN, powerShellAccessFix, PS_ACCESS_DOC, refusalFinding, throttledFailure, unreachableFailure } from '../src/exo/findings.js';
import { doctorCommand } from '../src/invocation.js';
import { HttpFailure } from '../src/net/http.js';
import { error, evidence, fail, fix, notApplicable, notChecked, pass, sensitive } from '../src/result.js';
import { exoToken } from './exo-token.js';
import { proxyConfig } from './proxy-config.js';
import { includesService } from '../src/services.js';

export const exoUserAccess = defineCheck({
  id: 'exo-user-access',
  title: 'Exchange Online PowerShell access of the account (EXOModuleEnabled)',
  dependsOn: [exoToken, proxyConfig],
  timeout: exchangeTimeLimit,
  async run(ctx, deps) {
    if (!includesService(ctx.config, 'exchange')) return notApplicable('Exchange Online PowerShell is not diagnosed in this run (--service compliance).');
    const session = deps['exo-token'];
    const subject = session.subject;
    if (!subject) return notApplicable('An application signed in and no --target names a person, so there is no PowerShell access to read.');
    const self = !session.appOnly && session.upn?.toLowerCase() === subject.toLowerCase();
    const deadline = new Date(ctx.now().getTime() + exchangeTimeLimit(ctx.config.timeoutMs) - 1000);
    const client = await ExchangeClient.open(ctx, deps['proxy-config'], session, { timeoutMs: ctx.config.timeoutMs, deadline, signal: ctx.signal });
    const rerun = doctorCommand(ctx.config, `--only exo-user-access${session.upn ? ` --upn ${session.upn}` : ''}${self ? '' : ` --target ${subject}`}`);
    try {
      ctx.step(`reading EXOModuleEnabled of ${subject}`);
      const [user] = await client.invoke('Get-User', { Identity: subject }, { select: ['UserPrincipalName', 'DisplayName', 'EXOModuleEnabled', 'RemotePowerShellEnabled'] });
      const flag = typeof user?.['EXOModuleEnabled'] === 'boolean' ? 'EXOModuleEnabled' : 'RemotePowerShellEnabled';
      const enabled = user?.[flag];
      const upn = typeof user?.['UserPrincipalName'] === 'string' ? user['UserPrincipalName'] : subject;
      const facts = [sensitive('Account', upn), ...(typeof enabled === 'boolean' ? [evidence(flag, enabled ? 'True' : 'False')] : [])];
      if (typeof enabled !== 'boolean') {
        return error(`Get-User answered for ${subject} without EXOModuleEnabled or RemotePowerShellEnabled, so the flag could not be read.`, {
          evidence: facts,
          remediation: fix({ summary: 'Read the flag in Exchange Online PowerShell.', runBy: 'admin', commands: [`Get-User -Identity ${subject} | Format-List EXOModuleEnabled,RemotePowerShellEnabled`], links: [PS_ACCESS_DOC] }),
        });
      }
      if (enabled) return pass(`PowerShell access is on for ${upn} (${flag} is True).`, { evidence: facts, output: { upn, exoModuleEnabled: true } });
      return fail(
        `PowerShell access is off for ${upn} (${flag} is False): Exchange Online refuses every cmdlet from this account, whatever its admin roles.${self ? ' The account cannot turn it back on itself.' : ''}`,
        { cause: CAUSE.powershellAccessOff, evidence: facts, remediation: powerShellAccessFix(ctx.config, upn, self ? 'another-admin' : 'admin') },
      );
    } catch (err) {
      if (err instanceof HttpFailure) return unreachableFailure(err, session, client);
      if (!(err instanceof ExchangeError)) throw err;
      const facts = exchangeEvidence(err, client, session);
      if (err instanceof ExchangeThrottledError) return throttledFailure(err, facts, rerun);
      if (err.status === 404 || err.texts.some((t) => /ManagementObjectNotFound|couldn't be found/i.test(t))) {
        return fail(`Exchange Online has no user ${subject}: Get-User did not find it.`, {
          cause: CAUSE.accountNotFound,
          evidence: facts,
          remediation: fix({
            summary: 'Check the spelling of the account (its user principal name), and that it is a user of this tenant.',
            runBy: 'admin',
            commands: [doctorCommand(ctx.config, `--upn ${session.upn ?? OTHER_ADMIN} --target ${subject}`)],
          }),
        });
      }
      // Signed in as the account itself, Exchange's refusal of Get-User on itself is the answer.
      const refused = self ? refusalFinding(err, session, facts, ctx.now(), ctx.config) : undefined;
      if (refused) return refused;
      const signedIn = session.appOnly ? `app ${session.clientId}` : (session.upn ?? 'the signed-in account');
      return notChecked(`Could not read the PowerShell access of ${subject}: Exchange Online refused Get-User for ${signedIn} (HTTP ${err.status}, "${err.reason}").`, {
        evidence: facts,
        explainedBy: ['exo-connection'],
        remediation: fix({
          summary: `Sign in as an admin allowed to read recipients (Exchange Administrator, Exchange Recipient Administrator or Global Reader) and name ${subject} with --target.`,
          runBy: 'admin',
          commands: [doctorCommand(ctx.config, `--upn ${OTHER_ADMIN} --target ${subject}`)],
          links: [PS_ACCESS_DOC],
        }),
      });
    } finally {
      await client.close();
    }
  },
});
