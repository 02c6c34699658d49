/**
 * The formats' pages in Chromium (issue #28): a seller creates a Dutch auction on the sell page;
 * a bidder watches its price fall live (from the server's clock) and takes it in one click; a
 * sealed bid is placed on its own form and nothing of it shows to anyone else on the page; axe-core
 * finds no violation on any of them.
 */
import { axeViolations, browserSkipReason, fact } from '../support/browser';
import { expectText, pagePeople, projected, signUp } from '../support/pagePeople';
import { call, inSeconds, registerUser, startTestApp } from '../support/testApp';

const skipReason = browserSkipReason();
if (skipReason) console.warn(`\n!! Browser e2e SKIPPED: ${skipReason}\n`);
// Skipped only where no Chromium is installed; the reason is printed above and named in the suite's title.
const describeBrowser = skipReason ? describe.skip : describe;

describeBrowser(`the formats' pages in Chromium${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let server: Awaited<ReturnType<typeof startTestApp>>;
  const people = pagePeople(() => server.url);

  beforeAll(async () => {
    server = await startTestApp({ label: 'format_pages' });
    await people.start();
  }, 60_000);
  afterAll(async () => {
    await people.stop();
    await server?.stop();
  });

  it('a Dutch auction: created on the sell page, its price falls live, one click takes it', async () => {
    const seller = await people.person();
    await signUp(seller, 'Sal');
    await seller.goto('/#/create');
    const form = seller.getByRole('form', { name: 'Sell something' });
    await form.getByLabel('Title').fill('Tulips');
    await form.getByLabel('Format').selectOption('dutch');
    await form.getByLabel(/^Starting price/).fill('50');
    await form.getByLabel('Lowest price').fill('10');
    await form.getByLabel('Drops by').fill('1');
    await form.getByLabel('Every (seconds)').fill('1');
    expect(await form.getByLabel(/^Buy it now price/).count()).toBe(0);
    expect({ violations: await axeViolations(seller) }).toEqual({ violations: [] });
    await form.getByRole('button', { name: 'Create auction' }).click();
    await seller.getByRole('heading', { level: 1, name: /Tulips/ }).waitFor();
    await expectText(fact(seller, 'Format'), /Dutch/);
    await expectText(fact(seller, 'Falls by'), '€1.00 every 1 s, to €10.00');

    const buyer = await people.person();
    await signUp(buyer, 'Bo');
    await buyer.goto(seller.url().replace(/^.*#/, '/#'));
    const price = fact(buyer, 'Price now');
    const first = await price.textContent();
    await expectText(price, new RegExp(`^(?!${first!.replace(/[.$€]/g, '\\$&')}$)`), 5000); // it fell
    expect({ violations: await axeViolations(buyer) }).toEqual({ violations: [] });
    await buyer.getByRole('button', { name: /^Buy now at / }).click();
    await expectText(buyer, /You won this auction for €\d+\.00\./);
    await buyer.screenshot({ path: 'reports/dutch-won.png', fullPage: true });
    await expectText(seller, /Sold for €\d+\.00\./);
    expect(people.problems()).toEqual([]);
  }, 60_000);

  it('a sealed bid: its own form, and nothing of it on anyone else\u2019s page', async () => {
    const owner = await registerUser(server.url, 'owner');
    const created = await call(server.url, 'POST', '/auctions', {
      token: owner.token,
      body: {
        title: 'Domain name',
        currency: 'EUR',
        startingPrice: 1000,
        reservePrice: 1500,
        format: 'sealed_first_price',
        endsAt: inSeconds(1800),
      },
    });
    await projected(server.url, created);
    const auctionId = created.body.auctionId as string;
    const bidder = await people.person();
    await signUp(bidder, 'Ida');
    await bidder.goto(`/#/auction/${auctionId}`);
    const form = bidder.getByRole('form', { name: 'Place a sealed bid' });
    await form.getByLabel(/^Your sealed bid/).fill('23.45');
    expect(await bidder.getByLabel(/^Maximum for automatic bidding/).count()).toBe(0);
    expect({ violations: await axeViolations(bidder) }).toEqual({ violations: [] });
    await form.getByRole('button', { name: 'Place sealed bid' }).click();
    await expectText(bidder, 'Your sealed bid of €23.45 is in.');

    const other = await people.person();
    await other.goto(`/#/auction/${auctionId}`);
    await expectText(fact(other, 'Bids'), '1');
    await expectText(fact(other, 'Leader'), 'Sealed until the end');
    await expectText(fact(other, 'Starting price'), '€10.00');
    expect(await other.locator('body').textContent()).not.toContain('23.45');
    expect({ violations: await axeViolations(other) }).toEqual({ violations: [] });
    expect(people.problems()).toEqual([]);
  }, 60_000);
});
