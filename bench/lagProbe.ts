import jwt from 'jsonwebtoken';
import { v7 as uuidv7 } from 'uuid';

// Rising across calls, so a later probe on the same auction is not refused as too low.
let amount = 1_000_000_000;

/**
 * Measures what a client sees: from the 201 reply of a bid (its append has committed) to the
 * read models showing it: the Redis view (`GET /auctions/:id` at the reply's revision) and the
 * PostgreSQL bids list (`GET /auctions/:id/bids` listing the bid). A bid every `everyMs` (200): the probe itself adds little load.
 */
export async function lagProbe(options: {
  url: string;
  auctionId: string;
  secret: string;
  seconds: number;
  everyMs?: number;
}) {
  // Two bidders taking turns: each probe bid is a bid (a leader bidding again only raises a ceiling).
  const tokens = [0, 1].map(() =>
    jwt.sign({ sub: uuidv7(), roles: ['bidder'] }, options.secret, { algorithm: 'HS256', expiresIn: 3600 }),
  );
  let turn = 0;
  const redisLag: number[] = [];
  const postgresLag: number[] = [];
  const deadline = Date.now() + options.seconds * 1000;
  const waitFor = async (path: string, shows: (body: unknown) => boolean, since: number) => {
    for (;;) {
      const res = await fetch(`${options.url}${path}`);
      if (shows(await res.json())) return performance.now() - since;
      if (performance.now() - since > 10_000) return Number.POSITIVE_INFINITY;
      await new Promise((r) => setTimeout(r, 3));
    }
  };
  while (Date.now() < deadline) {
    const res = await fetch(`${options.url}/auctions/${options.auctionId}/bids`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[turn++ % 2]}` },
      body: JSON.stringify({ amount: (amount += 1000) }),
    });
    const acked = performance.now();
    const reply = (await res.json()) as { revision: number; bidId: string };
    if (res.status !== 201) {
      await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 200));
      continue;
    }
    const [r, p] = await Promise.all([
      waitFor(
        `/auctions/${options.auctionId}`,
        (b) => (b as { revision: number }).revision >= reply.revision,
        acked,
      ),
      waitFor(
        `/auctions/${options.auctionId}/bids?limit=1`,
        (b) => (b as { items: Array<{ bidId: string }> }).items[0]?.bidId === reply.bidId,
        acked,
      ),
    ]);
    redisLag.push(r);
    postgresLag.push(p);
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 200));
  }
  const pct = (xs: number[], p: number) =>
    Math.round([...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN);
  return {
    samples: redisLag.length,
    redis: { p50: pct(redisLag, 0.5), p99: pct(redisLag, 0.99) },
    postgres: { p50: pct(postgresLag, 0.5), p99: pct(postgresLag, 0.99) },
  };
}
