import { auctionStreamId, evolve, minimumBid, toAuctionEvent, type AuctionState } from '../../src/auction';
import { call, createAuction, registerUser, startTestApp } from '../support/testApp';

describe('500 bids from 20 users through two instances', () => {
  it('leaves a valid history: every 201 bid once, no refused bid, dense revisions', async () => {
    const a = await startTestApp({ label: 'bid_concurrency' });
    const b = await startTestApp({ databaseUrl: a.databaseUrl });
    try {
      const seller = await registerUser(a.url, 'seller');
      const users = await Promise.all(
        Array.from({ length: 20 }, (_, i) => registerUser(i % 2 ? a.url : b.url, `bidder${i}`)),
      );
      const auctionId = await createAuction(a.url, seller.token, { minIncrement: 10, startingPrice: 100 });

      /** Each 201 bid and the revision its reply named. */
      const accepted = new Map<string, number>();
      const refused: Array<{ status: number; code: unknown }> = [];
      let sent = 0;
      let lastSeenPrice = 100;
      await Promise.all(
        users.map(async (user, i) => {
          const server = i % 2 ? a.url : b.url;
          while (sent < 500) {
            sent++;
            // Some bids race the price (may be too low), some carry a ceiling.
            const amount = lastSeenPrice + 10 * (1 + Math.floor(Math.random() * 3));
            const body = sent % 7 === 0 ? { amount, maxAmount: amount + 200 } : { amount };
            const res = await call(server, 'POST', `/auctions/${auctionId}/bids`, {
              token: user.token,
              body,
            });
            if (res.status === 201) {
              accepted.set(res.body.bidId as string, res.body.revision as number);
              lastSeenPrice = Math.max(lastSeenPrice, res.body.currentPrice as number);
            } else {
              refused.push({ status: res.status, code: res.body.code });
            }
          }
        }),
      );

      expect(accepted.size + refused.length).toBe(500);
      expect(accepted.size).toBeGreaterThan(20); // not vacuous: many bids race the price and lose
      for (const r of refused) expect([422]).toContain(r.status);
      for (const r of refused) expect(r.code).toBe('BID_TOO_LOW');

      const events = await a.app.eventStore.readStream(auctionStreamId(auctionId));
      expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => BigInt(i)));

      // Replay command by command: each accepted bid met the minimum at its place in the stream.
      let state: AuctionState = null;
      const ownBidIds: string[] = [];
      for (let i = 0; i < events.length;) {
        const commandId = (events[i]!.metadata as { commandId: string }).commandId;
        const before = state;
        while (i < events.length && (events[i]!.metadata as { commandId: string }).commandId === commandId) {
          const e = events[i]!;
          const event = toAuctionEvent(e);
          if (event.type === 'BidPlaced' && !event.data.auto) {
            expect(event.data.amount).toBeGreaterThanOrEqual(minimumBid(before!));
            ownBidIds.push(event.data.bidId);
          }
          // The leader bidding again only raised their ceiling: recorded privately, with its bidId.
          if (event.type === 'MaxBidRaised') ownBidIds.push(event.data.bidId);
          state = evolve(state, event);
          i++;
        }
      }
      // Every 201 bid appears exactly once, and nothing else does.
      expect(new Set(ownBidIds).size).toBe(ownBidIds.length);
      // Each reply's revision is the last event of the command that recorded that bid.
      for (const [bidId, revision] of accepted) {
        const own = events.find(
          (e) =>
            (e.type === 'BidPlaced' || e.type === 'MaxBidRaised') &&
            (e.data as { bidId: string }).bidId === bidId,
        )!;
        const commandId = (own.metadata as { commandId: string }).commandId;
        const ofCommand = events.filter((e) => (e.metadata as { commandId: string }).commandId === commandId);
        expect(Number(ofCommand.at(-1)!.revision)).toBe(revision);
      }
      expect(new Set(ownBidIds)).toEqual(new Set(accepted.keys()));
    } finally {
      await b.stop();
      await a.stop();
    }
  });
});
