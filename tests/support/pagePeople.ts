/**
 * People in a real Chromium for the page tests: each a browser context of their own, opened on
 * the live page, signing up through its form. Pages are found by their roles and labels, as a
 * person (or a screen reader) finds them.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, pageProblems } from './browser';
import { call } from './testApp';

/** The page's globals, for code run inside it (the tests compile without the DOM types). */
type BrowserGlobals = {
  localStorage: { getItem(key: string): string | null; setItem(k: string, v: string): void };
};

export function pagePeople(url: () => string) {
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const problems: string[][] = [];
  return {
    problems: () => problems.flat(),
    forgetProblems: () => void problems.forEach((list) => (list.length = 0)),
    async start() {
      browser = await launchBrowser();
    },
    async stop() {
      for (const context of contexts) await context.close();
      await browser?.close();
    },
    /** A new person on the live page, once its live updates flow. */
    async person(options: { timezoneId?: string } = {}): Promise<Page> {
      const context = await browser.newContext({ baseURL: url(), ...options });
      contexts.push(context);
      const page = await context.newPage();
      problems.push(pageProblems(page));
      await page.goto('/');
      await live(page);
      return page;
    },
  };
}

/** Waits until the page's live updates flow. */
export const live = (page: Page) =>
  page
    .getByTitle('Live updates')
    .filter({ hasText: /^live$/ })
    .waitFor();

export async function signUp(page: Page, name: string) {
  await page.goto('/#/login');
  const form = page.getByRole('form', { name: 'Sign up' });
  const email = `${name.toLowerCase()}-${Date.now()}-${Math.random()}@example.test`;
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Email').fill(email);
  await form.getByLabel(/^Password/).fill('correct horse battery');
  await form.getByRole('button', { name: 'Sign up' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
  const stored = await page.evaluate(() => {
    const { localStorage } = globalThis as unknown as BrowserGlobals;
    return { userId: localStorage.getItem('userId')!, token: localStorage.getItem('token')! };
  });
  return { ...stored, email };
}

export async function expectText(
  scope: Page | ReturnType<Page['locator']>,
  text: string | RegExp,
  timeout = 10_000,
) {
  await scope.getByText(text).first().waitFor({ timeout });
}

/** The token the page holds now (renewed tokens included). */
export const tokenOf = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as BrowserGlobals).localStorage.getItem('token')!);

/**
 * Waits until the read models show what a command just created (its reply's position), so a page
 * opened on it next finds it at once rather than after a 404 and a retry (which the console logs).
 */
export async function projected(baseUrl: string, created: { body: Record<string, unknown> }) {
  await call(baseUrl, 'GET', `/auctions/${created.body.auctionId as string}`, {
    headers: { 'X-Min-Position': created.body.position as string },
  });
}
