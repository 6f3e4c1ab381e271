/**
 * Proxy auto-config (PAC) files: fetched like Windows fetches them (a file, or HTTP without a proxy)
 * and evaluated with pac-resolver on QuickJS, the PAC engine of the proxy-agent family. Loaded only when
 * a PAC is configured: the QuickJS start costs about 300 ms.
 *
 * A missing file, an unreachable URL and a syntax error are told apart: proxy-agent itself reports a
 * missing file as ENOTFOUND, which reads like DNS (docs/network-and-proxies.md#pac-files).
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Context } from '../context.js';
import { loadUndici } from './undici.js';

type PacProblem = 'missing-file' | 'unreachable' | 'http-error' | 'syntax-error';

export type PacLoad =
  | { readonly ok: true; readonly url: string; readonly bytes: number; find(url: string): Promise<string> }
  | { readonly ok: false; readonly url: string; readonly problem: PacProblem; readonly detail: string };

/** One entry of a PAC answer. */
export type PacHop =
  | { readonly kind: 'direct' }
  | { readonly kind: 'proxy'; readonly scheme: 'http' | 'https' | 'socks'; readonly host: string; readonly port: number };

export interface PacOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

async function fetchPac(ctx: Context, url: string, options: PacOptions): Promise<{ text: string } | { problem: PacProblem; detail: string }> {
  if (/^file:/i.test(url) || /^[a-z]:[\\/]|^\//i.test(url)) {
    const path = /^file:/i.test(url) ? fileURLToPath(url) : url;
    const text = await ctx.readFile(path).catch((err: unknown) => err);
    if (typeof text === 'string') return { text };
    return { problem: 'missing-file', detail: text === undefined ? `${path} does not exist` : `${path} cannot be read (${String((text as Error).message)})` };
  }
  const { request } = await loadUndici();
  // Windows fetches the PAC file itself without a proxy; so does the doctor.
  const dispatcher = await ctx.dispatcher({ timeoutMs: options.timeoutMs });
  try {
    const res = await request(url, { dispatcher, ...(options.signal ? { signal: options.signal } : {}), headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs });
    const text = await res.body.text();
    if (res.statusCode !== 200) return { problem: 'http-error', detail: `${url} answered HTTP ${res.statusCode}` };
    return { text };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    return { problem: 'unreachable', detail: `${url} could not be fetched (${e.code ?? 'error'}: ${e.message ?? String(err)})` };
  } finally {
    // close(), not destroy(): the request is over, and test dispatchers implement only close().
    await Promise.resolve()
      .then(() => dispatcher.close())
      .catch(() => undefined);
  }
}

/**
 * QuickJS's WebAssembly when the doctor runs as a single executable (`npm run package`): there is no
 * package folder to read quickjs.wasm from, so the executable carries it as the asset `quickjs.wasm`.
 * Undefined otherwise, and QuickJS reads its own file as usual.
 */
function singleExecutableQuickjsWasm(): ArrayBuffer | undefined {
  // node:sea is built in (Node 20.12+); the executable's CommonJS bundle defines import.meta.url too.
  const sea = createRequire(import.meta.url)('node:sea') as typeof import('node:sea');
  return sea.isSea() ? sea.getAsset('quickjs.wasm') : undefined;
}

/** Fetches and compiles a PAC file. */
export async function loadPac(ctx: Context, url: string, options: PacOptions): Promise<PacLoad> {
  const fetched = await fetchPac(ctx, url, options);
  if ('problem' in fetched) return { ok: false, url, ...fetched };
  if (!/FindProxyForURL/.test(fetched.text)) {
    return { ok: false, url, problem: 'syntax-error', detail: `${url} defines no FindProxyForURL function (is it a PAC file?)` };
  }
  const [{ createPacResolver }, { QuickJS }] = await Promise.all([import('pac-resolver'), import('quickjs-wasi')]);
  // The PAC built-ins that resolve names go through the context, like everything else.
  const firstAddress = async (host: string): Promise<string | null> => {
    try {
      return (await ctx.resolve(host, 80))[0]?.address ?? null;
    } catch {
      return null;
    }
  };
  try {
    const wasm = singleExecutableQuickjsWasm();
    const find = createPacResolver(await QuickJS.create(wasm ? { wasm } : undefined), fetched.text, {
      sandbox: {
        alert: () => undefined,
        dnsResolve: firstAddress,
        isResolvable: async (host: string) => (await firstAddress(host)) !== null,
      },
    });
    // Compilation is lazy in places; one call surfaces a syntax error now rather than per endpoint.
    await find('https://login.microsoftonline.com/');
    return { ok: true, url, bytes: fetched.text.length, find: (target: string) => find(target) };
  } catch (err) {
    return { ok: false, url, problem: 'syntax-error', detail: `${url}: ${(err as Error).message ?? String(err)}` };
  }
}

/** `PROXY a:1; PROXY b:2; DIRECT` → hops in order; unknown entries are skipped. */
export function parsePacAnswer(answer: string): PacHop[] {
  const hops: PacHop[] = [];
  for (const entry of answer.split(';').map((e) => e.trim()).filter(Boolean)) {
    const [keyword, address] = entry.split(/\s+/) as [string, string | undefined];
    const kind = keyword.toUpperCase();
    if (kind === 'DIRECT') {
      hops.push({ kind: 'direct' });
      continue;
    }
    const scheme = kind === 'PROXY' || kind === 'HTTP' ? 'http' : kind === 'HTTPS' ? 'https' : kind.startsWith('SOCKS') ? 'socks' : undefined;
    const match = address && /^\[?([^\]]+?)\]?:(\d+)$/.exec(address);
    if (scheme && match) hops.push({ kind: 'proxy', scheme, host: match[1] as string, port: Number(match[2]) });
  }
  return hops;
}
