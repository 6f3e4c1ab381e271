// The HTML report (src/report/html.ts), drawn from the documents of real runs against the simulated
// tenant, then opened in real headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core):
// it must load nothing, raise no error, show every finding and command, copy commands, draw blocked
// checks as blocked, and stay readable in dark mode, in print and without JavaScript.
//
// Each page and a screenshot of it land in test-output/html/ for people to look at; nothing compares
// pixels. Without /usr/bin/chromium the browser tests skip with the reason, and under CI they run
// (and fail) instead: a silent skip would prove nothing.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTOR_LABEL } from '../../src/result.js';
import type { ReportDocument } from '../../src/report/document.js';
import { renderHtml } from '../../src/report/html.js';
import { reportOf } from '../support/report-docs.js';

/*
 * The browser globals that the functions run in the page use. The project type-checks without the DOM
 * library (tsconfig: ES2023), and adding it would reach every file: these declarations stay in this one.
 */
interface PageElement {
  readonly tagName: string;
  readonly className: string;
  readonly parentElement: PageElement | null;
  closest(selector: string): PageElement | null;
  checkVisibility(options?: { readonly opacityProperty?: boolean; readonly visibilityProperty?: boolean }): boolean;
}
interface PageText {
  readonly textContent: string | null;
  readonly parentElement: PageElement | null;
}
declare const document: { readonly body: PageElement; createTreeWalker(root: PageElement, show: number): { nextNode(): PageText | null } };
declare const NodeFilter: { readonly SHOW_TEXT: number };
declare function getComputedStyle(element: PageElement): { readonly color: string; readonly backgroundColor: string; readonly borderTopWidth: string };
declare const navigator: { readonly clipboard: { readText(): Promise<string> } };
declare const window: { getSelection(): { toString(): string } | null };

const CHROMIUM = '/usr/bin/chromium';
const CI = process.env['CI'] !== undefined;
const NO_BROWSER = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing (apt-get install chromium)`;
const SKIP_BROWSER = NO_BROWSER !== undefined && !CI;
if (SKIP_BROWSER) console.warn(`test/report/html: the browser tests skipped: ${NO_BROWSER}.`);

const OUTPUT = fileURLToPath(new URL('../../test-output/html/', import.meta.url));
const SCENARIOS = ['healthy', 'legacy-mfa-module', 'powershell-disabled', 'federated-idp-unreachable', 'throttled', 'app-only-no-role'] as const;
type Scenario = (typeof SCENARIOS)[number];
/** Every wait in a browser has a limit of its own, well under the test's. */
const WAIT = { timeout: 10_000 };

const docs = new Map<Scenario, ReportDocument>();
const doc = (name: Scenario) => docs.get(name) as ReportDocument;

beforeAll(async () => {
  const loaded = await Promise.all(SCENARIOS.map(async (name) => [name, await reportOf(name)] as const));
  for (const [name, report] of loaded) docs.set(name, report);
}, 120_000);

/** Text made to break out of the page: a script, an attribute and an element, and a link that runs code. */
const SCRIPT = '<script>window.__pwned = 1</script>';
const ATTRIBUTE = '"><img src=x onerror="window.__pwned = 2">';
const COMMAND = '</code></pre><script>window.__pwned = 3</script>';
const TITLE = '</title><script>window.__pwned = 4</script>';
const JAVASCRIPT_LINK = 'javascript:window.__pwned = 5';

/** A real document with hostile strings where a check's words would be. */
function hostile(base: ReportDocument): ReportDocument {
  const [first, ...rest] = base.findings;
  if (!first) throw new Error('the base document needs a finding');
  const finding = {
    ...first,
    title: TITLE,
    summary: SCRIPT,
    evidence: [{ label: `label ${ATTRIBUTE}`, value: ATTRIBUTE, sensitive: false }],
    remediation: [{ summary: `<b>${SCRIPT}</b>`, runBy: 'admin' as const, commands: [COMMAND], links: [JAVASCRIPT_LINK] }],
  };
  return {
    ...base,
    simulation: { scenario: TITLE, description: ATTRIBUTE },
    outcome: { ...base.outcome, primaryFinding: { checkId: first.checkId, summary: SCRIPT, remediation: null } },
    findings: [finding, ...rest],
    checks: base.checks.map((check) => (check.id === first.checkId ? { ...check, title: TITLE, summary: SCRIPT, evidence: finding.evidence } : check)),
  };
}

/** A real document as `--error` would complete it: one cause confirmed, one ruled out, one not checked. */
function withError(base: ReportDocument): ReportDocument {
  const cause = (title: string, verdict: 'confirmed' | 'ruled-out' | 'not-checked', by: string[]) =>
    ({ category: 'proxy', title, confidence: 'high', checks: ['exo-connection', 'proxy-config'], verdict, by }) as const;
  return {
    ...base,
    errorAnalysis: {
      recognised: true,
      signals: ['HTTP 403', 'AADSTS50076'],
      causes: [cause('The app holds no Entra role', 'confirmed', ['exo-connection']), cause('A proxy in the way', 'ruled-out', ['proxy-config']), cause('A sign-in policy', 'not-checked', [])],
    },
  };
}

const commandsOf = (report: ReportDocument) => report.findings.flatMap((f) => f.remediation.flatMap((r) => r.commands));

describe('renderHtml', () => {
  it('is one page that names nothing to load: no src, no stylesheet, no url(), only its own links', () => {
    const report = doc('legacy-mfa-module');
    const page = renderHtml(report);
    expect(page.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(page).toMatch(/<title>exo-doctor report: 2 problems found \(simulated: legacy-mfa-module\)<\/title>/);
    expect(page).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;sha256-/);
    expect(page).not.toMatch(/\ssrc=/i);
    expect(page).not.toMatch(/url\(|@import|<link rel="stylesheet"|<iframe|<object|<embed/i);
    const links = new Set(report.checks.flatMap((c) => c.remediation.flatMap((r) => r.links)));
    const hrefs = [...page.matchAll(/href="([^"]*)"/g)].map((m) => m[1] as string);
    expect(hrefs.filter((href) => !href.startsWith('#') && href !== 'data:,' && !links.has(href))).toEqual([]);
  });

  it('allows its own style and script by hash, and nothing else', () => {
    const page = renderHtml(doc('healthy'));
    const hash = (text: string) => `&#39;sha256-${createHash('sha256').update(text).digest('base64')}&#39;`;
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)?.[1] ?? '';
    const script = /<script>([\s\S]*?)<\/script>/.exec(page)?.[1] ?? '';
    expect(page).toContain(`style-src ${hash(style)}; script-src ${hash(script)};`);
    expect(page.match(/<script>/g)).toHaveLength(1);
    expect(page.match(/<style>/g)).toHaveLength(1);
  });

  it('shows markup in the document as text, and never links anything but http(s)', () => {
    const page = renderHtml(hostile(doc('powershell-disabled')));
    for (const text of [SCRIPT, ATTRIBUTE, COMMAND, TITLE]) expect(page).not.toContain(text);
    expect(page.match(/<script>/g)).toHaveLength(1);
    expect(page).not.toMatch(/<img/i);
    expect(page).toContain('&lt;script&gt;window.__pwned = 1&lt;/script&gt;');
    expect(page).toContain('&quot;&gt;&lt;img src=x onerror=&quot;window.__pwned = 2&quot;&gt;');
    expect(page).not.toContain('href="javascript:');
    expect(page).toContain(`<li>${JAVASCRIPT_LINK}</li>`);
  });

  it('lists the findings worst first, each command in its own code block with a copy button', () => {
    const report = doc('legacy-mfa-module');
    const page = renderHtml(report);
    const positions = report.findings.map((f) => page.indexOf(`id="finding-${f.checkId}"`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
    for (const command of commandsOf(report)) expect(page).toMatch(new RegExp(`<pre><code id="cmd-\\d+">${escape(command).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</code></pre><button type="button" class="copy"`));
  });

  it('says who runs each step in words', () => {
    const report = doc('federated-idp-unreachable');
    const page = renderHtml(report);
    const actors = new Set(report.findings.flatMap((f) => f.remediation.map((r) => r.runBy)));
    expect(actors.size).toBeGreaterThan(1);
    for (const actor of actors) expect(page).toContain(`Run by ${ACTOR_LABEL[actor]}</span>`);
  });

  it('says the verdict in its heading, in words, for every outcome', () => {
    const base = doc('healthy');
    const h1 = (outcome: Partial<ReportDocument['outcome']>) => /<h1>.*?<\/span>(.*?)<\/h1>/.exec(renderHtml({ ...base, outcome: { ...base.outcome, ...outcome } }))?.[1];
    expect(h1({})).toBe('No problems found');
    expect(h1({ leftOut: 2 })).toBe('No problems found in what ran');
    expect(h1({ verdict: 'incomplete', exitCode: 3, unchecked: 1 })).toBe('Incomplete: 1 check could not run');
    expect(h1({ verdict: 'interrupted', exitCode: 130, interrupted: true })).toBe('Interrupted: the report shows what finished');
  });

  it('holds the pasted error against the checks: each cause confirmed, ruled out or not checked, in words', () => {
    const page = renderHtml(withError(doc('app-only-no-role')));
    const section = page.slice(page.indexOf('<section id="your-error"'), page.indexOf('<section id="checks"'));
    expect(section).toContain('<code>HTTP 403</code> · <code>AADSTS50076</code>');
    expect(section).toMatch(/✖ <\/span>confirmed<\/strong>: The app holds no Entra role .*confirmed by exo-connection/);
    expect(section).toMatch(/✔ <\/span>ruled out<\/strong>: A proxy in the way .*ruled out: passed proxy-config/);
    expect(section).toMatch(/○ <\/span>not checked<\/strong>: A sign-in policy .*the checks that would tell \(exo-connection, proxy-config\) did not run/);
    expect(page).toContain('<li><a href="#your-error">Your error</a></li>');
  });

  it('is the same page for the same document', () => {
    expect(renderHtml(doc('throttled'))).toBe(renderHtml(doc('throttled')));
  });
});

/** What a page did while it was open: console errors, uncaught errors, every request. */
interface Opened {
  readonly page: Page;
  readonly url: string;
  readonly errors: string[];
  readonly requests: string[];
}

/** Contrast ratios under WCAG AA (4.5:1) of every visible piece of text, measured against what it is drawn on. */
function lowContrast(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    type Rgba = { r: number; g: number; b: number; a: number };
    const parse = (css: string): Rgba | undefined => {
      const m = /rgba?\(([^)]+)\)/.exec(css);
      if (!m?.[1]) return undefined;
      const [r = 0, g = 0, b = 0, a = 1] = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
      return { r, g, b, a };
    };
    const channel = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    const luminance = (c: Rgba) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
    const background = (el: PageElement | null): Rgba => {
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c && c.a > 0) return c;
      }
      return { r: 255, g: 255, b: 255, a: 1 };
    };
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const seen = new Set<PageElement>();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || seen.has(el) || !node.textContent?.trim() || el.closest('svg') || !el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
      seen.add(el);
      const bg = background(el);
      const fg = parse(getComputedStyle(el).color) ?? { r: 0, g: 0, b: 0, a: 1 };
      // A translucent colour is what it shows over its background.
      const shown = { r: fg.r * fg.a + bg.r * (1 - fg.a), g: fg.g * fg.a + bg.g * (1 - fg.a), b: fg.b * fg.a + bg.b * (1 - fg.a), a: 1 };
      const [hi, lo] = [luminance(shown), luminance(bg)].sort((x, y) => y - x) as [number, number];
      const ratio = (hi + 0.05) / (lo + 0.05);
      if (ratio < 4.5) out.push(`${ratio.toFixed(2)}:1 ${el.tagName.toLowerCase()}.${el.className} "${node.textContent.trim().slice(0, 40)}"`);
    }
    return out;
  });
}

describe.skipIf(SKIP_BROWSER)('the HTML report in Chromium', { timeout: 60_000 }, () => {
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    if (NO_BROWSER) throw new Error(`The HTML report cannot be tested in a browser: ${NO_BROWSER}.`);
    mkdirSync(OUTPUT, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], timeout: 30_000 });
    context = await browser.newContext({ viewport: { width: 1200, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  /** Writes the page to test-output/html/ and opens it from there, as a user would. */
  async function open(name: string, report: ReportDocument, on: BrowserContext = context): Promise<Opened> {
    const file = join(OUTPUT, `${name}.html`);
    writeFileSync(file, renderHtml(report));
    const page = await on.newPage();
    page.setDefaultTimeout(WAIT.timeout);
    const opened: Opened = { page, url: pathToFileURL(file).href, errors: [], requests: [] };
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') opened.errors.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => opened.errors.push(`page error: ${error.message}`));
    page.on('request', (request) => opened.requests.push(request.url()));
    await page.goto(opened.url, { waitUntil: 'load', ...WAIT });
    return opened;
  }

  it.each(SCENARIOS)('%s: loads nothing, raises nothing, and shows every finding and command', async (name) => {
    const report = doc(name);
    const { page, url, errors, requests } = await open(name, report);
    try {
      const text = (selector: string) => page.locator(selector).allTextContents();
      for (const finding of report.findings) {
        expect(await page.locator(`#finding-${finding.checkId} .summary`).textContent()).toBe(finding.summary);
      }
      const codes = await text('#findings pre > code');
      for (const command of commandsOf(report)) expect(codes).toContain(command);
      // Each command has a copy button of its own, named for it.
      const buttons = page.locator('#findings button.copy');
      expect(await buttons.count()).toBe(commandsOf(report).length);
      if (commandsOf(report)[0]) expect(await buttons.first().getAttribute('aria-label')).toBe(`Copy the command: ${commandsOf(report)[0]}`);
      // Status in words, beside the symbol, for every check: in the chain and in the table.
      const statuses = await text('.status');
      expect(statuses.length).toBeGreaterThanOrEqual(report.checks.length * 2);
      for (const status of statuses) expect(status).toMatch(/^(✔ pass|⚠ warn|✖ fail|! error|○ skip)$/);
      for (const check of report.checks) {
        expect(await page.locator(`#chain-${check.id} .status`).textContent()).toBe(await page.locator(`#check-${check.id} .status`).textContent());
      }
      expect(await page.locator('h1').textContent()).toMatch(report.outcome.verdict === 'ok' ? /No problems found$/ : /\d+ problems? found$/);
      await page.screenshot({ path: join(OUTPUT, `${name}.png`), fullPage: true, ...WAIT });
      // What a reader sees first (the verdict and the chain): the README shows the seed's one.
      await page.screenshot({ path: join(OUTPUT, `${name}-first-screen.png`), ...WAIT });
      expect(errors).toEqual([]);
      expect(requests).toEqual([url]);
    } finally {
      await page.close();
    }
  });

  it('has one h1, headings in order, the landmarks, a title and a language', async () => {
    const { page, errors } = await open('structure', withError(doc('app-only-no-role')));
    try {
      const levels = await page.locator('h1, h2, h3, h4, h5, h6').evaluateAll((els) => els.map((el) => Number(el.tagName[1])));
      expect(levels[0]).toBe(1);
      expect(levels.filter((level) => level === 1)).toHaveLength(1);
      for (let i = 1; i < levels.length; i++) expect((levels[i] as number) - (levels[i - 1] as number)).toBeLessThanOrEqual(1);
      for (const role of ['banner', 'navigation', 'main', 'contentinfo'] as const) expect(await page.getByRole(role).count()).toBe(1);
      for (const name of ['The diagnosis, layer by layer', 'Findings, worst first', 'Not checked: causes not ruled out', 'Your error', 'Every check', 'Environment']) {
        expect(await page.getByRole('region', { name }).count()).toBe(1);
      }
      expect(await page.title()).toBe('exo-doctor report: 1 problem found (simulated: app-only-no-role)');
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('copies a command to the clipboard with its copy button, and says so', async () => {
    const report = doc('legacy-mfa-module');
    const { page, errors } = await open('copy', report);
    try {
      const command = commandsOf(report)[2] as string;
      await page.getByRole('button', { name: `Copy the command: ${command}` }).first().click(WAIT);
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(command);
      expect(await page.locator('#copy-status').textContent()).toBe('Copied');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('selects the command when the clipboard is refused', async () => {
    const report = doc('legacy-mfa-module');
    const refused = await browser.newContext();
    await refused.addInitScript(() => {
      Object.defineProperty(navigator, 'clipboard', { value: { writeText: () => Promise.reject(new Error('refused')) } });
    });
    try {
      const { page } = await open('copy-refused', report, refused);
      const command = commandsOf(report)[0] as string;
      await page.locator('#findings button.copy').first().click(WAIT);
      await page.waitForFunction((expected) => window.getSelection()?.toString() === expected, command, WAIT);
      expect(await page.locator('#copy-status').textContent()).toMatch(/^(Copied|Selected: press Ctrl\+C)$/);
    } finally {
      await refused.close();
    }
  });

  it('draws each blocked check as blocked by the check that failed, and marks the first broken layer', async () => {
    const report = doc('federated-idp-unreachable');
    const blocked = report.checks.filter((c) => c.skipKind === 'blocked');
    expect(blocked.length).toBeGreaterThan(0);
    const { page } = await open('blocked', report);
    try {
      for (const check of blocked) {
        const marker = page.locator(`#chain-${check.id} .blocked-by`);
        expect(await marker.isVisible()).toBe(true);
        expect(await marker.textContent()).toBe(`blocked by ${check.blockedBy}`);
        expect(await marker.locator('svg.arrow').count()).toBe(1);
        expect(await marker.locator('a').getAttribute('href')).toBe(`#chain-${check.blockedBy}`);
        expect(await page.locator(`#chain-${check.blockedBy}`).count()).toBe(1);
      }
      const blockers = new Set(blocked.map((c) => c.blockedBy as string));
      for (const id of blockers) {
        const count = blocked.filter((c) => c.blockedBy === id).length;
        expect(await page.locator(`#chain-${id} .blocks`).textContent()).toBe(`blocks ${count} ${count === 1 ? 'check' : 'checks'}`);
      }
      // The federation failure is the first broken layer: the tenant, drawn heavier than the rest.
      expect(await page.locator('.layer.first-broken').evaluateAll((els) => els.map((el) => el.id))).toEqual(['layer-tenant']);
      expect(await page.locator('.layer.first-broken .breaks').textContent()).toContain('The chain breaks here.');
      const border = (selector: string) => page.locator(`${selector} .box`).evaluate((el) => parseFloat(getComputedStyle(el).borderTopWidth));
      expect(await border('#layer-tenant')).toBeGreaterThan(await border('#layer-machine'));
    } finally {
      await page.close();
    }
  });

  it('turns dark with the system, and keeps every text readable in both schemes', async () => {
    // The pasted error's section too, for the colours of its verdicts.
    const { page } = await open('schemes', withError(doc('federated-idp-unreachable')));
    try {
      await page.locator('details').evaluateAll((els) => els.forEach((el) => el.setAttribute('open', '')));
      const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      await page.emulateMedia({ colorScheme: 'light' });
      const light = await background();
      expect(await lowContrast(page)).toEqual([]);
      await page.emulateMedia({ colorScheme: 'dark' });
      const dark = await background();
      expect(dark).not.toBe(light);
      expect(light).toBe('rgb(255, 255, 255)');
      expect(await lowContrast(page)).toEqual([]);
      await page.locator('details').evaluateAll((els) => els.forEach((el) => el.removeAttribute('open')));
      await page.screenshot({ path: join(OUTPUT, 'federated-idp-unreachable-dark.png'), fullPage: true, ...WAIT });
    } finally {
      await page.close();
    }
  });

  it('prints on white with every detail open and no buttons, even from dark mode', async () => {
    const { page } = await open('print', doc('legacy-mfa-module'));
    try {
      expect(await page.locator('button.copy').first().isVisible()).toBe(true);
      await page.emulateMedia({ media: 'print', colorScheme: 'dark' });
      const visible = (selector: string) => page.locator(selector).evaluateAll((els) => els.filter((el) => el.checkVisibility()).length);
      expect(await visible('button')).toBe(0);
      expect(await visible('nav')).toBe(0);
      // Closed details hold the evidence of every check: in print it shows.
      expect(await page.locator('details:not([open])').count()).toBeGreaterThan(0);
      expect(await visible('details:not([open]) .evidence')).toBe(await page.locator('details .evidence').count());
      const backgrounds = await page.locator('body, header, .box, .card, .chip, pre').evaluateAll((els) => [...new Set(els.map((el) => getComputedStyle(el).backgroundColor))]);
      for (const colour of backgrounds) expect(['rgb(255, 255, 255)', 'rgba(0, 0, 0, 0)']).toContain(colour);
      expect(await lowContrast(page)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('reads the same without JavaScript, with no copy buttons that would do nothing', async () => {
    const report = doc('powershell-disabled');
    const off = await browser.newContext({ javaScriptEnabled: false });
    try {
      const { page, errors, requests, url } = await open('no-script', report, off);
      expect(await page.locator('button').evaluateAll((els) => els.filter((el) => el.checkVisibility()).length)).toBe(0);
      expect(await page.locator('#findings pre > code').allTextContents()).toEqual(commandsOf(report));
      expect(await page.locator(`#finding-${report.findings[0]?.checkId} .summary`).isVisible()).toBe(true);
      expect(errors).toEqual([]);
      expect(requests).toEqual([url]);
    } finally {
      await off.close();
    }
  });

  it('shows a script, an attribute and an element in the document as text, and runs none of them', async () => {
    const report = hostile(doc('powershell-disabled'));
    const { page, errors, requests, url } = await open('hostile', report);
    try {
      const id = report.findings[0]?.checkId as string;
      expect(await page.locator(`#finding-${id} .summary`).textContent()).toBe(SCRIPT);
      expect(await page.locator(`#finding-${id} .evidence dd`).first().textContent()).toBe(ATTRIBUTE);
      expect(await page.locator(`#finding-${id} pre > code`).first().textContent()).toBe(COMMAND);
      expect(await page.title()).toContain(TITLE);
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.locator('script').count()).toBe(1);
      expect(await page.locator(`#finding-${id} .links a`).count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(errors).toEqual([]);
      expect(requests).toEqual([url]);
    } finally {
      await page.close();
    }
  });
});
