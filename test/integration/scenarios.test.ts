// Every shipped scenario, diagnosed end to end as `exo-doctor demo --scenario X` runs it: the production
// registry, the real MSAL library, real HTTPS. Each scenario names the top finding it must produce.
import { describe, expect, it } from 'vitest';
import { registry } from '../../checks/index.js';
import { demoContext } from '../../src/demo.js';
import { normalizeOptions } from '../../src/options.js';
import { buildDocument } from '../../src/report/document.js';
import { Redactor } from '../../src/redact.js';
import { runChecks } from '../../src/runner.js';
import { builtInScenarioNames, loadScenario } from '../../src/sim/load.js';
import { startWorld } from '../../src/sim/world.js';
import { writesIn } from '../support/world.js';

const options = normalizeOptions({ environment: 'O365Default', timeout: 4000, failOn: 'fail' });

/**
 * Checks with nothing to look at in a healthy world: no proxy is configured. Every other check, the
 * PowerShell client ones included, reads the scenario's machine and must pass.
 */
const NOT_APPLICABLE = new Set(['proxy-health']);
/** The checks of a service the scenario does not diagnose (`signIn.service`, as demo runs it). */
const SERVICE_CHECKS = {
  exchange: ['exo-connection', 'exo-user-access', 'exo-roles', 'org-oauth2-client-profile'],
  compliance: ['compliance-client', 'compliance-token', 'compliance-connection'],
} as const;

async function diagnoseScenario(name: string, service?: 'all') {
  const scenario = await loadScenario(name, async () => undefined);
  const world = await startWorld(scenario);
  try {
    const run = await runChecks(registry, demoContext(world, service ? { ...options, service } : options, { environment: false, service: service !== undefined }), { timeoutMs: options.timeout });
    return { scenario, run, audit: [...world.audit] };
  } finally {
    await world.stop();
  }
}

describe('every built-in scenario produces its expected top finding', () => {
  it.concurrent.each(builtInScenarioNames())('%s', async (name) => {
    const { scenario, run, audit } = await diagnoseScenario(name);
    // The top finding as the report leads with it (one per root cause, worst first).
    const doc = buildDocument(run, { version: '0', os: 'linux', osRelease: '', arch: '', node: '', exchangeEnvironment: 'O365Default', failOn: 'fail', verbose: false }, new Redactor(true));
    const lead = doc.findings[0];
    const top = lead ? run.checks.find((c) => c.id === lead.checkId) : undefined;
    const expected = scenario.expect.topFinding;
    const table = run.checks.map((c) => `${c.status.padEnd(5)} ${c.id}: ${c.summary}`).join('\n');
    if (!expected) {
      expect(top, table).toBeUndefined();
      const service = scenario.signIn.service;
      const skipped = new Set([...NOT_APPLICABLE, ...(service === 'compliance' ? SERVICE_CHECKS.exchange : []), ...(service === 'exchange' ? SERVICE_CHECKS.compliance : [])]);
      for (const check of run.checks) {
        if (!skipped.has(check.id)) expect(`${check.id} ${check.status}`, table).toBe(`${check.id} pass`);
      }
      // An all-clear is an all-clear only when nothing was left unchecked.
      expect(doc.outcome.verdict, table).toBe('ok');
    } else {
      expect({ check: top?.id, status: top?.status }, table).toEqual({ check: expected.check, status: expected.status });
      expect(top?.summary, table).toContain(expected.says);
    }
    // The doctor only ever reads the tenant.
    expect(writesIn(audit)).toEqual([]);
    expect(run.checks.filter((c) => c.status === 'error').map((c) => `${c.id}: ${c.summary}`)).toEqual([]);
  }, 90_000);
});

describe('the healthy tenant with both services', () => {
  it('passes every check of Exchange Online and of Security & Compliance PowerShell (--service all)', async () => {
    const { run, audit } = await diagnoseScenario('healthy', 'all');
    const table = run.checks.map((c) => `${c.status.padEnd(5)} ${c.id}: ${c.summary}`).join('\n');
    for (const check of run.checks) if (!NOT_APPLICABLE.has(check.id)) expect(`${check.id} ${check.status}`, table).toBe(`${check.id} pass`);
    // The regional host the global one redirected to answered the cmdlet, with the same token.
    expect(run.checks.find((c) => c.id === 'compliance-connection')?.summary).toContain('nam02b.ps.compliance.protection.outlook.com');
    expect(audit.filter((r) => r.host === 'ps.compliance.protection.outlook.com' && r.method === 'POST').map((r) => r.status)).toEqual([302]);
    expect(writesIn(audit)).toEqual([]);
  }, 90_000);
});

