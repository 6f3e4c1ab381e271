import { describe, expect, it } from 'vitest';
import { defineCheck } from '../../src/check.js';
import { type CheckResult, couldNotCheck, fail, fix, notApplicable, notChecked, pass, warn } from '../../src/result.js';

const remedy = fix({ summary: 'Enable it.', runBy: 'another-admin', commands: ['Set-User -Identity x -EXOModuleEnabled $true'] });

describe('result builders', () => {
  it('normalise one remediation into a list and default evidence to none', () => {
    expect(fail('broken', { remediation: remedy })).toEqual({ status: 'fail', summary: 'broken', evidence: [], remediation: [remedy] });
    expect(warn('odd', { remediation: [remedy, remedy], output: 1 }).remediation).toHaveLength(2);
    expect(notApplicable('not here')).toEqual({ status: 'skip', kind: 'not-applicable', summary: 'not here', evidence: [] });
    expect(notChecked('sign-in off', { remediation: remedy })).toEqual({ status: 'skip', kind: 'not-checked', summary: 'sign-in off', evidence: [], remediation: [remedy] });
    expect(couldNotCheck('no answer', { explainedBy: ['endpoints'] })).toMatchObject({ status: 'skip', kind: 'not-checked', explainedBy: ['endpoints'], errorUnlessExplained: true });
    expect(fix({ summary: 's', runBy: 'network-team' })).toEqual({ summary: 's', runBy: 'network-team', commands: [], links: [] });
  });

  it('make a warning or failure without remediation a type error', () => {
    // These lines are checked by `tsc` (npm run typecheck): each must stay an error.
    // @ts-expect-error a failure must say how to fix it
    fail('broken', {});
    // @ts-expect-error a warning must say how to fix it
    warn('odd', { evidence: [] });
    // @ts-expect-error an empty list of fixes is no fix
    const empty: CheckResult = { status: 'fail', summary: 'x', evidence: [], remediation: [] };
    // @ts-expect-error a raw failure object without remediation does not type-check either
    const raw: CheckResult = { status: 'fail', summary: 'x', evidence: [] };
    // @ts-expect-error a cause left unchecked says what would check it
    notChecked('sign-in off', {});
    // @ts-expect-error a skip says whether it is not applicable or not checked
    const vague: CheckResult = { status: 'skip', summary: 'x', evidence: [] };
    expect([empty, raw, vague]).toHaveLength(3);
  });

  it('type the outputs a dependent receives', async () => {
    const tenant = defineCheck({ id: 'tenant', title: 'T', dependsOn: [], run: async () => pass('ok', { output: { tenantId: 'abc' } }) });
    defineCheck({
      id: 'token',
      title: 'Token',
      dependsOn: [tenant],
      run: async (_ctx, deps) => {
        const id: string = deps.tenant.tenantId;
        // @ts-expect-error a dependency that is not declared is not there
        void deps.inputs;
        return pass(id);
      },
    });
    expect(tenant.id).toBe('tenant');
  });
});
