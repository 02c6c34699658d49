/**
 * The sale pages in Chromium (issue #27): a seller creates a sale and adds its lots on the page;
 * a bidder follows the catalogue live from the one sale subscription (a lot added later appears),
 * opens a lot ("Lot 1 of 2", the lot after it), bids, and the catalogue shows the new price; axe
 * finds no violation on any of these views.
 */
import type { Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { axeViolations, browserSkipReason } from '../support/browser';
import { expectText, pagePeople, signUp } from '../support/pagePeople';
import { startTestApp } from '../support/testApp';

const skipReason = browserSkipReason();
if (skipReason) console.warn(`\n!! Browser e2e SKIPPED: ${skipReason}\n`);
const describeBrowser = skipReason ? describe.skip : describe;

/** A datetime-local value in the page's own zone, `ms` from now. */
const localIn = (page: Page, ms: number) =>
  page.evaluate((at) => {
    const d = new Date(at);
    return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
  }, Date.now() + ms);

describeBrowser(`the sale pages in Chromium${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let server: Awaited<ReturnType<typeof startTestApp>>;
  const people = pagePeople(() => server.url);
  const lotList = (page: Page) => page.getByRole('list', { name: 'Lots' });

  beforeAll(async () => {
    server = await startTestApp({ label: 'sale_pages', env: { SCHEDULER_SWEEP_SECONDS: '1' } });
    await people.start();
  }, 60_000);
  afterAll(async () => {
    await people.stop();
    await server?.stop();
  });

  async function addLot(seller: Page, title: string, price: string) {
    const form = seller.getByRole('form', { name: 'Add a lot' });
    await form.getByLabel('Title').fill(title);
    await form.getByLabel(/^Starting price/).fill(price);
    await form.getByRole('button', { name: 'Add lot' }).click();
    await expectText(form, /Lot \d+ added\./);
  }

  it('a seller builds a catalogue; a bidder follows it live, moves from lot to lot and bids', async () => {
    const seller = await people.person();
    await signUp(seller, 'Sally');
    await seller.goto('/#/sales/new');
    const create = seller.getByRole('form', { name: 'Create a sale' });
    await create.getByLabel('Title').fill('Clocks and watches');
    const startsIn = 25_000;
    const createdAt = Date.now();
    await create.getByLabel('Starts at').fill(await localIn(seller, startsIn));
    await create.getByLabel('First lot ends at').fill(await localIn(seller, 180_000));
    await create.getByLabel('Seconds between lots').fill('30');
    expect(await axeViolations(seller)).toEqual([]);
    await create.getByRole('button', { name: 'Create sale' }).click();
    await seller.getByRole('heading', { name: 'Clocks and watches' }).waitFor();
    await addLot(seller, 'Mantel clock', '10');
    expect(await axeViolations(seller)).toEqual([]);

    // The bidder opens the catalogue before the second lot exists: it appears, live.
    const bidder = await people.person();
    await signUp(bidder, 'Bea');
    await bidder.goto(`/${new URL(seller.url()).hash}`);
    await expectText(lotList(bidder), 'Mantel clock');
    await addLot(seller, 'Pocket watch', '20');
    await expectText(lotList(bidder), 'Pocket watch');
    const titles = await lotList(bidder).getByRole('link').allTextContents();
    expect(titles.filter((t) => /clock|watch/.test(t))).toEqual(['Mantel clock', 'Pocket watch']);
    expect(await axeViolations(bidder)).toEqual([]);

    // Once the sale has started, the lot page says where the lot stands in its sale.
    await bidder.waitForTimeout(Math.max(0, createdAt + startsIn + 1000 - Date.now()));
    await lotList(bidder).getByRole('link', { name: 'Mantel clock' }).click();
    const nav = bidder.getByRole('navigation', { name: 'Lots of this sale' });
    await expectText(nav, 'Lot 1 of 2');
    await nav.getByRole('link', { name: 'Lot 2 →' }).waitFor();
    expect(await axeViolations(bidder)).toEqual([]);
    const bid = bidder.getByRole('form', { name: 'Place a bid' });
    await bid.getByRole('button', { name: 'Place bid' }).click();
    await expectText(bidder, 'You lead at €10.00.');

    // The seller's catalogue shows the bid, pushed on the sale's one subscription.
    await expectText(lotList(seller), '1 bid');
    // Started: the page says so by the clock, and the seller's form to add lots is gone.
    await expectText(seller, 'Open: 0 lots of 2 closed');
    expect(await seller.getByRole('form', { name: 'Add a lot' }).count()).toBe(0);
    expect(await lotList(seller).getByText('scheduled').count()).toBe(0);
    mkdirSync('reports', { recursive: true });
    await seller.screenshot({ path: 'reports/sale-catalogue.png', fullPage: true });
    await bidder.screenshot({ path: 'reports/sale-lot.png', fullPage: true });

    await nav.getByRole('link', { name: 'Lot 2 →' }).click();
    await expectText(bidder.getByRole('navigation', { name: 'Lots of this sale' }), 'Lot 2 of 2');
    await bidder.getByRole('link', { name: '← Lot 1' }).waitFor();
    expect(people.problems()).toEqual([]);
  }, 90_000);

  it('lists the sales, and refuses a sale whose first lot ends before it starts, in one sentence', async () => {
    const seller = await people.person();
    await signUp(seller, 'Sam');
    await seller.goto('/#/sales');
    await seller.getByRole('link', { name: 'Clocks and watches' }).first().waitFor();
    expect(await axeViolations(seller)).toEqual([]);
    await seller.getByRole('link', { name: 'Create a sale' }).click();
    const create = seller.getByRole('form', { name: 'Create a sale' });
    await create.getByLabel('Title').fill('Backwards');
    await create.getByLabel('Starts at').fill(await localIn(seller, 3_600_000));
    await create.getByLabel('First lot ends at').fill(await localIn(seller, 600_000));
    await create.getByRole('button', { name: 'Create sale' }).click();
    await expectText(seller, /firstLotEndsAt must be after startsAt/);
    people.forgetProblems(); // the refused request is a 400 in the console, as it should be
  }, 60_000);
});
