import type { WebSocket } from 'ws';
import type { ChangeMessage } from '../projections';
import type { AuctionRooms } from './auctionRooms';
import type { Connection, GatewayDeps, SaleSubscription } from './gatewayOptions';
import { saleErrorFrame, saleSubscribedFrame, saleUnsubscribedFrame } from './protocol';

type Send = (ws: WebSocket, frame: string | Buffer) => void;

/** A lot's view names its sale: found in the JSON the change feed carries, without parsing it. */
const SALE_OF_VIEW = /"saleId":"([0-9a-f-]{36})"/;

interface Following {
  ws: WebSocket;
  conn: Connection;
  sub: SaleSubscription;
}

interface SaleRoomsState {
  deps: Pick<GatewayDeps, 'sale' | 'logger'>;
  rooms: AuctionRooms;
  limits: { maxSubscriptions: number };
  send: Send;
  /** Who follows each sale. */
  bySale: Map<string, Set<Following>>;
}

function addLot(state: SaleRoomsState, { ws, sub }: Following, auctionId: string, afterRevision?: number) {
  if (!sub.lots.has(auctionId)) sub.lots.set(auctionId, state.rooms.joinLot(ws, auctionId, afterRevision));
}

function leave(state: SaleRoomsState, following: Following) {
  const { sub, conn } = following;
  for (const lot of sub.lots.values()) state.rooms.leaveLot(lot);
  sub.lots.clear();
  if (conn.sales.get(sub.saleId) === sub) conn.sales.delete(sub.saleId);
  const set = state.bySale.get(sub.saleId);
  set?.delete(following);
  if (set?.size === 0) state.bySale.delete(sub.saleId);
}

const followingOf = (state: SaleRoomsState, conn: Connection, saleId: string) =>
  [...(state.bySale.get(saleId) ?? [])].find((f) => f.conn === conn);

/** Follows at once (lots created meanwhile join), then the sale's view, then each lot from its view or `after`. */
async function subscribe(
  state: SaleRoomsState,
  ws: WebSocket,
  conn: Connection,
  saleId: string,
  after: Record<string, number> = {},
) {
  const { deps, send, limits } = state;
  if (conn.sales.has(saleId))
    return send(ws, saleErrorFrame('ALREADY_SUBSCRIBED', 'Already subscribed', saleId));
  if (conn.subscriptions.size + conn.sales.size >= limits.maxSubscriptions)
    return send(
      ws,
      saleErrorFrame('TOO_MANY_SUBSCRIPTIONS', `At most ${limits.maxSubscriptions} subscriptions`, saleId),
    );
  if (!deps.sale) return send(ws, saleErrorFrame('UNAVAILABLE', 'Sales are not followed here', saleId));
  const following: Following = { ws, conn, sub: { saleId, lots: new Map() } };
  conn.sales.set(saleId, following.sub);
  if (!state.bySale.has(saleId)) state.bySale.set(saleId, new Set());
  state.bySale.get(saleId)!.add(following);
  try {
    const sale = await deps.sale(saleId);
    if (conn.sales.get(saleId) !== following.sub) return; // unsubscribed meanwhile
    if (!sale) {
      leave(state, following);
      return send(ws, saleErrorFrame('SALE_NOT_FOUND', 'No such sale', saleId));
    }
    send(ws, saleSubscribedFrame(saleId, JSON.stringify(sale.view), new Date()));
    for (const auctionId of sale.lotIds) addLot(state, following, auctionId, after[auctionId]);
  } catch (error) {
    leave(state, following);
    deps.logger.warn({ err: error, saleId }, 'websocket sale subscribe failed');
    send(ws, saleErrorFrame('UNAVAILABLE', 'Cannot subscribe right now; retry shortly', saleId));
  }
}

/**
 * The sale channel: one subscription follows every lot of a sale. Each lot is a subscription of
 * the auction's room (its own revision order, gaps filled from the event store), held by the
 * sale's subscription; a lot added after the subscription joins it when its first event arrives.
 */
export function getSaleRooms(
  deps: SaleRoomsState['deps'],
  rooms: AuctionRooms,
  limits: SaleRoomsState['limits'],
  send: Send,
) {
  const state: SaleRoomsState = { deps, rooms, limits, send, bySale: new Map() };
  return {
    subscribe: (ws: WebSocket, conn: Connection, saleId: string, after?: Record<string, number>) =>
      subscribe(state, ws, conn, saleId, after),
    unsubscribe(ws: WebSocket, conn: Connection, saleId: string) {
      const following = followingOf(state, conn, saleId);
      if (following) leave(state, following);
      send(ws, saleUnsubscribedFrame(saleId));
    },
    /** The connection closed: its sales go with it. */
    leaveAll(conn: Connection) {
      for (const saleId of [...conn.sales.keys()]) {
        const following = followingOf(state, conn, saleId);
        if (following) leave(state, following);
      }
    },
    /**
     * Before the rooms take a batch: a lot of a followed sale that a subscription does not hold
     * yet (added after it subscribed) joins it from its first revision, so its creation is sent too.
     */
    onChange(message: ChangeMessage) {
      if (state.bySale.size === 0) return;
      for (const auction of message.auctions) {
        const saleId = SALE_OF_VIEW.exec(auction.viewJson)?.[1];
        const set = saleId ? state.bySale.get(saleId) : undefined;
        if (set) for (const following of set) addLot(state, following, auction.auctionId, -1);
      }
    },
  };
}

export type SaleRooms = ReturnType<typeof getSaleRooms>;
