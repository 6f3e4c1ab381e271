/** Running the network checks in a world, on a simulated admin machine. */
import { clockSkew } from '../../checks/clock-skew.js';
import { endpoints } from '../../checks/endpoints.js';
import { proxyConfig } from '../../checks/proxy-config.js';
import { proxyHealth } from '../../checks/proxy-health.js';
import { tlsInspection } from '../../checks/tls-inspection.js';
import type { Config, Context, ExecResult, WorldOverrides } from '../../src/context.js';
import { type CheckReport, runChecks } from '../../src/runner.js';
import type { World } from '../../src/sim/world.js';
import { fakeConfig } from './fake-context.js';

const NETWORK_CHECKS = [proxyConfig, proxyHealth, endpoints, tlsInspection, clockSkew];

/** The network checks' reports by id. */
export async function runNetworkChecks(
  w: World,
  options: { config?: Partial<Config>; machine?: Pick<WorldOverrides, 'env' | 'platform' | 'exec'> } = {},
): Promise<Record<string, CheckReport> & { durationMs: number }> {
  const ctx: Context = w.context(fakeConfig({ timeoutMs: 3000, ...options.config }), () => undefined, options.machine);
  const run = await runChecks(NETWORK_CHECKS, ctx, { timeoutMs: ctx.config.timeoutMs });
  return Object.assign(Object.fromEntries(run.checks.map((c) => [c.id, c])), { durationMs: run.durationMs });
}

/** A machine's programs from recorded outputs: `reg query …` keyed by its first two arguments' key path. */
export function recordedPrograms(outputs: Record<string, string>): WorldOverrides['exec'] {
  return async (command, args): Promise<ExecResult> => {
    const key = [command, ...args].join(' ');
    const match = Object.keys(outputs).find((k) => key.startsWith(k));
    return match === undefined ? { kind: 'exited', exitCode: 1, stdout: '', stderr: 'ERROR: The system was unable to find the specified registry key or value.\r\n' } : { kind: 'exited', exitCode: 0, stdout: outputs[match] as string, stderr: '' };
  };
}

/** `reg query` output of the current user's Internet Settings, in reg.exe's layout. */
export function internetSettings(values: Record<string, [type: string, data: string]>): string {
  const lines = Object.entries(values).map(([name, [type, data]]) => `    ${name}    ${type}    ${data}`);
  return `\r\nHKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\r\n${lines.join('\r\n')}\r\n\r\n`;
}
