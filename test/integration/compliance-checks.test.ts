// The Security & Compliance leg (--service compliance) against the simulated world: the regional
// redirect, a regional host the network does not let through, the global forest, app-only roles, and
// a given token that is not for this service. Real MSAL sign-ins over HTTPS on 127.0.0.1.
import { afterEach, describe, expect, it } from 'vitest';
import { registry } from '../../checks/index.js';
import { demoContext } from '../../src/demo.js';
import { normalizeOptions } from '../../src/options.js';
import { runChecks } from '../../src/runner.js';
import type { World } from '../../src/sim/world.js';
import { world, writesIn } from '../support/world.js';

const APP = '5b1c7e3a-9d2f-4e6b-8a4c-1f0d3e5b7a92';
let current: World | undefined;
afterEach(async () => {
  if (current) expect(writesIn(current.audit)).toEqual([]);
  await current?.stop();
  current = undefined;
});

async function compliance(name: string, changes: Record<string, unknown> = {}, extra: Partial<Parameters<typeof normalizeOptions>[0]> = {}) {
  current = await world(name, changes);
  const options = normalizeOptions({ environment: 'O365Default', timeout: 3000, failOn: 'fail', service: 'compliance', ...extra });
  const run = await runChecks(registry, demoContext(current, options, { environment: false, service: true }), { only: ['compliance-connection', 'compliance-client'], timeoutMs: options.timeout });
  return Object.fromEntries(run.checks.map((c) => [c.id, c]));
}

describe('compliance-client', () => {
  it('fails a module before 3.2.0, and warns of -UseRPSSession typed with a current one', async () => {
    const legacy = await compliance('compliance-legacy-winrm');
    expect(legacy['compliance-client']).toMatchObject({ status: 'fail', cause: 'compliance-legacy-module' });
    expect(legacy['compliance-client']?.summary).toContain('WinRM Basic authentication is off on this machine too');
    await current?.stop();
    current = undefined;
    const history = 'C:\\Users\\meganb\\AppData\\Roaming\\Microsoft\\Windows\\PowerShell\\PSReadLine\\ConsoleHost_history.txt';
    const rps = await compliance('healthy', { machine: { extends: 'windows-11', files: { [history]: 'Connect-IPPSSession -UserPrincipalName meganb@contoso.com -UseRPSSession\r\nGet-Label\r\n' } } });
    expect(rps['compliance-client']).toMatchObject({ status: 'warn' });
    expect(rps['compliance-client']?.summary).toContain('-UseRPSSession');
  });
});

describe('compliance-connection', () => {
  it('follows the global host to the tenant\'s regional one, with the same token, and runs a read-only cmdlet', async () => {
    const checks = await compliance('healthy');
    expect(checks['compliance-token']).toMatchObject({ status: 'pass' });
    expect(checks['compliance-connection']).toMatchObject({ status: 'pass', output: { host: 'nam02b.ps.compliance.protection.outlook.com', redirected: true } });
    const calls = (current as World).audit.filter((r) => r.method === 'POST' && r.path.endsWith('/InvokeCommand'));
    expect(calls.map((r) => [r.host, r.status, r.cmdlet])).toEqual([
      ['ps.compliance.protection.outlook.com', 302, 'Get-RetentionCompliancePolicy'],
      ['nam02b.ps.compliance.protection.outlook.com', 200, 'Get-RetentionCompliancePolicy'],
    ]);
  });

  it('stays on the global host for a tenant of the global forest', async () => {
    const checks = await compliance('healthy', { compliance: { region: 'global' } });
    expect(checks['compliance-connection']).toMatchObject({ status: 'pass', output: { host: 'ps.compliance.protection.outlook.com', redirected: false } });
  });

  it('says that the regional name must be let through when only the global one answers', async () => {
    const checks = await compliance('healthy', { faults: { 'nam02b.ps.compliance.protection.outlook.com': { unresolvable: true } } });
    const check = checks['compliance-connection'];
    expect(check).toMatchObject({ status: 'fail', cause: 'compliance-unreachable' });
    expect(check?.summary).toContain('must allow *.ps.compliance.protection.outlook.com too');
    expect(check?.status === 'fail' && check.remediation[0]?.commands).toEqual(['Test-NetConnection ps.compliance.protection.outlook.com -Port 443', 'Test-NetConnection nam02b.ps.compliance.protection.outlook.com -Port 443']);
  });

  it('names the Entra roles an app needs for Security & Compliance, which Exchange Administrator is not', async () => {
    const appOnly = { signIn: { mode: 'certificate', appId: APP, environment: 'O365Default', service: 'compliance' } };
    const exchangeOnly = await compliance('healthy', { ...appOnly, apps: [{ appId: APP, displayName: 'Contoso EXO automation', exchangeManageAsApp: true, roles: ['Exchange Administrator'], credentials: ['certificate'] }] });
    expect(exchangeOnly['compliance-connection']).toMatchObject({ status: 'fail', cause: 'compliance-no-role' });
    expect(exchangeOnly['compliance-connection']?.summary).toContain('Compliance Administrator');
    const fixIt = exchangeOnly['compliance-connection'];
    expect(fixIt?.status === 'fail' && fixIt.remediation[0]?.commands.at(-1)).toContain('New-MgRoleManagementDirectoryRoleAssignment -PrincipalId $sp.Id -RoleDefinitionId 17315797-102d-40b4-93e0-432062caca18');
    await current?.stop();
    current = undefined;
    const compliant = await compliance('healthy', { ...appOnly, apps: [{ appId: APP, displayName: 'Contoso EXO automation', exchangeManageAsApp: true, roles: ['Compliance Administrator'], credentials: ['certificate'] }] });
    expect(compliant['compliance-connection']).toMatchObject({ status: 'pass' });
  });

  it('does not use a token given for another resource', async () => {
    const checks = await compliance('healthy', {}, { accessToken: 'eyJhbGciOiJub25lIn0.eyJhdWQiOiJodHRwczovL291dGxvb2sub2ZmaWNlMzY1LmNvbSJ9.' });
    expect(checks['compliance-token']).toMatchObject({ status: 'skip', skipKind: 'not-checked' });
  });
});
