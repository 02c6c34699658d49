import { createServer, type IncomingMessage } from 'node:http';
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
import { namedSchemas } from './namedSchemas';
import { buildAsyncApi } from '../realtime';
import { problemPages } from '../web';
import type { Closers } from './closers';
import type { Infrastructure } from './infrastructure';
import { version } from './version';

/** How long open HTTP connections may take to finish their requests when stopping. */
const SHUTDOWN_DRAIN_MS = 5000;

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
  const openApi = buildOpenApi(
    {
      title: 'Live auctions',
      version,
      contact: { name: 'The live-auctions team' },
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
      description:
        'Event-sourced live auctions. Live updates are on the WebSocket at /ws: its messages are described by the AsyncAPI document at [/asyncapi.json](/asyncapi.json).',
    },
    routers.flatMap((r) => (isDocumentedRouter(r) ? r.routeSpecs : [])),
    namedSchemas,
  );
  const app = createHttpApp({ logger, routers, trustProxy: config.trustProxy });

  const shell = httpShell({ logger, metrics, corsOrigins: config.corsOrigins });
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
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Connections finish their current request and close; busy clients must not hold us open.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const cutOff = setTimeout(() => server.closeAllConnections(), SHUTDOWN_DRAIN_MS);
    server.closeIdleConnections();
    await closed;
    clearInterval(sweep);
    clearTimeout(cutOff);
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
