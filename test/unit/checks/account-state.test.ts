import { describe, expect, it } from 'vitest';
import { accountState } from '../../../checks/account-state.js';
import type { GraphSession } from '../../../src/auth/identity.js';
import { baseStubs, fakeContext } from '../../support/fake-context.js';
import { runCheck } from '../../support/run-check.js';

const session = (subject?: Partial<NonNullable<GraphSession['subject']>>): GraphSession => ({
  graphHost: 'graph.microsoft.com',
  accessToken: 'token',
  appOnly: subject === undefined,
  permissions: [],
  ...(subject ? { subject: { id: '26be570a-ae82-4189-b4e2-a37c6808512d', upn: 'johannal@contoso.com', ...subject } } : {}),
  callerId: '26be570a-ae82-4189-b4e2-a37c6808512d',
});
const run = (s: GraphSession) => runCheck(accountState, fakeContext(baseStubs()), { 'graph-token': s });

describe('account-state', () => {
  it('fails a blocked account with AADSTS50057 and the command that unblocks it, for another admin', async () => {
    const result = await run(session({ accountEnabled: false, userType: 'Member' }));
    expect(result).toMatchObject({ status: 'fail', cause: 'account-disabled' });
    expect(result.summary).toContain('AADSTS50057');
    expect(result.status === 'fail' && result.remediation[0]).toMatchObject({ runBy: 'another-admin', commands: expect.arrayContaining(['Update-MgUser -UserId johannal@contoso.com -AccountEnabled:$true']) });
  });

  it('warns of a guest, with the -DelegatedOrganization connection', async () => {
    const result = await run(session({ upn: 'nestor_fabrikam.com#EXT#@contoso.onmicrosoft.com', accountEnabled: true, userType: 'Guest' }));
    expect(result.status).toBe('warn');
    expect(result.status === 'warn' && result.remediation[0]?.commands[0]).toContain('-DelegatedOrganization');
  });

  it('passes a member that may sign in, and does not claim what Graph did not say', async () => {
    expect((await run(session({ accountEnabled: true, userType: 'Member' }))).status).toBe('pass');
    expect(await run(session({}))).toMatchObject({ status: 'skip', kind: 'not-checked' });
  });

  it('does not apply to an app-only sign-in without --target', async () => {
    expect(await run(session())).toMatchObject({ status: 'skip', kind: 'not-applicable' });
  });
});
