import { type AuctionView } from '../auction';
import type { Server } from 'node:http';
import type { Request, Router } from 'express';
import { accountsRoutes, getAccountsStore, getJwtAuth, getTokenIssuer } from '../auth';
import {
  commandRoutes,
  getPlaceBid,
  getWatchlistCommands,
  placeBidFastLane,
  watchlistCommandRoutes,
  type CommandHandler,
} from '../commands';
import { rateLimit, unlimited, type FastLane, type RateLimitConfig } from '../platform';
import {
  postgresReadModel,
  renderStoredView,
  getRedisAuctionViews,
  subscribeChanges,
  subscribeNotifications,
} from '../projections';
import {
  bidQueryRoutes,
  getAuctionQueries,
  getBidPosition,
  getHotViews,
  historyRoutes,
  hotAuctionLane,
  queryRoutes,
  analyticsRoutes,
  getAnalyticsQueries,
  getNotificationQueries,
  notificationRoutes,
  photoRoutes,
  getSaleQueries,
} from '../read-api';
import { getAuctionHistory, getCurrentView, getRealtimeGateway } from '../realtime';
import { pageRoutes } from '../web';
import type { Closers } from './closers';
import { accessOf, afterHammerRoutes, saleRoutes, whoMayBidRoutes } from './apiRouteGroups';
import type { Infrastructure } from './infrastructure';
import type { StartOptions } from './startOptions';

/** The Redis-kept rate limits (each undefined when not configured): bids per user, auth per address. */
function rateLimitsOf({ config, redis, metrics }: Infrastructure) {
  const limit = (name: string, settings: RateLimitConfig | undefined, keyOf: (req: Request) => string) =>
    settings &&
    rateLimit({
      ...settings,
      name,
      redis,
      keyPrefix: config.redisKeyPrefix,
      keyOf,
      onLimited: () => metrics.rateLimited.inc({ limit: name }),
    });
  return {
    bids: limit('bids', config.bidRateLimit, (req) => req.auth!.userId),
    auth: limit('auth', config.authRateLimit, (req) => req.ip ?? 'unknown'),
  };
}

/** The auction's read routes: its views and lists, and its bids. */
const readRoutes = (deps: Parameters<typeof queryRoutes>[0] & Parameters<typeof bidQueryRoutes>[0]) => [
  queryRoutes(deps),
  bidQueryRoutes(deps),
];

/** The sales' routes: commands (through the sale's stream and the auctions' handler) and reads. */
/** The current view of an auction for a new subscriber: Redis (its status at this time), else PostgreSQL. */
const currentViewOf =
  (views: ReturnType<typeof getRedisAuctionViews>, queries: ReturnType<typeof getAuctionQueries>) =>
  async (auctionId: string) => {
    const { view } = await views.fetch(auctionId).catch(() => ({ view: undefined }));
    if (view) {
      // As stored, a scheduled auction says so after its start too: the status is the time's.
      const rendered = renderStoredView(view, undefined, Date.now());
      return typeof rendered === 'string' ? (JSON.parse(rendered) as AuctionView) : rendered;
    }
    return queries.get(auctionId, undefined, new Date());
  };

/**
 * The api role's HTTP routes: accounts, commands, queries, history and the live page. One bid
 * pipeline (placeBid): the express route and the fast lane both hand their bids to it.
 */
export function apiRoutes(infra: Infrastructure, handler: CommandHandler, closers: Closers) {
  const { config, knex, redis, eventStore } = infra;
  const tokens = getTokenIssuer(config.jwtSecret, config.jwtTtlSeconds);
  const auth = getJwtAuth(tokens.key);
  const { requireAuth: anyUser, optionalAuth, requireRole } = auth;
  const { access, requireAuth } = accessOf(infra, anyUser, closers);
  const { bids: bidRateLimit, ...limits } = rateLimitsOf(infra);
  const placeBid = getPlaceBid({ handler, clock: () => new Date(), access });
  const queries = getAuctionQueries(knex);
  const [views, hot] = [getRedisAuctionViews(redis, config.redisKeyPrefix), getHotViews()];
  const postgresCheckpoint = postgresReadModel(knex);
  const postgresPosition = () => postgresCheckpoint.readCheckpoint();
  const routers: Router[] = [
    accountsRoutes({
      accounts: getAccountsStore(knex),
      tokens,
      requireAuth: anyUser,
      authRateLimit: limits.auth ?? unlimited('auth'),
    }),
    commandRoutes({
      handler,
      placeBid,
      requireAuth,
      bidRateLimit: bidRateLimit ?? unlimited('bids'),
      photos: { eventStore, blobs: infra.blobs },
      eventStore,
      access,
    }),
    ...whoMayBidRoutes(infra, access, { anyUser, requireAuth, requireRole }),
    photoRoutes({ blobs: infra.blobs }),
    ...readRoutes({
      queries,
      redis: views,
      hot,
      postgresPosition,
      bidPosition: getBidPosition(eventStore),
      optionalAuth,
      requireAuth: anyUser,
    }),
    watchlistCommandRoutes({ commands: getWatchlistCommands(eventStore), requireAuth }),
    notificationRoutes({ queries: getNotificationQueries(knex), requireAuth: anyUser }),
    historyRoutes({ eventStore, requireAuth: anyUser, requireRole }),
    analyticsRoutes({ queries: getAnalyticsQueries(knex), eventStore, requireAuth: anyUser, requireRole }),
    ...saleRoutes(infra, handler, { optionalAuth, requireAuth }, { queries, position: postgresPosition }),
    ...afterHammerRoutes(infra, { anyUser, requireAuth }),
    pageRoutes(),
  ];
  // The two hottest requests in front of express: an anonymous watcher's GET from memory, a bid.
  const fastLanes: FastLane[] = [
    hotAuctionLane(hot),
    placeBidFastLane({
      placeBid,
      verifyToken: auth.verifyToken,
      rateLimit: bidRateLimit ? bidRateLimit.check : undefined,
      onBug: (error) => infra.logger.error({ err: error }, 'unhandled error in request'),
    }),
  ];
  const notifications = getNotificationQueries(knex);
  const currentView = currentViewOf(views, queries);
  return { routers, hot, fastLanes, verifyToken: auth.verifyToken, currentView, notifications };
}

export type ApiRoutes = ReturnType<typeof apiRoutes>;

/**
 * The api role's live side: the WebSocket gateway on the HTTP server, and the change feed that
 * keeps it and the hot views current on every instance.
 */
export async function startLiveUpdates(
  infra: Infrastructure,
  server: Server,
  api: ApiRoutes,
  options: StartOptions,
  closers: Closers,
) {
  const { config, eventStore, logger, metrics } = infra;
  const saleQueries = getSaleQueries(infra.knex);
  const gateway = getRealtimeGateway({
    server,
    logger,
    verifyToken: api.verifyToken,
    currentView: getCurrentView(api.currentView, eventStore),
    sale: (saleId) => saleQueries.withLots(saleId, new Date()),
    history: getAuctionHistory(eventStore),
    limits: options.websocketLimits,
    me: {
      notificationsAfter: (userId, afterSeq, limit) =>
        api.notifications.notifications(userId, afterSeq, limit),
      latestSeq: (userId) => api.notifications.latestSeq(userId),
      logger,
    },
    onConnectionsChanged: (open) => metrics.websocketConnections.set(open),
    onMessagesSent: (count) => metrics.websocketMessages.inc({ direction: 'out' }, count),
    onMessageReceived: () => metrics.websocketMessages.inc({ direction: 'in' }),
  });
  const changeFeed = subscribeChanges(config.redisUrl, config.redisKeyPrefix, {
    onMessage: (message) => {
      api.hot.apply(message, Date.now());
      gateway.onChange(message);
    },
    onReset: () => {
      api.hot.reset();
      gateway.onFeedReset();
    },
  });
  const notificationFeed = subscribeNotifications(config.redisUrl, config.redisKeyPrefix, {
    onMessage: (message) => gateway.onNotifications(message),
    onReset: () => gateway.onNotificationsReset(),
  });
  closers.add('notification feed', () => notificationFeed.close());
  closers.add('change feed', () => changeFeed.close());
  closers.add('websocket gateway', () => gateway.close());
  await Promise.all([changeFeed.ready, notificationFeed.ready]);
  return gateway;
}
