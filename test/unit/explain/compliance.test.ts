import { describe, expect, it } from 'vitest';
import { explain } from '../../../src/explain/explain.js';

describe('explain, for a Security & Compliance PowerShell error', () => {
  it('sends the causes to the compliance checks, which --service compliance runs', () => {
    const result = explain(
      "PS C:\\> Connect-IPPSSession -UserPrincipalName adele@contoso.com\nGet-RetentionCompliancePolicy: |Microsoft.Exchange.Configuration.Tasks.CmdletAccessDeniedException|The user isn't assigned to any management roles that allow running Get-RetentionCompliancePolicy.\nUser is not allowed to call Get-RetentionCompliancePolicy",
    );
    expect(result.service).toBe('compliance');
    const checks = result.causes.flatMap((c) => c.checks);
    expect(checks).not.toContain('exo-connection');
    expect(checks).not.toContain('exo-roles');
    expect(checks.some((c) => c.startsWith('compliance-'))).toBe(true);
  });

  it('leaves an Exchange error with the Exchange checks', () => {
    const result = explain('New-ExoPSSession : Create Powershell Session is failed using OAuth');
    expect(result.service).toBe('exchange');
    expect(result.causes.flatMap((c) => c.checks).some((c) => c.startsWith('compliance-'))).toBe(false);
  });
});
