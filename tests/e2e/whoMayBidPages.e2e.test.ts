/**
 * Who may bid, on the pages in Chromium (issue #29): a bidder asks to bid in a sale that requires
 * approval and sees it pending, then approved; the seller approves on the sale page; a seller
 * blocks a bidder from the bids list and the bidder sees why their bid is refused; an admin finds
 * a user, suspends and reinstates them, with the history; axe-core finds nothing on any of them.
 */
import { getAccountsStore } from '../../src/auth';
import { createKnex } from '../../src/platform';
import { axeViolations, browserSkipReason } from '../support/browser';
import { expectText, pagePeople, projected, signUp } from '../support/pagePeople';
import { call, inSeconds, startTestApp } from '../support/testApp';

const skipReason = browserSkipReason();
if (skipReason) console.warn(`\n!! Browser e2e SKIPPED: ${skipReason}\n`);
// Skipped only where no Chromium is installed; the reason is printed above and named in the suite's title.
const describeBrowser = skipReason ? describe.skip : describe;

describeBrowser(
  `who may bid, on the pages in Chromium${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    let server: Awaited<ReturnType<typeof startTestApp>>;
    const people = pagePeople(() => server.url);

    beforeAll(async () => {
      server = await startTestApp({ label: 'who_pages' });
      await people.start();
    }, 60_000);
    afterAll(async () => {
      await people.stop();
      await server?.stop();
    });

    it('registration: asked, pending, approved by the seller on the sale page', async () => {
      const seller = await people.person();
      const sal = await signUp(seller, 'Sal');
      const sale = await call(server.url, 'POST', '/sales', {
        token: sal.token,
        body: {
          title: 'Rare books',
          currency: 'EUR',
          firstLotEndsAt: inSeconds(86400),
          requiresApproval: true,
        },
      });
      await projected(server.url, sale);
      const saleId = sale.body.saleId as string;
      const bidder = await people.person();
      await signUp(bidder, 'Bea');
      await bidder.goto(`/#/sale/${saleId}`);
      await expectText(bidder, 'This sale takes bids only from bidders its seller approved.');
      await bidder.getByRole('button', { name: 'Ask to bid' }).click();
      await expectText(bidder, 'Registration pending: the seller has not answered yet.');
      expect({ violations: await axeViolations(bidder) }).toEqual({ violations: [] });

      await seller.goto(`/#/sale/${saleId}`);
      const requests = seller.getByRole('list', { name: 'Registration requests' });
      await expectText(requests, /Bidder 1.*pending/);
      expect({ violations: await axeViolations(seller) }).toEqual({ violations: [] });
      await seller.getByRole('button', { name: 'Approve bidder 1' }).click();
      await expectText(requests, /Bidder 1.*approved/);
      await seller.screenshot({ path: 'reports/sale-registrations.png', fullPage: true });
      await bidder.reload();
      await expectText(bidder, 'You are approved to bid in this sale.');
      expect(people.problems()).toEqual([]);
    }, 60_000);

    it('a seller blocks a bidder from the bids list; the bidder is told why a bid is refused', async () => {
      const seller = await people.person();
      const sal = await signUp(seller, 'Sam');
      const created = await call(server.url, 'POST', '/auctions', {
        token: sal.token,
        body: {
          title: 'Desk',
          currency: 'EUR',
          startingPrice: 1000,
          minIncrement: 100,
          endsAt: inSeconds(86400),
        },
      });
      await projected(server.url, created);
      const auctionId = created.body.auctionId as string;
      const bidder = await people.person();
      const bo = await signUp(bidder, 'Bo');
      expect(
        (
          await call(server.url, 'POST', `/auctions/${auctionId}/bids`, {
            token: bo.token,
            body: { amount: 1000 },
          })
        ).status,
      ).toBe(201);
      await seller.goto(`/#/auction/${auctionId}`);
      await seller.getByRole('button', { name: 'Block this bidder' }).click();
      await expectText(seller, /Blocked: their bids on your auctions are refused/);
      await bidder.goto(`/#/auction/${auctionId}`);
      const form = bidder.getByRole('form', { name: 'Place a bid' });
      await form.getByLabel(/^Your bid/).fill('20');
      await form.getByRole('button', { name: 'Place bid' }).click();
      await expectText(bidder, 'The seller of this auction does not accept your bids');
      expect({ violations: await axeViolations(bidder) }).toEqual({ violations: [] });
    }, 60_000);

    it('an admin finds a user, suspends them (their commands refused), and reinstates them', async () => {
      const target = await people.person();
      const tia = await signUp(target, 'Tia');
      const admin = await people.person();
      const ada = await signUp(admin, 'Ada');
      // Granted the admin role (as `npm run users:grant` does), the page picks it up on its next token.
      const knex = createKnex(server.databaseUrl, 1);
      await getAccountsStore(knex).grantRole(ada.email, 'admin');
      await knex.destroy();
      const renewed = await call(server.url, 'POST', '/auth/token', { token: ada.token });
      await admin.evaluate((t) => {
        const store = (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } })
          .localStorage;
        store.setItem('token', t);
      }, renewed.body.token as string);
      await admin.goto('/#/admin');
      await admin.reload();
      const find = admin.getByRole('form', { name: 'Find a user' });
      await find.getByLabel('Email').fill(tia.email);
      await find.getByRole('button', { name: 'Find' }).click();
      await expectText(admin, /Tia/);
      expect({ violations: await axeViolations(admin) }).toEqual({ violations: [] });
      const suspend = admin.getByRole('form', { name: 'Suspend' });
      await suspend.getByLabel('Reason').fill('Unpaid invoices');
      await suspend.getByRole('button', { name: 'Suspend' }).click();
      await expectText(admin, /Suspended on .*: Unpaid invoices/);
      await admin.screenshot({ path: 'reports/admin-users.png', fullPage: true });
      const refused = await call(
        server.url,
        'PUT',
        `/me/watchlist/${'0'.repeat(8)}-0000-4000-8000-000000000000`,
        {
          token: tia.token,
        },
      );
      expect(refused.body).toMatchObject({ code: 'ACCOUNT_SUSPENDED' });
      await admin.getByRole('form', { name: 'Reinstate' }).getByRole('button', { name: 'Reinstate' }).click();
      await expectText(admin, /Reinstated on /);
      expect({ violations: await axeViolations(admin) }).toEqual({ violations: [] });
    }, 60_000);
  },
);
