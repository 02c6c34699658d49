/**
 * Seeds an event log with realistic auction histories, made by the real decider:
 * `AUCTIONS` auctions (default 10,000) of one AuctionCreated and `BIDS` bids each (default 99),
 * 1,000,000 events by default, into DATABASE_URL (default postgres://.../auctions_bench_log).
 *   npm run bench:seed
 */
import { v7 as uuidv7 } from 'uuid';
import { getPostgresEventStore } from '../src/events';
import {
  auctionStreamId,
  type AuctionEvent,
  decide,
  evolveAll,
  minimumBid,
  type Auction,
  type AuctionState,
} from '../src/auction';
import { createKnex, createPool, ensureDatabase, runMigrations } from '../src/platform';
import { MIGRATIONS } from '../src/app';

export const SEED_DATABASE_URL =
  process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/auctions_bench_log';

/**
 * The events of one auction with `bids` bids from three bidders, each at the minimum bid (every
 * fifth with a ceiling above it, so proxies answer); `closed`: it ended a week after `now` and
 * was closed then (give a `now` more than a week ago).
 */
export function auctionHistory(
  bids: number,
  now: Date,
  closed = false,
): { auctionId: string; events: AuctionEvent[] } {
  const auctionId = uuidv7();
  const bidders = [uuidv7(), uuidv7(), uuidv7()];
  let state: AuctionState = null;
  const events: AuctionEvent[] = [];
  const run = (command: Parameters<typeof decide>[0]) => {
    const produced = decide(command, state);
    state = evolveAll(produced, state);
    events.push(...produced);
  };
  run({
    type: 'CreateAuction',
    now,
    data: {
      auctionId,
      sellerId: uuidv7(),
      title: `Seeded lot ${auctionId.slice(-6)}`,
      description: 'An auction made by the seeding script.',
      currency: 'EUR',
      startingPrice: 100,
      reservePrice: 5000,
      minIncrement: null,
      startsAt: now.toISOString(),
      endsAt: new Date(now.getTime() + 7 * 86_400_000).toISOString(),
      softClose: { windowSeconds: 60, extensionSeconds: 60 },
    },
  });
  for (let i = 0; i < bids; i++) {
    run({
      type: 'PlaceBid',
      now,
      data: {
        bidId: uuidv7(),
        autoBidId: uuidv7(),
        bidderId: bidders[i % 3]!,
        amount: minimumBid(state as unknown as Auction),
        ...(closed && i % 5 === 0 ? { maxAmount: minimumBid(state as unknown as Auction) * 2 } : {}),
      },
    });
  }
  if (closed) run({ type: 'CloseAuction', now: new Date((state as unknown as Auction).endsAt) });
  return { auctionId, events };
}

export async function seedLog(
  databaseUrl: string,
  auctions: number,
  bids: number,
  closed = false,
): Promise<number> {
  await ensureDatabase(databaseUrl);
  const knex = createKnex(databaseUrl, 2);
  await runMigrations(knex, MIGRATIONS);
  await knex.destroy();
  const pool = createPool(databaseUrl, 8);
  const store = getPostgresEventStore({ pool, connectionString: databaseUrl });
  const now = closed ? new Date(Date.now() - 8 * 86_400_000) : new Date();
  let made = 0;
  let written = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (made < auctions) {
        made++;
        const { auctionId, events } = auctionHistory(bids, now, closed);
        await store.appendToStream(auctionStreamId(auctionId), events, { expectedRevision: 'no_stream' });
        written += events.length;
      }
    }),
  );
  await store.close();
  await pool.end();
  return written;
}

if (require.main === module) {
  const auctions = Number(process.env.AUCTIONS ?? 10_000);
  const bids = Number(process.env.BIDS ?? 99);
  const started = Date.now();
  seedLog(SEED_DATABASE_URL, auctions, bids).then(
    (n) =>
      console.log(
        `seeded ${n} events in ${((Date.now() - started) / 1000).toFixed(1)} s into ${SEED_DATABASE_URL}`,
      ),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
