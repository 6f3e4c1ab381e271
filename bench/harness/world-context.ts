// A doctor context in a world served by another process (bench/harness/world-server.ts), configured as
// src/demo.ts demoContext configures the scenario's admin (device code, or the app's certificate or
// secret), without the simulated browser (`--sign-in browser` only).
import { readFileSync } from 'node:fs';
import type { Context } from '../../src/context.js';
import { createContext } from '../../src/context.js';
import { machineMembers } from '../../src/sim/machine.js';
import type { Scenario } from '../../src/sim/scenario.js';
import type { Service } from '../../src/services.js';

export interface WorldInfo {
  readonly ca: string;
  readonly routes: Record<string, { address: string; port: number } | null>;
  readonly scenario: Scenario;
  readonly credentials: Record<string, { certificate?: string; secret?: string }>;
}

/** The world-server's first line, saved to a file by the benchmark. */
export function readWorld(path: string): WorldInfo {
  return JSON.parse(readFileSync(path, 'utf8')) as WorldInfo;
}

export function worldContext(world: WorldInfo, timeoutMs: number, services: readonly Service[] = ['exchange']): Context {
  const scenario = world.scenario;
  const signIn = scenario.signIn;
  const certificateFile = `/simulated/${signIn.appId ?? 'app'}.pem`;
  const made = signIn.appId ? world.credentials[signIn.appId] : undefined;
  const appOnly =
    signIn.appId && (signIn.mode === 'certificate' || signIn.mode === 'secret')
      ? signIn.mode === 'certificate'
        ? { appId: signIn.appId, certificateFile }
        : { appId: signIn.appId, ...(made?.secret ? { clientSecret: made.secret } : {}) }
      : {};
  return createContext({
    config: {
      ...(signIn.upn && !('appId' in appOnly) ? { upn: signIn.upn } : {}),
      ...(signIn.upn && !('appId' in appOnly) ? {} : { tenant: scenario.tenant.domains[0] as string }),
      environment: signIn.environment,
      services,
      invocation: `exo-doctor demo --scenario ${scenario.name}`,
      timeoutMs,
      verbose: false,
      showSensitive: false,
      signIn: 'device-code',
      signInCompletedBy: 'simulation',
      ...appOnly,
    },
    world: {
      ...machineMembers(scenario.machine),
      files: made?.certificate ? { [certificateFile]: made.certificate } : {},
      trustedCAs: async () => [world.ca],
      resolve: async (host, port) => {
        const target = world.routes[host.toLowerCase().replace(/\.$/, '')];
        if (!target) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
        return [{ ...target, family: 4 as const, port: target.port ?? port }];
      },
    },
  });
}
