import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Router } from 'express';
import {
  answerClientError,
  apiDocsRoutes,
  buildOpenApi,
  createHttpApp,
  healthRoutes,
  httpShell,
  isDocumentedRouter,
  metricsRoutes,
  type FastLane,
  type HealthCheck,
} from '../platform';
import { commandProblemMembers } from '../commands';
import { namedSchemas } from './namedSchemas';
import { buildAsyncApi } from '../realtime';
import { problemPages } from '../web';
import type { Closers } from './closers';
import type { Infrastructure } from './infrastructure';
import { version } from './version';

/** What each tag of the API document is about. */
const API_TAGS: Record<string, string> = {
  Analytics: 'For analysts: the market summary, and what-if replays of closed auctions under other rules',
  Accounts: "Registration, login and the caller's own data",
  Auctions: 'Auctions and bids, read from the read models (send X-Min-Position to read your writes)',
  Commands: "Creating, bidding on and cancelling auctions: each appends to the auction's stream",
  History: 'The event log itself, for analysts: streams, time travel, export',
  Operations: 'Health, metrics, the API documents and the problem pages',
  Page: 'The live auction page',
  Watching:
    "The caller's watchlist (recorded in their own stream) and notifications (outbid, won, lost, ending soon, cancelled)",
};

const AUCTION_IN_PATH = /^\/auctions\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i;

/** A request's log line names the auction of its path, so one auction's requests can be followed. */
function auctionIdOfPath(path: string): Record<string, string> {
  const auctionId = AUCTION_IN_PATH.exec(path)?.[1];
  return auctionId ? { auctionId: auctionId.toLowerCase() } : {};
}

/** How long open HTTP connections may take to finish their requests when stopping. */
const SHUTDOWN_DRAIN_MS = 5000;

/** The OpenAPI document of the service, from every router's specs. */
const serviceOpenApi = (routers: Router[]) =>
  buildOpenApi({
    info: {
      title: 'Live auctions',
      version,
      contact: { name: 'The live-auctions team' },
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
      description:
        'Event-sourced live auctions. Live updates are on the WebSocket at /ws: its messages are described by the AsyncAPI document at [/asyncapi.json](/asyncapi.json).',
    },
    specs: routers.flatMap((r) => (isDocumentedRouter(r) ? r.routeSpecs : [])),
    named: namedSchemas,
    problemMembers: commandProblemMembers,
    tags: API_TAGS,
  });

/** Connections finish their current request and close; busy clients must not hold us open. */
async function drain(server: Server) {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  const cutOff = setTimeout(() => server.closeAllConnections(), SHUTDOWN_DRAIN_MS);
  server.closeIdleConnections();
  await closed;
  clearInterval(sweep);
  clearTimeout(cutOff);
}

/**
 * The HTTP server every role has (health, metrics, docs), with the api role's routers when it
 * runs, behind one shell; the hot auction route answers in front of express from memory.
 */
export function createHttpServer(
  infra: Infrastructure,
  parts: { routers: Router[]; checks: HealthCheck[]; fastLanes?: FastLane[] },
  closers: Closers,
) {
  const { config, logger, metrics } = infra;
  // The document describes itself too: it is built once, from every router's specs, before any request.
  let asyncApi: object | undefined;
  const routers = [
    metricsRoutes(metrics, config.metricsToken),
    healthRoutes(parts.checks),
    problemPages(),
    ...parts.routers,
    apiDocsRoutes(
      () => openApi,
      () => (asyncApi ??= buildAsyncApi(version)),
    ),
  ];
  const openApi = serviceOpenApi(routers);
  const app = createHttpApp({ logger, routers, trustProxy: config.trustProxy });

  const shell = httpShell({ logger, metrics, corsOrigins: config.corsOrigins, logFieldsOf: auctionIdOfPath });
  let draining = false;
  // While stopping, every request takes express, which closes its kept-alive connection.
  const lanes = (parts.fastLanes ?? []).map((lane) => ({
    ...lane,
    lookup: (req: IncomingMessage) => (draining ? undefined : lane.lookup(req)),
  }));
  const server = createServer(
    shell.fast(lanes, (req, res) => {
      if (draining) res.setHeader('Connection', 'close');
      app(req, res);
    }),
  );
  server.on('clientError', answerClientError);
  closers.add('http server', async () => {
    draining = true;
    await drain(server);
  });

  const listen = async () => {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, resolve);
    });
    return (server.address() as AddressInfo).port;
  };
  return { server, app, openApi, listen };
}
