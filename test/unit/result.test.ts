import { describe, expect, it } from 'vitest';
import { defineCheck } from '../../src/check.js';
import { type CheckResult, fail, fix, pass, skip, warn } from '../../src/result.js';

const remedy = fix({ summary: 'Enable it.', runBy: 'another-admin', commands: ['Set-User -Identity x -EXOModuleEnabled $true'] });

describe('result builders', () => {
  it('normalise one remediation into a list and default evidence to none', () => {
    expect(fail('broken', { remediation: remedy })).toEqual({ status: 'fail', summary: 'broken', evidence: [], remediation: [remedy] });
    expect(warn('odd', { remediation: [remedy, remedy], output: 1 }).remediation).toHaveLength(2);
    expect(skip('not applicable')).toEqual({ status: 'skip', summary: 'not applicable', evidence: [] });
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
    expect([empty, raw]).toHaveLength(2);
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
