/**
 * The browser tests' harness: Debian's Chromium (driven by playwright-core; no browser download)
 * against a real stack on the development secret, as `npm start` runs it. Each browser test file
 * starts its own stack and browser with `startBrowser()`; the web app itself is built once for the
 * run (test/global-setup.ts). Every screenshot (test-artifacts/web/, git-ignored) is checked by
 * axe-core first: a serious or critical violation fails the test, naming the rule and the elements.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';
import { startStack, type Stack } from './stack.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.resolve('test-artifacts', 'web');
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** axe-core's source, evaluated in the page as it stands (evaluation is not subject to the app's CSP). */
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface Person {
  user: string;
  name: string;
  /** Comma-separated, as the sign-in form takes them. */
  roles: string;
  department?: string;
  organisation?: string;
}

export interface Browser {
  stack: Stack;
  /** The page the methods drive: the context's first, or one a test opened and set here. */
  page: Page;
  context: BrowserContext;
  /** Errors the page threw or logged (refusals the pages show, 401/403/404/409, are not errors). */
  pageErrors: string[];
  /** A screenshot of the page as it stands, which axe-core checks first. */
  shot(name: string, width?: number): Promise<void>;
  /** Loads `at` afresh (tokens live in memory: a load signs out) and signs in with the development form. */
  signIn(at: string, who: Person): Promise<void>;
  /** Switches the page's language with the language control in the header. */
  setLanguage(lang: 'en' | 'zh-CN'): Promise<void>;
  /** A development token for checking outcomes through the API. */
  token(who: { sub: string; name: string; roles: string[]; dept?: string; org?: string }): Promise<string>;
  /** An API call with a token: its status and JSON body. */
  api(method: string, at: string, token: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/** The serious and critical accessibility violations axe-core finds on the page, one line each. */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[] }> } })
      .axe;
    const r = await axe.run();
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.targets.join(', ')}`);
}

/** A real stack (its options as startStack's) and Chromium on it, in the en-GB locale and Shanghai's time zone. */
export async function startBrowser(stackOptions: Parameters<typeof startStack>[2] = {}, env: Parameters<typeof startStack>[1] = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: run 'npm run setup:tools' as root (it runs apt-get install chromium), or 'sudo apt-get install chromium', or set CHROMIUM_PATH`,
    );
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  const stack = await startStack(inject('databaseUrl'), env, { developmentAuth: true, ...stackOptions });
  const profile = mkdtempSync(path.join(tmpdir(), 'onestop-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
    locale: 'en-GB',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of (400|401|403|404|409|413|415|422)/.test(m.text())) pageErrors.push(m.text());
  });

  const token: Browser['token'] = async (who) => {
    const r = await fetch(`${stack.baseUrl}/v1/session/dev-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(who),
    });
    return ((await r.json()) as { token: string }).token;
  };
  const api: Browser['api'] = async (method, at, tok, body, headers = {}) => {
    const r = await fetch(stack.baseUrl + at, {
      method,
      headers: { authorization: `Bearer ${tok}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : undefined };
  };

  const b: Browser = {
    stack,
    page,
    context,
    pageErrors,
    token,
    api,
    async shot(name, width) {
      if (width) await b.page.setViewportSize({ width, height: 900 });
      await b.page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
      expect(await accessibilityViolations(b.page), `accessibility of ${name}`).toEqual([]);
      if (width) await b.page.setViewportSize({ width: 1280, height: 900 });
    },
    async signIn(at, who) {
      await b.page.goto(stack.baseUrl + at);
      // The sign-in form is driven by its English labels, whatever language an earlier page chose.
      await b.page.locator('header .lang select').selectOption('en');
      await b.page.getByLabel('User', { exact: true }).fill(who.user);
      await b.page.getByLabel('Name', { exact: true }).fill(who.name);
      await b.page.getByLabel('Roles', { exact: true }).fill(who.roles);
      if (who.department) await b.page.getByLabel('Department', { exact: true }).fill(who.department);
      if (who.organisation) await b.page.getByLabel('Organisation', { exact: true }).fill(who.organisation);
      await b.page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await expect.poll(() => b.page.getByTestId('me').textContent()).toBe(who.name);
    },
    async setLanguage(lang) {
      await b.page.locator('header .lang select').selectOption(lang);
      await expect.poll(() => b.page.evaluate(() => document.documentElement.lang)).toBe(lang);
    },
    async close() {
      await context.close();
      await stack.teardown();
      rmSync(profile, { recursive: true, force: true });
    },
  };
  return b;
}
