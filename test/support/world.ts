/** Helpers for tests that run real clients (MSAL, undici) against the simulated world. */
import { ConfidentialClientApplication, PublicClientApplication } from '@azure/msal-node';
import { request } from 'undici';
import { DoctorNetworkClient } from '../../src/auth/network-client.js';
import type { AuditRecord, World } from '../../src/sim/world.js';
import { startWorld } from '../../src/sim/world.js';
import { loadScenario } from '../../src/sim/load.js';
import { parseScenario, type Scenario } from '../../src/sim/scenario.js';
import { fakeConfig } from './fake-context.js';

export const EXO_CLIENT = 'fb78d390-0c51-40cd-8e17-fdbfab77341b';
export const GRAPH_CLIENT = '14d82eec-204b-4c2f-b7e8-296a70dab67e';
export const EXO_SCOPE = 'https://outlook.office365.com/.default';

/** A built-in scenario, with some fields replaced (objects merge, lists replace). */
export async function scenario(name: string, changes: Record<string, unknown> = {}): Promise<Scenario> {
  if (Object.keys(changes).length === 0) return loadScenario(name, async () => undefined);
  const base = await loadScenario(name, async () => undefined);
  const { source: _source, ...raw } = base;
  return parseScenario(merge(raw, changes), `${name} (changed in a test)`);
}

function merge(base: unknown, override: unknown): unknown {
  if (typeof base !== 'object' || base === null || Array.isArray(base) || typeof override !== 'object' || override === null || Array.isArray(override)) {
    return override;
  }
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(override)) out[k] = merge((base as Record<string, unknown>)[k], v);
  return out;
}

export async function world(name: string, changes: Record<string, unknown> = {}): Promise<World> {
  return startWorld(await scenario(name, changes));
}

export function networkClient(w: World, timeoutMs = 5000): DoctorNetworkClient {
  const ctx = w.context(fakeConfig());
  return new DoctorNetworkClient(ctx, { timeoutMs });
}

export function publicClient(w: World, options: { clientId?: string; tenant?: string; loginHost?: string } = {}) {
  const net = networkClient(w);
  const app = new PublicClientApplication({
    auth: {
      clientId: options.clientId ?? EXO_CLIENT,
      authority: `https://${options.loginHost ?? 'login.microsoftonline.com'}/${options.tenant ?? w.tenant.id}`,
    },
    system: { networkClient: net },
  });
  return { app, net };
}

export function confidentialClient(w: World, appId: string, credential: 'certificate' | 'secret', overrides: { secret?: string } = {}) {
  const creds = w.credentials(appId);
  const net = networkClient(w);
  const auth =
    credential === 'secret'
      ? { clientSecret: overrides.secret ?? (creds?.secret as string) }
      : {
          clientCertificate: {
            thumbprintSha256: creds?.certificate?.sha256Thumbprint as string,
            privateKey: creds?.certificate?.keyPem as string,
          },
        };
  const app = new ConfidentialClientApplication({
    auth: { clientId: appId, authority: `https://login.microsoftonline.com/${w.tenant.id}`, ...auth },
    system: { networkClient: net },
  });
  return { app, net };
}

export async function deviceCodeToken(w: World, scopes: string[] = [EXO_SCOPE], clientId = EXO_CLIENT) {
  const { app, net } = publicClient(w, { clientId });
  const messages: string[] = [];
  const result = await app.acquireTokenByDeviceCode({ scopes, deviceCodeCallback: (r) => void messages.push(r.message) });
  return { result, messages, net };
}

/** A raw HTTPS call in the world, through the doctor's own dispatcher. */
export async function call(
  w: World,
  method: 'GET' | 'POST',
  url: string,
  options: { headers?: Record<string, string>; body?: string; timeoutMs?: number } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string; json: unknown }> {
  const ctx = w.context(fakeConfig());
  const dispatcher = await ctx.dispatcher({ timeoutMs: options.timeoutMs ?? 5000 });
  try {
    const res = await request(url, { method, dispatcher, ...(options.headers ? { headers: options.headers } : {}), ...(options.body ? { body: options.body } : {}) });
    const text = await res.body.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, headers: res.headers, text, json };
  } finally {
    await dispatcher.destroy().catch(() => undefined);
  }
}

/** Everything the doctor may do to a tenant: GET, form POSTs to the token service, Get-* cmdlets. */
export function writesIn(audit: readonly AuditRecord[]): AuditRecord[] {
  return audit.filter(
    (r) =>
      !['GET', 'POST'].includes(r.method) ||
      (r.method === 'POST' && r.cmdlet !== undefined && !/^Get-/i.test(r.cmdlet)) ||
      (r.method === 'POST' && r.cmdlet === undefined && !/\/oauth2\/|\/InvokeCommand$/i.test(r.path)),
  );
}

/** Decodes a JWT's payload, for assertions. */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8')) as Record<string, unknown>;
}

