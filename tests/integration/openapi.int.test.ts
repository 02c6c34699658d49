/**
 * The OpenAPI document against the running app: it is valid OpenAPI 3.1; every route express
 * registers is documented and every documented route is registered; and a real call to every
 * documented operation answers with a body its documented schema accepts.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import sharp from 'sharp';
import path from 'node:path';
import type { Express } from 'express';
import { getTokenIssuer } from '../../src/auth';
import { openApiPath } from '../../src/platform';
import { replyChecker, type OpenApiDocument } from '../support/openApiReplies';
import { waitUntil } from '../support/readModelSnapshot';
import {
  TEST_JWT_SECRET,
  call,
  createAuction,
  inSeconds,
  registerUser,
  startTestApp,
} from '../support/testApp';

type Document = OpenApiDocument;

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** `METHOD /path` of every route in the express app, routers included. */
function registeredRoutes(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && method !== '_all') found.push(`${method.toUpperCase()} ${openApiPath(layer.route.path)}`);
        }
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return found.sort();
}

const documentedRoutes = (doc: Document) =>
  Object.entries(doc.paths)
    .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();

describe('the OpenAPI document', () => {
  let server: Awaited<ReturnType<typeof startTestApp>>;
  let doc: Document;

  beforeAll(async () => {
    server = await startTestApp({
      label: 'openapi',
      env: { PAYMENT_DUE_SECONDS: '2', OFFER_TTL_SECONDS: '60', SCHEDULER_SWEEP_SECONDS: '1' },
    });
    const res = await fetch(`${server.url}/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as Document;
  });
  afterAll(() => server.stop());

  it('is valid OpenAPI 3.1', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const output = await new Promise<string>((resolve, reject) => {
      const child = execFile(
        process.execPath,
        [path.join(__dirname, '../support/validateOpenApi.mjs')],
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      );
      child.stdin!.end(JSON.stringify(doc));
    });
    const result = JSON.parse(output) as { valid: boolean; errors: unknown[] };
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents every registered route, and registers every documented one', () => {
    const registered = registeredRoutes(server.app.httpApp);
    expect(registered.length).toBeGreaterThan(10);
    expect(documentedRoutes(doc)).toEqual(registered);
    // The routes of the contract (api.md) are all there.
    for (const route of [
      'POST /auth/register',
      'POST /auth/login',
      'GET /me',
      'POST /auctions',
      'POST /auctions/{id}/bids',
      'POST /auctions/{id}/cancel',
      'POST /auctions/{id}/buy-now',
      'GET /auctions',
      'GET /auctions/{id}',
      'GET /auctions/{id}/bids',
      'GET /auctions/{id}/bids/{bidId}',
      'GET /problems/{code}',
      'GET /me/bids',
      'PUT /me/watchlist/{auctionId}',
      'DELETE /me/watchlist/{auctionId}',
      'GET /me/watchlist',
      'GET /me/notifications',
      'GET /analytics/summary',
      'POST /analytics/what-if',
      'GET /auctions/{id}/events',
      'GET /auctions/{id}/state',
      'GET /events',
      'GET /health/live',
      'GET /health/ready',
      'GET /metrics',
      'GET /openapi.json',
      'GET /',
    ])
      expect(registered).toContain(route);
  });

  it('is the document the web app is typed against (web/src/generated, written by npm run web:api)', async () => {
    // A change of the contract shows here first; once the files are written again, the web
    // app's typecheck tells whether a page still fits the contract.
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'openapi-')), 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const cli = path.join(__dirname, '../../src/cli/writeWebApi.ts');
    const result = spawnSync(process.execPath, ['--import', 'tsx', cli, '--from', file, '--check'], {
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('serves the Swagger UI at /docs', async () => {
    // A GET is retried once on a reset: a kept-alive socket the server closed just as it was
    // reused (its keep-alive timeout, met under CI's load) is the client's to retry.
    const res = await fetch(`${server.url}/docs/`).catch(() => fetch(`${server.url}/docs/`));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('swagger-ui');
    const init = await fetch(`${server.url}/docs/swagger-ui-init.js`);
    expect(init.status).toBe(200);
    expect(await init.text()).toContain('/auctions/{id}/bids');
  });

  it('answers every documented operation with a body its schema accepts', async () => {
    const url = server.url;
    const seller = await registerUser(url, 'seller');
    const bidder = await registerUser(url, 'bidder');
    const analyst = getTokenIssuer(TEST_JWT_SECRET, 600).issue({
      sub: bidder.userId,
      roles: ['bidder', 'analyst'],
    });
    const auctionId = await createAuction(url, seller.token, { reservePrice: 5000 });
    const spare = await createAuction(url, seller.token);
    const bid = await call(url, 'POST', `/auctions/${auctionId}/bids`, {
      token: bidder.token,
      body: { amount: 1000, maxAmount: 2000 },
    });
    const sync = { 'X-Min-Position': bid.body.position as string };
    const exercised = new Set<string>();
    const checkReply = replyChecker(doc);

    const check = async (
      method: string,
      path: string,
      documentedPath: string,
      options: { token?: string; body?: unknown; headers?: Record<string, string>; file?: Buffer } = {},
    ) => {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: {
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(options.body ? { 'content-type': 'application/json' } : {}),
          ...options.headers,
        },
        body: options.file ?? (options.body ? JSON.stringify(options.body) : undefined),
      });
      const text = await res.text();
      checkReply(method, documentedPath, res.status, res.headers.get('content-type'), text);
      exercised.add(`${method} ${documentedPath}`);
      return text;
    };

    const page = await check('GET', '/', '/');
    for (const file of page.match(/\/assets\/[A-Za-z0-9._-]+/g) ?? [])
      await check('GET', file, '/assets/{name}');
    await check('GET', '/openapi.json', '/openapi.json');
    await check('GET', '/asyncapi.json', '/asyncapi.json');
    await check('GET', '/metrics', '/metrics');
    await check('GET', '/health/live', '/health/live');
    await check('GET', '/health/ready', '/health/ready');
    const email = `doc-${Date.now()}@example.test`;
    await check('POST', '/auth/register', '/auth/register', {
      body: { email, password: 'correct horse battery', displayName: 'Doc' },
    });
    await check('POST', '/auth/login', '/auth/login', {
      body: { email, password: 'correct horse battery' },
    });
    await check('GET', '/me', '/me', { token: seller.token });
    await check('POST', '/auth/token', '/auth/token', { token: seller.token });
    await check('POST', '/auctions', '/auctions', {
      token: seller.token,
      body: {
        title: 'Lamp',
        currency: 'EUR',
        startingPrice: 0,
        endsAt: new Date(Date.now() + 60_000).toISOString(),
      },
    });
    await check('POST', `/auctions/${auctionId}/bids`, '/auctions/{id}/bids', {
      token: bidder.token,
      body: { amount: 1500 },
    });
    const sparePhoto = JSON.parse(
      await check('POST', `/auctions/${spare}/photos`, '/auctions/{id}/photos', {
        token: seller.token,
        file: await sharp({ create: { width: 8, height: 8, channels: 3, background: 'red' } })
          .webp()
          .toBuffer(),
        headers: { 'content-type': 'image/webp' },
      }),
    ) as { photoId: string };
    await check(
      'DELETE',
      `/auctions/${spare}/photos/${sparePhoto.photoId}`,
      '/auctions/{id}/photos/{photoId}',
      {
        token: seller.token,
      },
    );
    await check('POST', `/auctions/${spare}/cancel`, '/auctions/{id}/cancel', {
      token: seller.token,
      body: { reason: 'changed my mind' },
    });
    const forSale = await createAuction(url, seller.token, { buyNowPrice: 3000 });
    await check('POST', `/auctions/${forSale}/buy-now`, '/auctions/{id}/buy-now', {
      token: bidder.token,
      body: {},
    });
    const later = await createAuction(url, seller.token, {
      endsAt: new Date(Date.now() + 2 * 24 * 3600_000).toISOString(),
    });
    const bidOn = async () =>
      (
        JSON.parse(
          await check('POST', `/auctions/${later}/bids`, '/auctions/{id}/bids', {
            token: bidder.token,
            body: { amount: 1500 },
          }),
        ) as { bidId: string }
      ).bidId;
    await bidOn();
    await check('POST', `/auctions/${later}/retract`, '/auctions/{id}/retract', {
      token: bidder.token,
      body: { reason: 'typo' },
    });
    await check(
      'POST',
      `/auctions/${later}/bids/${await bidOn()}/cancel`,
      '/auctions/{id}/bids/{bidId}/cancel',
      {
        token: seller.token,
        body: { reason: 'not a real bidder' },
      },
    );
    const photo = JSON.parse(
      await check('POST', `/auctions/${auctionId}/photos`, '/auctions/{id}/photos', {
        token: seller.token,
        file: await sharp({ create: { width: 60, height: 40, channels: 3, background: 'blue' } })
          .png()
          .toBuffer(),
        headers: { 'content-type': 'image/png' },
      }),
    ) as { photoId: string };
    await check('GET', `/photos/${photo.photoId}`, '/photos/{id}');
    await check('GET', `/photos/${photo.photoId}/thumbnail`, '/photos/{id}/thumbnail');
    await check('GET', '/auctions?status=open', '/auctions', { headers: sync });
    await check('GET', `/auctions/${auctionId}`, '/auctions/{id}', { headers: sync });
    const asSeller = JSON.parse(
      await check('GET', `/auctions/${auctionId}`, '/auctions/{id}', { token: seller.token, headers: sync }),
    ) as { reservePrice: number };
    expect(asSeller.reservePrice).toBe(5000);
    await check('GET', `/auctions/${auctionId}/bids`, '/auctions/{id}/bids', { headers: sync });
    await check(
      'GET',
      `/auctions/${auctionId}/bids/${bid.body.bidId as string}`,
      '/auctions/{id}/bids/{bidId}',
      {
        headers: sync,
      },
    );
    await check('GET', '/problems/BID_TOO_LOW', '/problems/{code}');
    await check('GET', '/me/bids', '/me/bids', { token: bidder.token, headers: sync });
    await check('PUT', `/me/watchlist/${auctionId}`, '/me/watchlist/{auctionId}', { token: bidder.token });
    await check('GET', '/me/watchlist', '/me/watchlist', { token: bidder.token });
    await check('DELETE', `/me/watchlist/${auctionId}`, '/me/watchlist/{auctionId}', { token: bidder.token });
    await check('GET', '/me/notifications', '/me/notifications', { token: bidder.token, headers: sync });
    await check('PUT', '/me/watchlist/00000000-0000-4000-8000-000000000000', '/me/watchlist/{auctionId}', {
      token: bidder.token,
    });
    await check('GET', `/auctions/${auctionId}/events`, '/auctions/{id}/events', { token: analyst });
    await check('GET', `/auctions/${auctionId}/state?revision=1`, '/auctions/{id}/state', { token: analyst });
    await check('GET', '/events?limit=5', '/events', { token: analyst });
    await check('GET', '/analytics/summary?currency=EUR', '/analytics/summary', { token: analyst });
    await check('POST', '/analytics/what-if', '/analytics/what-if', {
      token: analyst,
      body: { auctionIds: [auctionId], rules: { proxyBidding: false } },
    });
    await check('POST', '/analytics/what-if', '/analytics/what-if', {
      token: analyst,
      body: { rules: { minIncrement: 'ladder' }, from: '2020-01-01T00:00:00Z' },
    });

    const sale = await check('POST', '/sales', '/sales', {
      token: seller.token,
      body: { title: 'Sale', currency: 'EUR', startsAt: inSeconds(600), firstLotEndsAt: inSeconds(3600) },
    });
    const saleId = (JSON.parse(sale) as { saleId: string }).saleId;
    const lot = await check('POST', `/sales/${saleId}/lots`, '/sales/{id}/lots', {
      token: seller.token,
      body: { title: 'Lot 1', startingPrice: 100, reservePrice: 200 },
    });
    const saleSync = { 'X-Min-Position': (JSON.parse(lot) as { position: string }).position };
    await check('GET', '/sales?limit=1', '/sales', { headers: saleSync });
    await check('GET', `/sales/${saleId}`, '/sales/{id}', { headers: saleSync });
    await check('GET', `/sales/${saleId}/lots`, '/sales/{id}/lots', { headers: saleSync });
    await check('POST', `/sales/${saleId}/cancel`, '/sales/{id}/cancel', { token: seller.token, body: {} });
    await check('POST', `/sales/${saleId}/lots`, '/sales/{id}/lots', {
      token: seller.token,
      body: { title: 'Too late', startingPrice: 100 },
    });
    await check('GET', '/sales/00000000-0000-4000-8000-000000000000', '/sales/{id}');
    await check('PUT', `/me/watchlist/sales/${saleId}`, '/me/watchlist/sales/{saleId}', {
      token: bidder.token,
    });
    await check('DELETE', `/me/watchlist/sales/${saleId}`, '/me/watchlist/sales/{saleId}', {
      token: bidder.token,
    });
    await check(
      'PUT',
      '/me/watchlist/sales/00000000-0000-4000-8000-000000000000',
      '/me/watchlist/sales/{saleId}',
      {
        token: bidder.token,
      },
    );

    // Who may bid: registrations, blocks, suspension and its history.
    const strict = await call(url, 'POST', '/sales', {
      token: seller.token,
      body: {
        title: 'Strict',
        currency: 'EUR',
        firstLotEndsAt: new Date(Date.now() + 86_400_000).toISOString(),
        requiresApproval: true,
      },
    });
    const strictId = strict.body.saleId as string;
    await check('POST', `/sales/${strictId}/registrations`, '/sales/{id}/registrations', {
      token: bidder.token,
      body: {},
    });
    await check('GET', `/sales/${strictId}/registrations`, '/sales/{id}/registrations', {
      token: seller.token,
    });
    await check('GET', '/me/registrations', '/me/registrations', { token: bidder.token });
    const registration = `/sales/${strictId}/registrations/${bidder.userId}`;
    await check('POST', `${registration}/approve`, '/sales/{id}/registrations/{userId}/approve', {
      token: seller.token,
      body: {},
    });
    await check('POST', `${registration}/decline`, '/sales/{id}/registrations/{userId}/decline', {
      token: seller.token,
      body: { reason: 'no deposit' },
    });
    const blocked = `/me/blocked-bidders/${bidder.userId}`;
    await check('PUT', blocked, '/me/blocked-bidders/{userId}', { token: seller.token });
    await check('GET', '/me/blocked-bidders', '/me/blocked-bidders', { token: seller.token });
    await check('DELETE', blocked, '/me/blocked-bidders/{userId}', { token: seller.token });
    const admin = getTokenIssuer(TEST_JWT_SECRET, 600).issue({ sub: seller.userId, roles: ['admin'] });
    const suspendee = await registerUser(url, 'suspendee');
    await check('GET', `/admin/users?email=${encodeURIComponent(suspendee.email)}`, '/admin/users', {
      token: admin,
    });
    await check('POST', `/admin/users/${suspendee.userId}/suspend`, '/admin/users/{id}/suspend', {
      token: admin,
      body: { reason: 'test' },
    });
    await check('POST', `/admin/users/${suspendee.userId}/reinstate`, '/admin/users/{id}/reinstate', {
      token: admin,
      body: {},
    });
    await check('GET', `/admin/users/${suspendee.userId}/history`, '/admin/users/{id}/history', {
      token: admin,
    });

    // After the hammer: an invoice, checkout, a payment, the deadline, a second chance, erasure.
    const runnerUp = await registerUser(url, 'runner-up');
    const sold = await createAuction(url, seller.token, { endsAt: inSeconds(2) });
    const unsold = await createAuction(url, seller.token, { endsAt: inSeconds(2), reservePrice: 50_000 });
    for (const [id, user, amount] of [
      [sold, runnerUp, 1000],
      [sold, bidder, 1100],
      [unsold, runnerUp, 1000],
    ] as const)
      expect(
        (await call(url, 'POST', `/auctions/${id}/bids`, { token: user.token, body: { amount } })).status,
      ).toBe(201);
    const invoiceOf = async () =>
      (
        (await call(url, 'GET', '/me/invoices', { token: bidder.token })).body.items as Array<
          Record<string, unknown>
        >
      ).find((i) => i.auctionId === sold);
    await waitUntil(async () => Boolean(await invoiceOf()), 20_000, 'the invoice');
    const invoiceId = String((await invoiceOf())!.invoiceId);
    await check('GET', '/me/invoices', '/me/invoices', { token: bidder.token });
    await check('GET', '/me/sales-invoices', '/me/sales-invoices', { token: seller.token });
    await check('GET', `/invoices/${invoiceId}`, '/invoices/{id}', { token: bidder.token });
    await check('PUT', `/invoices/${invoiceId}/checkout`, '/invoices/{id}/checkout', {
      token: bidder.token,
      body: {
        name: 'A Buyer',
        address: { line1: '1 Road', city: 'Town', postalCode: '1000', country: 'BE' },
      },
    });
    await check('POST', `/invoices/${invoiceId}/payments`, '/invoices/{id}/payments', {
      token: seller.token,
      body: { amount: 100, method: 'cash', reference: 'till 3' },
    });
    await check('GET', '/me/data', '/me/data', { token: bidder.token });
    await waitUntil(async () => (await invoiceOf())?.status === 'overdue', 20_000, 'overdue');
    await check('POST', `/auctions/${sold}/second-chance`, '/auctions/{id}/second-chance', {
      token: seller.token,
      body: {},
    });
    const offered = await call(url, 'POST', `/auctions/${unsold}/second-chance`, {
      token: seller.token,
      body: {},
    });
    await call(url, 'GET', '/me/offers', {
      token: runnerUp.token,
      headers: { 'X-Min-Position': String(offered.body.position) },
    });
    await check('GET', '/me/offers', '/me/offers', { token: runnerUp.token });
    const offers = (await call(url, 'GET', '/me/offers', { token: runnerUp.token })).body.items as Array<
      Record<string, unknown>
    >;
    const onSold = offers.find((o) => o.auctionId === sold)!;
    await check('POST', `/offers/${String(onSold.offerId)}/decline`, '/offers/{id}/decline', {
      token: runnerUp.token,
      body: {},
    });
    await check('POST', `/offers/${String(offered.body.offerId)}/accept`, '/offers/{id}/accept', {
      token: runnerUp.token,
      body: {},
    });
    const leaving = await registerUser(url, 'leaving');
    await check('DELETE', '/me', '/me', {
      token: leaving.token,
      body: { password: 'correct horse battery' },
    });

    // Documented problems answer as documented too.
    await check('GET', '/auctions/00000000-0000-4000-8000-000000000000', '/auctions/{id}');
    await check('POST', `/auctions/${auctionId}/bids`, '/auctions/{id}/bids', {
      token: seller.token,
      body: { amount: 99_999 },
    });
    await check('GET', '/events', '/events', { token: bidder.token });
    await check('POST', '/auctions', '/auctions', { body: {} });

    expect([...exercised].sort()).toEqual(documentedRoutes(doc));
  });
});
