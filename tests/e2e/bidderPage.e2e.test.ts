/**
 * The bidder's page in Chromium (issue #26): the bid box follows the price, the result line
 * follows the auction, a refusal is one formatted sentence, quick bids, the end in the viewer's
 * own zone, the reserve's state for everyone, the increment, the bell without an emoji font, only
 * analysts load the chart library, and axe-core finds no violation on any view.
 */
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { mkdirSync } from 'node:fs';
import { axeViolations, browserSkipReason, fact } from '../support/browser';
import { expectText, pagePeople, signUp, projected } from '../support/pagePeople';
import { call, inSeconds, registerUser, startTestApp } from '../support/testApp';

const skipReason = browserSkipReason();
if (skipReason) console.warn(`\n!! Browser e2e SKIPPED: ${skipReason}\n`);
const describeBrowser = skipReason ? describe.skip : describe;

describeBrowser(`the bidder's page in Chromium${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let server: Awaited<ReturnType<typeof startTestApp>>;
  const people = pagePeople(() => server.url);
  const bidForm = (page: Page) => page.getByRole('form', { name: 'Place a bid' });
  const amountBox = (page: Page) => bidForm(page).getByLabel(/^Your bid/);
  const resultLine = (page: Page) => page.locator('p[role="status"][aria-live="polite"]');

  beforeAll(async () => {
    server = await startTestApp({ label: 'bidder_page' });
    await people.start();
  }, 60_000);
  afterAll(async () => {
    await people.stop();
    await server?.stop();
  });

  async function auction(body: Record<string, unknown> = {}) {
    const seller = await registerUser(server.url, 'seller');
    const created = await call(server.url, 'POST', '/auctions', {
      token: seller.token,
      body: { title: 'Pocket watch', currency: 'EUR', startingPrice: 1000, endsAt: inSeconds(1800), ...body },
    });
    await projected(server.url, created);
    expect(created.status).toBe(201);
    return { auctionId: created.body.auctionId as string, seller };
  }
  const bid = (auctionId: string, token: string, amount: number) =>
    call(server.url, 'POST', `/auctions/${auctionId}/bids`, { token, body: { amount } });

  it('keeps the bid box at the minimum as the price moves, and the result line true (bugs 1 and 2)', async () => {
    const { auctionId } = await auction({ endsAt: inSeconds(8) });
    const rival = await registerUser(server.url, 'rival');
    const page = await people.person();
    await signUp(page, 'Ida');
    await page.goto(`/#/auction/${auctionId}`);
    await expectText(fact(page, 'Minimum bid'), '10.00');
    expect(await amountBox(page).inputValue()).toBe('10.00');
    await bidForm(page).getByRole('button', { name: 'Place bid' }).click();
    await expectText(resultLine(page), 'You lead at €10.00.');

    // Outbid: the box moves to the new minimum, and the line says so rather than "You lead".
    expect((await bid(auctionId, rival.token, 1100)).status).toBe(201);
    await expectText(fact(page, 'Minimum bid'), '11.50');
    await page.waitForFunction(() => {
      const doc = (
        globalThis as unknown as { document: { querySelector(s: string): { value: string } | null } }
      ).document;
      return doc.querySelector('input[name="amount"]')?.value === '11.50';
    });
    await expectText(resultLine(page), 'You have been outbid: the price is now €11.00.');
    await expectText(fact(page, 'Leader'), /^Bidder 2$/);

    // While the person types, the box is theirs.
    await amountBox(page).fill('20');
    const second = await registerUser(server.url, 'second');
    expect((await bid(auctionId, second.token, 1200)).status).toBe(201);
    await expectText(fact(page, 'Minimum bid'), '12.50');
    expect(await amountBox(page).inputValue()).toBe('20');

    // After the close: the outcome, and no "You lead" under it.
    await expectText(page, 'Sold to another bidder for €12.00.', 25_000);
    expect(await resultLine(page).textContent()).toBe('');
    expect(people.problems()).toEqual([]);
  }, 60_000);

  it('says a too-low bid in one formatted sentence (bug 3), and bids at a quick-bid button', async () => {
    const { auctionId } = await auction({ startingPrice: 4100 });
    const page = await people.person();
    await signUp(page, 'Tom');
    await page.goto(`/#/auction/${auctionId}`);
    await amountBox(page).fill('40');
    await bidForm(page).getByRole('button', { name: 'Place bid' }).click();
    await expectText(resultLine(page), /^Too low: the minimum bid is €41\.00\.$/);
    expect(await resultLine(page).textContent()).not.toContain('4100');
    people.forgetProblems(); // Chromium logs the refused request as an error

    // Quick bids at the minimum and one increment above it (41.00 + 1.00 by the ladder).
    await bidForm(page).getByRole('button', { name: 'Bid €42.00' }).waitFor();
    await bidForm(page).getByRole('button', { name: 'Bid €41.00' }).click();
    await expectText(resultLine(page), 'You lead at €41.00.');
    await expectText(fact(page, 'Bid increment'), '€1.00');
    await bidForm(page).getByRole('button', { name: 'Bid €43.00' }).waitFor();
    expect(people.problems()).toEqual([]);
  }, 60_000);

  it("shows the end in the viewer's zone, the reserve's state to everyone, and counts in words", async () => {
    const { auctionId } = await auction({ reservePrice: 1500 });
    const tokyo = await people.person({ timezoneId: 'Asia/Tokyo' });
    await tokyo.goto(`/#/auction/${auctionId}`);
    await expectText(fact(tokyo, 'Ends'), /GMT\+9/);
    await expectText(fact(tokyo, 'Reserve'), /^Reserve not met$/);
    const bidder = await registerUser(server.url, 'bidder');
    expect((await bid(auctionId, bidder.token, 1600)).status).toBe(201);
    await expectText(fact(tokyo, 'Reserve'), /^Reserve met$/);
    expect(await tokyo.content()).not.toContain('15.00');
    await tokyo.goto('/#/');
    const card = tokyo
      .getByRole('list', { name: 'Open auctions' })
      .getByRole('listitem')
      .filter({ hasText: 'Pocket watch' });
    await expectText(card.first(), /· 1 bid$|· 1 bid\b/);
  }, 60_000);

  it('draws the bell without an emoji font, and loads the chart library only for analysts', async () => {
    const requests: string[] = [];
    const page = await people.person();
    page.on('request', (request) => requests.push(request.url()));
    await signUp(page, 'Una');
    const { auctionId } = await auction();
    await page.goto(`/#/auction/${auctionId}`);
    await bidForm(page).waitFor();
    const bell = page.getByRole('button', { name: 'Notifications', exact: true });
    expect(await bell.locator('svg').count()).toBe(1);
    expect(await page.content()).not.toContain('🔔');
    expect(requests.filter((url) => /Analyst-|Market-/.test(url))).toEqual([]);
  }, 60_000);

  it('a gallery: the seller uploads photos through the page, everyone sees them live, the seller removes one', async () => {
    const seller = await people.person();
    const bidder = await people.person();
    const account = await signUp(seller, 'Pia');
    const created = await call(server.url, 'POST', '/auctions', {
      token: account.token,
      body: { title: 'Oak chair', currency: 'EUR', startingPrice: 1000, endsAt: inSeconds(1800) },
    });
    await projected(server.url, created);
    const auctionId = created.body.auctionId as string;
    await seller.goto(`/#/auction/${auctionId}`);
    await bidder.goto(`/#/auction/${auctionId}`);
    await bidder.getByRole('heading', { level: 1, name: /Oak chair/ }).waitFor();
    const image = (width: number, height: number, color: string) =>
      sharp({ create: { width, height, channels: 3, background: color } })
        .jpeg()
        .toBuffer();
    await seller.getByLabel(/^Add photos/).setInputFiles([
      { name: 'front.jpg', mimeType: 'image/jpeg', buffer: await image(800, 600, 'brown') },
      { name: 'back.jpg', mimeType: 'image/jpeg', buffer: await image(600, 800, 'tan') },
    ]);
    await expectText(seller, 'Uploading: done.');
    // The other person's page shows them without a reload, decoded by the browser.
    const photo = bidder.getByRole('img', { name: 'Oak chair: photo 1 of 2' });
    await photo.waitFor();
    await bidder.waitForFunction(() => {
      const doc = (
        globalThis as unknown as { document: { querySelector(s: string): { naturalWidth: number } | null } }
      ).document;
      return (doc.querySelector('figure img')?.naturalWidth ?? 0) === 800;
    });
    await bidder.getByRole('button', { name: 'Show photo 2' }).click();
    await bidder.getByRole('img', { name: 'Oak chair: photo 2 of 2' }).waitFor();
    expect(await axeViolations(bidder)).toEqual([]);
    mkdirSync('reports', { recursive: true });
    await bidder.screenshot({ path: 'reports/auction-gallery.png', fullPage: true });
    await bidder.goto('/#/');
    const card = bidder
      .getByRole('list', { name: 'Open auctions' })
      .getByRole('listitem')
      .filter({ hasText: 'Oak chair' });
    await card.locator('img').waitFor();
    // The seller removes the first: it is gone from everyone's page.
    await seller.getByRole('button', { name: 'Remove this photo' }).click();
    await seller.getByRole('img', { name: 'Oak chair: photo 1 of 1' }).waitFor();
    expect(people.problems()).toEqual([]);
  }, 60_000);

  it('buys it now through the page, asking once more; the offer goes with the first bid', async () => {
    const { auctionId } = await auction({ buyNowPrice: 5000 });
    const page = await people.person();
    await signUp(page, 'Bea');
    await page.goto(`/#/auction/${auctionId}`);
    await expectText(fact(page, 'Buy it now'), '€50.00');
    await page.getByRole('button', { name: 'Buy it now for €50.00' }).click();
    expect({ violations: await axeViolations(page) }).toEqual({ violations: [] });
    await page.getByRole('button', { name: 'Confirm: buy for €50.00' }).click();
    await expectText(page, 'You won this auction for €50.00.');
    expect(await bidForm(page).count()).toBe(0);

    // Another one: the first bid (made elsewhere) takes the offer off this page, live.
    const other = await auction({ buyNowPrice: 5000 });
    await page.goto(`/#/auction/${other.auctionId}`);
    await page.getByRole('button', { name: 'Buy it now for €50.00' }).waitFor();
    const rival = await registerUser(server.url, 'rival');
    expect((await bid(other.auctionId, rival.token, 1000)).status).toBe(201);
    await page.getByRole('button', { name: 'Buy it now for €50.00' }).waitFor({ state: 'detached' });
    expect(people.problems()).toEqual([]);
  }, 60_000);

  it('has no accessibility violation on any view (axe-core)', async () => {
    const { auctionId } = await auction({ reservePrice: 5000 });
    const page = await people.person();
    const check = async (view: string) =>
      expect({ view, violations: await axeViolations(page) }).toEqual({ view, violations: [] });
    await check('open auctions, signed out');
    await page.goto(`/#/auction/${auctionId}`);
    await page.getByRole('heading', { level: 1, name: /Pocket watch/ }).waitFor();
    await check('an auction, signed out');
    await page.goto('/#/login');
    await page.getByRole('form', { name: 'Sign up' }).waitFor();
    await check('log in or sign up');
    await signUp(page, 'Axel');
    for (const [hash, ready] of [
      ['#/', 'Open auctions'],
      [`#/auction/${auctionId}`, 'Place bid'],
      ['#/create', 'Sell something'],
      ['#/me', 'My bids'],
      ['#/watchlist', 'Watchlist'],
      ['#/market', 'need the analyst role'],
    ]) {
      await page.goto(`/${hash}`);
      await page
        .getByText(ready!)
        .first()
        .waitFor({ timeout: 10_000 })
        .catch((error: Error) => Promise.reject(new Error(`${hash}: ${error.message}`)));
      await check(hash!);
    }
    await page.goto(`/#/auction/${auctionId}`);
    await bidForm(page).getByRole('button', { name: 'Place bid' }).click();
    await expectText(resultLine(page), 'You lead');
    await check('an auction, leading');
    await page.getByRole('button', { name: /^Notifications/ }).click();
    await page.getByRole('complementary', { name: 'Notifications' }).waitFor();
    await check('the bell, open');
  }, 60_000);
});
