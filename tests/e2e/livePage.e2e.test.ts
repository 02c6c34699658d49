/**
 * The live auction page in a real headless Chromium: two browser contexts are two people. The
 * seller signs up and creates an auction through the page; the bidder signs up, finds it in the
 * list and bids; the seller's page shows the bid without reloading, and offers the seller no way
 * to bid (the API refuses it too). Then won and lost auctions show on the bidder's page.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserSkipReason, launchBrowser, pageProblems } from '../support/browser';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { getTokenIssuer } from '../../src/auth';
import { call, inSeconds, registerUser, startTestApp, TEST_JWT_SECRET } from '../support/testApp';

/** The page's globals, for code run inside it (the tests compile without the DOM types). */
type BrowserGlobals = { localStorage: { getItem(key: string): string | null } };

const skipReason = browserSkipReason();
if (skipReason) console.warn(`\n!! Browser e2e SKIPPED: ${skipReason}\n`);
// Skipped only off CI when no Chromium is installed (browserSkipReason throws on CI instead); the
// reason is printed above and carried in the suite's name.
const describeBrowser = skipReason ? describe.skip : describe;

describeBrowser(`the live auction page in Chromium${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let server: Awaited<ReturnType<typeof startTestApp>>;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const problems: string[][] = [];

  beforeAll(async () => {
    server = await startTestApp({ label: 'page' });
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.stop();
  });

  async function person(): Promise<Page> {
    const context = await browser.newContext({ baseURL: server.url });
    contexts.push(context);
    const page = await context.newPage();
    problems.push(pageProblems(page));
    await page.goto('/');
    await page.locator('#connection.live').waitFor();
    return page;
  }

  async function signUp(page: Page, name: string) {
    await page.goto('/#/login');
    const form = page.locator('#signup-form');
    await form.locator('[name=displayName]').fill(name);
    await form.locator('[name=email]').fill(`${name.toLowerCase()}-${Date.now()}@example.test`);
    await form.locator('[name=password]').fill('correct horse battery');
    await form.locator('button').click();
    await page.locator('#logout').waitFor();
    return page.evaluate(() => {
      const { localStorage } = globalThis as unknown as BrowserGlobals;
      return { userId: localStorage.getItem('userId')!, token: localStorage.getItem('token')! };
    });
  }

  it('a bid from one person appears live on the seller page; the seller cannot bid', async () => {
    const seller = await person();
    const bidder = await person();
    const sellerAccount = await signUp(seller, 'Sally');
    const bidderAccount = await signUp(bidder, 'Bob');

    // The seller creates an auction through the form and lands on it.
    await seller.click('text=Sell');
    const form = seller.locator('#create-form');
    await form.locator('[name=title]').fill('Mahogany writing desk');
    await form.locator('[name=description]').fill('Victorian, with a leather top.');
    await form.locator('[name=startingPrice]').fill('50');
    await form.locator('[name=reservePrice]').fill('80');
    await form.locator('[name=minutes]').fill('30');
    await form.locator('button').click();
    await seller.waitForURL(/#\/auction\/[0-9a-f-]{36}$/);
    const auctionId = seller.url().split('/').pop()!;
    await expectText(seller, '#a-title', 'Mahogany writing desk');
    await expectText(seller, '#a-reserve', '80.00');
    // The seller is told, and offered no bid form.
    await seller.locator('#a-seller-note').waitFor();
    expect(await seller.locator('#bid-form').isHidden()).toBe(true);

    // The bidder finds it among the open auctions, with a countdown, and opens it.
    await bidder.click('text=Open auctions');
    const card = bidder.locator(`#auction-list li[data-auction-id="${auctionId}"]`);
    await card.waitFor();
    expect(await card.locator('.countdown').textContent()).toMatch(/^00:(29|30):\d\d$/);
    await card.locator('a').click();
    await expectText(bidder, '#a-title', 'Mahogany writing desk');
    expect(await bidder.locator('#a-reserve').isHidden()).toBe(true);
    expect(await bidder.content()).not.toContain('80.00');

    // The bidder bids 55 with a ceiling of 70.
    await bidder.locator('#bid-amount').fill('55');
    await bidder.locator('#bid-max').fill('70');
    await bidder.locator('#bid-submit').click();
    await expectText(bidder, '#bid-result', 'You lead');
    await expectText(bidder, '#a-mymax', '70.00'); // their own maximum, for them alone

    // The seller sees it arrive without reloading: the page was never navigated again.
    const navigations: string[] = [];
    seller.on('framenavigated', (frame) => navigations.push(frame.url()));
    await expectText(seller, '#bid-list li', 'by bidder');
    await expectText(seller, '#a-bidcount', '1');
    await expectText(seller, '#a-price', '55.00');
    await expectText(seller, '#a-leader', 'another bidder');
    expect(navigations).toEqual([]);

    // A second bid, live again.
    const rival = await registerUser(server.url, 'rival');
    const outbid = await call(server.url, 'POST', `/auctions/${auctionId}/bids`, {
      token: rival.token,
      body: { amount: 6000 },
    });
    expect(outbid.body.status).toBe('outbid'); // Bob's ceiling of 70 answers at once
    await expectText(seller, '#a-bidcount', '3');
    await expectText(bidder, '#a-leader', 'you');
    await expectText(bidder, '#a-mymax', '70.00');
    expect(await seller.locator('#a-mymax').isHidden()).toBe(true);
    expect(await seller.content()).not.toContain('70.00');

    expect(problems.flat()).toEqual([]);

    // Even a hand-made request from the seller's page is refused by the API.
    const attempt = await seller.evaluate(async (id) => {
      const { localStorage } = globalThis as unknown as BrowserGlobals;
      const res = await fetch(`/auctions/${id}/bids`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${localStorage.getItem('token')}`,
        },
        body: JSON.stringify({ amount: 100000 }),
      });
      return { status: res.status, body: await res.json() };
    }, auctionId);
    expect(attempt).toMatchObject({ status: 422, body: { code: 'SELLER_CANNOT_BID' } });
    expect(sellerAccount.userId).not.toBe(bidderAccount.userId);
    for (const list of problems) list.length = 0; // Chromium logs the refused request as an error
  }, 60_000);

  it('shows the bidder the auctions they won and lost once they close', async () => {
    const bidder = await person();
    const me = await signUp(bidder, 'Wendy');
    const seller = await registerUser(server.url, 'seller');
    const rival = await registerUser(server.url, 'rival');
    // Created through the API by someone else; the page is opened once the read models show them
    // (a page opened earlier waits for them too, but logs the 404s it retried).
    const createVisible = async (title: string) => {
      const created = await call(server.url, 'POST', '/auctions', {
        token: seller.token,
        body: { title, currency: 'EUR', startingPrice: 1000, minIncrement: 100, endsAt: inSeconds(12) },
      });
      const shown = await call(server.url, 'GET', `/auctions/${created.body.auctionId}`, {
        headers: { 'X-Min-Position': created.body.position as string },
      });
      expect(shown.status).toBe(200);
      return created.body.auctionId as string;
    };
    const [winning, losing] = await Promise.all([createVisible('Clock'), createVisible('Vase')]);

    for (const auctionId of [winning, losing]) {
      await bidder.goto(`/#/auction/${auctionId}`);
      await bidder.locator('#bid-form').waitFor();
      await bidder.locator('#bid-submit').click(); // the form is filled with the minimum bid
      await expectText(bidder, '#bid-result', 'You lead');
    }
    const overbid = await call(server.url, 'POST', `/auctions/${losing}/bids`, {
      token: rival.token,
      body: { amount: 5000 },
    });
    expect(overbid.status).toBe(201);

    // Watching the winning auction, the page sees it close live.
    await bidder.goto(`/#/auction/${winning}`);
    await expectText(bidder, '#a-status', 'closed', 25_000);
    await expectText(bidder, '#a-countdown', 'sold for');
    await expectText(bidder, '#a-result', 'You won this auction');

    await bidder.click('text=My bids');
    await expectText(bidder, `#my-bids tr[data-auction-id="${winning}"] .state-won`, 'won');
    await expectText(bidder, `#my-bids tr[data-auction-id="${losing}"] .state-lost`, 'lost');
    expect(me.userId).toBeTruthy();
    expect(problems.flat()).toEqual([]);
  }, 60_000);

  it('the analyst view: a chart of the price, and a slider that shows the auction as it stood then', async () => {
    const seller = await registerUser(server.url, 'seller');
    const [anna, ben] = [await registerUser(server.url, 'anna'), await registerUser(server.url, 'ben')];
    const created = await call(server.url, 'POST', '/auctions', {
      token: seller.token,
      body: {
        title: 'Carriage clock',
        currency: 'EUR',
        startingPrice: 1000,
        reservePrice: 4000,
        endsAt: inSeconds(1800),
      },
    });
    const auctionId = created.body.auctionId as string;
    const place = (token: string, amount: number, maxAmount?: number) =>
      call(server.url, 'POST', `/auctions/${auctionId}/bids`, {
        token,
        body: { amount, ...(maxAmount ? { maxAmount } : {}) },
      });
    await place(anna.token, 1000, 3000); // anna's ceiling
    await new Promise((r) => setTimeout(r, 400));
    await place(ben.token, 1500); // answered automatically by anna's ceiling, one increment above
    await new Promise((r) => setTimeout(r, 400));
    await place(ben.token, 3500); // ben leads
    const analystToken = getTokenIssuer(TEST_JWT_SECRET, 600).issue({
      sub: randomUUID(),
      roles: ['analyst'],
    });

    const page = await person();
    await page.evaluate((token) => {
      const { localStorage } = globalThis as unknown as BrowserGlobals & {
        localStorage: { setItem(k: string, v: string): void };
      };
      localStorage.setItem('token', token);
      localStorage.setItem('userId', 'analyst');
    }, analystToken);
    await page.goto(`/#/analyst/${auctionId}`);
    await page.reload(); // as after signing in: the page reads the session anew
    await expectText(page, '#an-title', 'Carriage clock');
    await page.locator('#an-chart canvas').waitFor();
    await expectText(page, '#an-events li', 'automatic bid');
    await expectText(page, '#an-bids', '4'); // anna 1000, ben 1500, anna's automatic answer, ben 3500
    // An analyst is not the seller: no reserve line, no reserve anywhere.
    expect(await page.content()).not.toContain('40.00');

    // Back in time: the slider near the start, then a little later; the page shows the state route's answer.
    for (const value of ['150', '600']) {
      const before = await page.locator('#an-state').getAttribute('data-at');
      await page.locator('#an-slider').fill(value);
      await page.waitForFunction((prev) => {
        const doc = (
          globalThis as unknown as { document: { getElementById(id: string): { dataset: { at?: string } } } }
        ).document;
        const at = doc.getElementById('an-at').dataset.at;
        return at !== prev && doc.getElementById('an-state').dataset.at === at;
      }, before);
      const at = (await page.locator('#an-state').getAttribute('data-at'))!;
      const state = await call(
        server.url,
        'GET',
        `/auctions/${auctionId}/state?at=${encodeURIComponent(at)}`,
        {
          token: analystToken,
        },
      );
      expect(await page.locator('#an-bids').textContent()).toBe(String(state.body.bidCount));
      expect(await page.locator('#an-revision').textContent()).toBe(String(state.body.revision));
      expect(await page.locator('#an-status').textContent()).toBe(state.body.status);
    }
    mkdirSync('reports', { recursive: true });
    await page.locator('#view-analyst').screenshot({ path: 'reports/analyst-chart.png' });

    // The market: the summary and a what-if.
    await page.click('text=Market');
    await page.locator('#summary-form button').click();
    await expectText(page, '#summary-table th', 'Sell-through');
    await page.locator('#whatif-form [name=noProxy]').check();
    await page.locator('#whatif-form button').click();
    await expectText(page, '#whatif-result', 'replayed');
    expect(problems.flat()).toEqual([]);
  }, 60_000);

  it('watching and the bell: one outbids, the other sees the bell change without a reload', async () => {
    const seller = await registerUser(server.url, 'seller');
    const created = await call(server.url, 'POST', '/auctions', {
      token: seller.token,
      body: { title: 'Brass telescope', currency: 'EUR', startingPrice: 1000, endsAt: inSeconds(1800) },
    });
    const auctionId = created.body.auctionId as string;
    const alice = await person();
    const bob = await person();
    await signUp(alice, 'Alice');
    await signUp(bob, 'Bob');

    // Alice watches it with the star, and bids.
    await alice.goto(`/#/auction/${auctionId}`);
    await expectText(alice, '#a-title', 'Brass telescope');
    await alice.locator('#a-watch').click();
    await expectText(alice, '#a-watch', '★');
    await alice.locator('#bid-amount').fill('10');
    await alice.locator('#bid-submit').click();
    await expectText(alice, '#bid-result', 'You lead');
    expect(await alice.locator('#bell-count').isHidden()).toBe(true);

    // Bob outbids her in his own browser; her bell counts it, live.
    await bob.goto(`/#/auction/${auctionId}`);
    await expectText(bob, '#a-title', 'Brass telescope');
    await bob.locator('#bid-amount').fill('12');
    await bob.locator('#bid-submit').click();
    await expectText(bob, '#bid-result', 'You lead');
    await expectText(alice, '#bell-count', '1');
    expect(await bob.locator('#bell-count').isHidden()).toBe(true);

    // Opening the bell shows it and marks it read.
    await alice.locator('#bell').click();
    await expectText(alice, '#notification-list li', 'Outbid on “Brass telescope”');
    await alice.locator('#bell-count').waitFor({ state: 'hidden' });

    // The watchlist shows the starred auction; the star takes it off.
    await alice.goto('/#/watchlist');
    await expectText(alice, '#watchlist li a', 'Brass telescope');
    await alice.locator(`#watchlist li[data-auction-id="${auctionId}"] .star`).click();
    await alice.locator(`#watchlist li[data-auction-id="${auctionId}"]`).waitFor({ state: 'detached' });
    expect(problems.flat()).toEqual([]);
  }, 60_000);
});

describeBrowser(`the API docs in Chromium${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  it('renders every operation in Swagger UI, with no error or warning', async () => {
    const server = await startTestApp({ label: 'docs' });
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const problems = pageProblems(page);
      await page.goto(`${server.url}/docs`);
      await page.locator('.opblock').first().waitFor();
      const documented = Object.values(server.app.openApi.paths).flatMap((ops) => Object.keys(ops)).length;
      expect(await page.locator('.opblock').count()).toBe(documented);
      expect(await page.locator('.errors-wrapper').count()).toBe(0);
      expect(await page.textContent('body')).not.toMatch(/warning/i);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
      await server.stop();
    }
  }, 60_000);
});

async function expectText(page: Page, selector: string, text: string, timeout = 10_000) {
  await page.locator(selector).filter({ hasText: text }).first().waitFor({ timeout });
}
