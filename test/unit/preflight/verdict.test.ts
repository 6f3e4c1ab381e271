import { describe, expect, it } from 'vitest';
import { rowOutcome } from '../../../src/preflight/verdict.js';
import type { ReportDocument } from '../../../src/report/document.js';

type Finding = ReportDocument['findings'][number];
const step = (summary: string, commands: string[] = [], runBy: 'admin' | 'another-admin' | 'network-team' = 'admin') => ({ summary, commands, runBy, links: [] });
const finding = (checkId: string, status: 'fail' | 'warn', summary: string, remediation: ReturnType<typeof step>[]) => ({ checkId, status, summary, remediation }) as unknown as Finding;
const doc = (findings: Finding[], unchecked: Finding[] = []) => ({ findings, unchecked }) as unknown as ReportDocument;

describe('rowOutcome', () => {
  it('is not ready on a failure, with its first fix and who runs it', () => {
    const outcome = rowOutcome(doc([finding('exo-roles', 'fail', 'No role.', [step('Add a role:', ['Add-RoleGroupMember x'], 'another-admin'), step('Other.')])]));
    expect(outcome).toEqual({ verdict: 'not-ready', check: 'exo-roles', finding: 'No role.', fix: 'Add a role: Add-RoleGroupMember x', fixSummary: 'Add a role: Add-RoleGroupMember x', runBy: 'another admin of the tenant' });
  });

  it('could not tell when a check that could block the account did not look, before any warning', () => {
    const outcome = rowOutcome(doc([finding('mfa-state', 'warn', 'No MFA.', [step('Require MFA.')])], [finding('exo-user-access', 'warn', 'Not checked.', [step('Grant a role.')])]));
    expect(outcome).toMatchObject({ verdict: 'unknown', check: 'exo-user-access' });
  });

  it('is ready with a warning, or ready', () => {
    expect(rowOutcome(doc([finding('account-state', 'warn', 'A guest.', [step('Name the tenant.', ['Connect-ExchangeOnline'])])]))).toMatchObject({ verdict: 'ready-with-warnings', fixSummary: 'Name the tenant.', runBy: 'you' });
    expect(rowOutcome(doc([]))).toEqual({ verdict: 'ready' });
  });
});
