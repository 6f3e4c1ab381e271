/**
 * The admin's browser, simulated: what `xdg-open` (or `open`, or `rundll32 url.dll`) would start when
 * MSAL opens the sign-in page. It loads the page from the world, where the scenario's user signs in at
 * once, and delivers Entra's answer to MSAL's loopback listener: a redirect, or the self-posting form
 * Entra sends for `response_mode=form_post`. The demo's machine has it, so `--sign-in browser` works there;
 * every other program is the machine's own (`otherPrograms`).
 */
import type { Context, ExecResult } from '../context.js';
import { loadUndici } from '../net/undici.js';

const OPENERS = new Set(['xdg-open', 'open', 'rundll32']);

export function simulatedBrowser(world: () => Context, otherPrograms?: Context['exec']): Context['exec'] {
  return async (command, args, options): Promise<ExecResult> => {
    if (!OPENERS.has(command)) return otherPrograms ? otherPrograms(command, args, options) : { kind: 'not-found', command };
    const url = args[args.length - 1] as string;
    const { request } = await loadUndici();
    const dispatcher = await world().dispatcher({ timeoutMs: 10_000 });
    try {
      const page = await request(url, { dispatcher });
      const html = await page.body.text();
      if (page.statusCode === 302 && page.headers['location']) {
        await (await request(String(page.headers['location']))).body.text();
      } else {
        const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
        if (!action) return { kind: 'exited', exitCode: 1, stdout: '', stderr: `the sign-in page answered ${page.statusCode} without a form` };
        const fields = [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map(([, name, value]): [string, string] => [unescape(name as string), unescape(value as string)]);
        const back = await request(unescape(action), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
        await back.body.text();
      }
      return { kind: 'exited', exitCode: 0, stdout: '', stderr: '' };
    } catch (err) {
      return { kind: 'failed', message: (err as Error).message };
    } finally {
      await dispatcher.destroy().catch(() => undefined);
    }
  };
}

function unescape(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
