import { Client } from 'pg';
import { POSTGRES_PROJECTION, REDIS_PROJECTION } from '../../src/projections';
import { call, createAuction, registerUser, startTestApp, type Reply } from '../support/testApp';

/**
 * One read model held back on purpose (its lease taken by a "maintenance" owner, as an operator
 * pausing it would) while a client reads the way the live page does: it sends the highest
 * position it has seen as X-Min-Position. Reads never go back in time and never 404 an auction
 * the other read model shows.
 */
describe('monotonic reads across the two read models', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  let db: Client;
  let seller: Awaited<ReturnType<typeof registerUser>>;
  let bidders: Array<Awaited<ReturnType<typeof registerUser>>>;

  beforeAll(async () => {
    t = await startTestApp({ label: 'monotonic' });
    db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    seller = await registerUser(t.url, 'seller');
    bidders = [await registerUser(t.url, 'alice'), await registerUser(t.url, 'bob')];
  });
  afterAll(async () => {
    await db.end();
    await t.stop();
  });

  const runner = (name: string) => t.app.projections.find((p) => p.name === name)!;

  async function holdBack(name: string) {
    await db.query(
      `INSERT INTO projection_leases (name, owner, expires_at) VALUES ($1, 'maintenance', now() + interval '1 hour')
       ON CONFLICT (name) DO UPDATE SET owner = 'maintenance', expires_at = EXCLUDED.expires_at`,
      [name],
    );
    const deadline = Date.now() + 10_000;
    while ((await runner(name).status()).state !== 'standby') {
      if (Date.now() > deadline) throw new Error(`${name} did not stand by`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const release = (name: string) =>
    db.query(`DELETE FROM projection_leases WHERE name = $1 AND owner = 'maintenance'`, [name]);

  /** A client as the live page is: it sends back the highest position it has seen. */
  function pageClient() {
    let highest: string | undefined;
    const saw = (position: unknown) => {
      if (typeof position === 'string' && position && (!highest || position > highest)) highest = position;
    };
    return {
      get highest() {
        return highest;
      },
      async get(path: string): Promise<Reply> {
        const reply = await call(t.url, 'GET', path, {
          headers: highest ? { 'X-Min-Position': highest } : {},
        });
        saw(reply.headers.get('X-Projection-Position'));
        return reply;
      },
      async post(path: string, token: string, body: unknown): Promise<Reply> {
        const reply = await call(t.url, 'POST', path, { token, body });
        saw(reply.body.position);
        return reply;
      },
      /** The seller creates an auction open for an hour; its id. */
      async createAuction(title: string, minIncrement: number): Promise<string> {
        const created = await this.post('/auctions', seller.token, {
          title,
          currency: 'EUR',
          startingPrice: 1000,
          minIncrement,
          endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        });
        return created.body.auctionId as string;
      },
    };
  }

  it('PostgreSQL held back: the bids of an auction Redis shows wait for it instead of a 404', async () => {
    await holdBack(POSTGRES_PROJECTION);
    const client = pageClient();
    try {
      const auctionId = await client.createAuction('Held back', 100);
      const placed = await client.post(`/auctions/${auctionId}/bids`, bidders[0]!.token, { amount: 1000 });
      expect(placed.status).toBe(201);

      const view = await client.get(`/auctions/${auctionId}`);
      expect(view.status).toBe(200); // Redis shows it
      expect(view.body.bidCount).toBe(1);

      // A fresh link without any position: PostgreSQL lacks the auction, Redis has it.
      setTimeout(() => void release(POSTGRES_PROJECTION), 1000);
      const started = Date.now();
      const bids = await call(t.url, 'GET', `/auctions/${auctionId}/bids`);
      expect(bids.status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900); // it waited for PostgreSQL
      expect((bids.body.items as Array<{ bidId: string }>).map((b) => b.bidId)).toEqual([placed.body.bidId]);
    } finally {
      await release(POSTGRES_PROJECTION);
    }
  });

  it('an unknown auction is still a 404 at once, with one model held back', async () => {
    await holdBack(POSTGRES_PROJECTION);
    try {
      const started = Date.now();
      const reply = await call(t.url, 'GET', `/auctions/${crypto.randomUUID()}/bids`);
      expect(reply.status).toBe(404);
      expect(reply.body.code).toBe('AUCTION_NOT_FOUND');
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await release(POSTGRES_PROJECTION);
    }
  });

  it('Redis held back: PostgreSQL answers as soon as it has the position, not after a wait on Redis', async () => {
    await holdBack(REDIS_PROJECTION);
    try {
      const auctionId = await createAuction(t.url, seller.token);
      const placed = await call(t.url, 'POST', `/auctions/${auctionId}/bids`, {
        token: bidders[1]!.token,
        body: { amount: 1000 },
      });
      const started = Date.now();
      const view = await call(t.url, 'GET', `/auctions/${auctionId}`, {
        headers: { 'X-Min-Position': placed.body.position as string },
      });
      expect(view.status).toBe(200);
      expect(view.body).toMatchObject({ auctionId, bidCount: 1, leadingBidderId: bidders[1]!.userId });
      expect(view.headers.get('X-Projection-Position')! >= (placed.body.position as string)).toBe(true);
      expect(Date.now() - started).toBeLessThan(2500);
    } finally {
      await release(REDIS_PROJECTION);
    }
  });

  it('X-Min-Position waits 5 s in all on GET /auctions/:id, not 5 s per read model', async () => {
    const auctionId = await createAuction(t.url, seller.token);
    await holdBack(REDIS_PROJECTION);
    await holdBack(POSTGRES_PROJECTION);
    try {
      const placed = await call(t.url, 'POST', `/auctions/${auctionId}/bids`, {
        token: bidders[0]!.token,
        body: { amount: 1000 },
      });
      const started = Date.now();
      const reply = await call(t.url, 'GET', `/auctions/${auctionId}`, {
        headers: { 'X-Min-Position': placed.body.position as string },
      });
      const waited = Date.now() - started;
      expect(reply.status).toBe(503);
      expect(reply.body.code).toBe('PROJECTION_LAGGING');
      expect(reply.headers.get('Retry-After')).toBe('1');
      expect(waited).toBeGreaterThanOrEqual(4900);
      expect(waited).toBeLessThan(6500);
    } finally {
      await release(REDIS_PROJECTION);
      await release(POSTGRES_PROJECTION);
    }
  });

  it('a page-pattern client never sees a 404 or an older state while each model in turn is held back', async () => {
    const client = pageClient();
    const auctionId = await client.createAuction('Alternating', 10);
    let lastRevision = -1;
    let bidsSeen = 0;
    let positionSeen = '';
    const read = async () => {
      const view = await client.get(`/auctions/${auctionId}`);
      expect(view.status).toBe(200);
      expect(view.body.revision as number).toBeGreaterThanOrEqual(lastRevision);
      expect(view.body.bidCount as number).toBeGreaterThanOrEqual(bidsSeen);
      lastRevision = view.body.revision as number;
      bidsSeen = view.body.bidCount as number;
      const bids = await client.get(`/auctions/${auctionId}/bids?limit=100`);
      expect(bids.status).toBe(200);
      expect((bids.body.items as unknown[]).length).toBeGreaterThanOrEqual(bidsSeen);
      for (const reply of [view, bids]) {
        const position = reply.headers.get('X-Projection-Position')!;
        expect(position >= positionSeen).toBe(true);
        positionSeen = position;
      }
    };
    let amount = 1000;
    for (const held of [POSTGRES_PROJECTION, REDIS_PROJECTION, POSTGRES_PROJECTION]) {
      await holdBack(held);
      const released = new Promise((r) => setTimeout(r, 1500)).then(() => release(held));
      for (let i = 0; i < 4; i++) {
        const placed = await client.post(`/auctions/${auctionId}/bids`, bidders[i % 2]!.token, { amount });
        expect(placed.status).toBe(201);
        amount += 10;
        await read();
      }
      await released;
    }
    expect(bidsSeen).toBe(12);
  });
});
