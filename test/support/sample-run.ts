/** A run with one check of every status, for the renderer tests. */
import type { RunReport } from '../../src/runner.js';
import { fix } from '../../src/result.js';

export const SAMPLE_UPN = 'megan.bowen@contoso.com';

export function sampleRun(): RunReport {
  return {
    startedAt: new Date('2026-11-25T12:00:00Z'),
    durationMs: 1234.4,
    interrupted: false,
    checks: [
      {
        id: 'runtime',
        title: 'Node.js and operating system the doctor runs on',
        status: 'pass',
        summary: 'exo-doctor 0.1.0 on Node.js v20.20.2, Linux x64',
        evidence: [{ label: 'Node.js', value: 'v20.20.2' }],
        remediation: [],
        durationMs: 2.2,
      },
      {
        id: 'clock-skew',
        title: 'Local clock against Microsoft',
        status: 'warn',
        summary: 'The clock is 3 minutes behind login.microsoftonline.com.',
        evidence: [{ label: 'Offset', value: '-183 s' }],
        remediation: [fix({ summary: 'Synchronise the clock.', runBy: 'admin', commands: ['w32tm /resync'] })],
        durationMs: 40,
      },
      {
        id: 'exo-user-access',
        title: 'PowerShell access of the account',
        status: 'fail',
        summary: `EXOModuleEnabled is False for ${SAMPLE_UPN}.`,
        evidence: [
          { label: 'Account', value: SAMPLE_UPN, sensitive: true },
          { label: 'Token', value: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL291dGxvb2sifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ' },
        ],
        remediation: [
          fix({
            summary: 'Another admin turns PowerShell access back on; allow 15-20 minutes.',
            runBy: 'another-admin',
            commands: [`Set-User -Identity ${SAMPLE_UPN} -EXOModuleEnabled $true`],
            links: ['https://learn.microsoft.com/powershell/exchange/disable-access-to-exchange-online-powershell'],
          }),
        ],
        durationMs: 310.6,
      },
      {
        id: 'exo-roles',
        title: 'Exchange roles of the account',
        status: 'skip',
        summary: 'Not run: “PowerShell access of the account” failed.',
        evidence: [],
        remediation: [],
        blockedBy: 'exo-user-access',
        skipKind: 'blocked',
        durationMs: 0,
      },
      {
        id: 'proxy-health',
        title: 'Proxy answers',
        status: 'error',
        summary: 'Stopped after 15 s: still CONNECT through http://alice:hunter2secret@proxy.contoso.com:8080.',
        evidence: [],
        remediation: [fix({ summary: 'Run it again with more time.', runBy: 'admin', commands: ['exo-doctor --only proxy-health --timeout 30000'] })],
        detail: 'Error: boom\n    at probe (proxy.ts:1:1)',
        durationMs: 15000,
      },
    ],
  };
}
