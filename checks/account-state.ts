/**
 * account-state: the account under diagnosis as the directory holds it: blocked from sign-in or not,
 * member or guest. graph-token resolves it (and fails when the tenant has no such user); this check
 * judges what it found. A blocked account never gets a token (AADSTS50057), whatever its roles; a guest
 * signs in to its own home tenant unless the tenant is named when it connects. Before a rollout, these
 * are the first things to know about each admin (`preflight`).
 */
import { CAUSE } from '../src/causes.js';
import { defineCheck } from '../src/check.js';
import { describeAadsts } from '../src/knowledge/aadsts.js';
import { evidence, fail, fix, notApplicable, notChecked, pass, sensitive, warn } from '../src/result.js';
import { graphToken } from './graph-token.js';

const GUEST_DOC = 'https://learn.microsoft.com/powershell/module/exchangepowershell/connect-exchangeonline#-delegatedorganization';

export const accountState = defineCheck({
  id: 'account-state',
  title: 'The account exists, may sign in, and is a member of the tenant',
  dependsOn: [graphToken],
  async run(ctx, deps) {
    const subject = deps['graph-token'].subject;
    if (!subject) return notApplicable('An application signed in and no --target names a person, so there is no account to look at.');
    const facts = [
      sensitive('Account', subject.upn),
      evidence('Sign-in allowed', subject.accountEnabled === undefined ? 'not said by Microsoft Graph' : subject.accountEnabled ? 'yes' : 'no (blocked)'),
      evidence('Type', subject.userType ?? 'not said by Microsoft Graph'),
    ];
    if (subject.accountEnabled === false) {
      const disabled = describeAadsts(50057);
      return fail(`${subject.upn} is blocked from signing in (accountEnabled is false): every sign-in stops at AADSTS50057, whatever the account's roles.`, {
        cause: CAUSE.accountDisabled,
        evidence: facts,
        remediation: fix({
          summary: disabled.fix.summary,
          runBy: 'another-admin',
          commands: disabled.fix.commands.map((command) => command.replaceAll('<upn>', subject.upn)),
          links: [disabled.link],
        }),
      });
    }
    if (subject.userType === 'Guest') {
      return warn(
        `${subject.upn} is a guest of this tenant: Connect-ExchangeOnline signs a guest in to its home tenant unless this tenant is named, and the Exchange roles must be granted here.`,
        {
          evidence: facts,
          output: undefined,
          remediation: fix({
            summary: 'Connect naming this tenant (its .onmicrosoft.com domain or a verified domain); for an admin who manages many customers, a member account in each tenant or GDAP is the supported way.',
            runBy: 'admin',
            commands: [`Connect-ExchangeOnline -UserPrincipalName ${subject.upn} -DelegatedOrganization <tenant domain>`],
            links: [GUEST_DOC],
          }),
        },
      );
    }
    if (subject.accountEnabled === undefined) {
      return notChecked(`${subject.upn} exists in the tenant, but Microsoft Graph did not say whether it may sign in.`, {
        evidence: facts,
        remediation: fix({ summary: 'Read it yourself.', runBy: 'admin', commands: [`Get-MgUser -UserId ${subject.upn} -Property AccountEnabled,UserType | Format-List AccountEnabled,UserType`] }),
      });
    }
    return pass(`${subject.upn} ${subject.userType === 'Member' ? 'is a member of the tenant' : 'exists in the tenant'} and may sign in.`, { evidence: facts });
  },
});
