/**
 * From a bid to the other bidder's screen, in Chromium (issue #26): two people on one auction bid
 * in turn, 100 bids; for each, the time from the click on "Place bid" in one browser context to
 * the bid's line appearing in the other's list (both on this machine's clock, to the
 * microsecond). The p99 must stay within 150 ms; the figures go to reports/bid-latency.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { browserSkipReason } from '../support/browser';
import { pagePeople, signUp, projected } from '../support/pagePeople';
import { call, inSeconds, registerUser, startTestApp } from '../support/testApp';

const skipReason = browserSkipReason();
const describeBrowser = skipReason ? describe.skip : describe;
// 100, so that the p99 is a percentile and not the single slowest bid (with 50 it was the max,
// and one pause of a loaded CI machine failed it: 175 ms once, 45 ms the run before).
const BIDS = 100;

type Timed = { __seen: Record<string, number>; __clickedAt: number };
interface El {
  tagName?: string;
  textContent: string | null;
  closest?(selector: string): El | null;
  querySelectorAll?(selector: string): ArrayLike<El>;
}
const pageClock = (page: Page) =>
  page.evaluate(() => {
    const w = globalThis as unknown as Timed & {
      document: { body: unknown };
      MutationObserver: new (cb: (records: Array<{ addedNodes: ArrayLike<El> }>) => void) => {
        observe(target: unknown, options: object): void;
      };
      performance: { timeOrigin: number; now(): number };
      addEventListener(type: string, fn: () => void, capture: boolean): void;
    };
    const now = () => w.performance.timeOrigin + w.performance.now();
    w.__seen = {};
    new w.MutationObserver((records) => {
      for (const record of records)
        for (const node of Array.from(record.addedNodes)) {
          // A new line in the list, or the list itself with its first line.
          const lines =
            node.tagName === 'LI' && node.closest?.('ol.bids')
              ? [node]
              : Array.from(node.querySelectorAll?.('ol.bids li') ?? []);
          for (const line of lines) w.__seen[(line.textContent ?? '').split(' by ')[0]!] ??= now();
        }
    }).observe(w.document.body, { childList: true, subtree: true });
    w.addEventListener('click', () => (w.__clickedAt = now()), true);
  });

describeBrowser(`a bid on the other bidder's screen${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let server: Awaited<ReturnType<typeof startTestApp>>;
  const people = pagePeople(() => server.url);
  beforeAll(async () => {
    server = await startTestApp({ label: 'bid_latency', start: {} });
    await people.start();
  }, 60_000);
  afterAll(async () => {
    await people.stop();
    await server?.stop();
  });

  it(`p99 within 150 ms over ${BIDS} bids`, async () => {
    const seller = await registerUser(server.url, 'seller');
    const created = await call(server.url, 'POST', '/auctions', {
      token: seller.token,
      body: {
        title: 'Globe',
        currency: 'EUR',
        startingPrice: 1000,
        minIncrement: 100,
        endsAt: inSeconds(1800),
      },
    });
    await projected(server.url, created);
    const auctionId = created.body.auctionId as string;
    const pair = [await people.person(), await people.person()];
    for (const [i, page] of pair.entries()) {
      await signUp(page, `Racer${i}`);
      await page.goto(`/#/auction/${auctionId}`);
      await page.getByRole('form', { name: 'Place a bid' }).waitFor();
      await pageClock(page);
    }
    const latencies: number[] = [];
    for (let n = 0; n < BIDS; n++) {
      const [bidder, watcher] = (n % 2 === 0 ? pair : [pair[1], pair[0]]) as [Page, Page];
      const amount = `€${10 + n}.00`;
      const form = bidder.getByRole('form', { name: 'Place a bid' });
      await form.getByLabel(/^Your bid/).fill(String(10 + n));
      await form.getByRole('button', { name: 'Place bid' }).click();
      await watcher.waitForFunction((a) => (globalThis as unknown as Timed).__seen[a] !== undefined, amount);
      const clickedAt = await bidder.evaluate(() => (globalThis as unknown as Timed).__clickedAt);
      const seenAt = await watcher.evaluate((a) => (globalThis as unknown as Timed).__seen[a]!, amount);
      latencies.push(seenAt - clickedAt);
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
    const figures = {
      bids: BIDS,
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      max: sorted.at(-1)!,
      min: sorted[0]!,
    };
    mkdirSync('reports', { recursive: true });
    writeFileSync('reports/bid-latency.json', `${JSON.stringify({ ...figures, latencies }, null, 2)}\n`);
    console.log(
      `bid -> other bidder's screen (ms): ${JSON.stringify(figures, (_k, v: unknown) => (typeof v === 'number' ? Math.round(v * 10) / 10 : v))}`,
    );
    expect(people.problems()).toEqual([]);
    expect(figures.p99).toBeLessThanOrEqual(150);
  }, 120_000);
});
