import { type AuctionView } from '../auction';
import type { SaleView } from '../sales';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { RevisionSequence, Step } from './revisionSequence';
import type { TokenBucket } from './tokenBucket';
import type { MeChannelDeps, MeSubscription } from './meChannel';

export interface GatewayDeps {
  server: Server;
  logger: Logger;
  /** The user of a token, or undefined when it is not valid. */
  verifyToken(token: string): { userId: string } | undefined;
  /** A sale as the read model has it now, and its lots' auction ids in order (the sale channel). */
  sale?(saleId: string): Promise<{ view: SaleView; lotIds: string[] } | undefined>;
  /** The auction's public view as the read model has it now. */
  currentView(auctionId: string): Promise<AuctionView | undefined>;
  /** Frames of the auction's events after `after` up to `upTo`, from the event store. */
  history(auctionId: string, after: number, upTo: number): Promise<Step[]>;
  limits?: Partial<typeof DEFAULT_LIMITS>;
  /** The signed-in user's own notifications (the `me` channel); without it, the channel is unavailable. */
  me?: MeChannelDeps;
  onConnectionsChanged?(open: number): void;
  /** Told how many messages went out, once per turn of the event loop (not once per message). */
  onMessagesSent?(count: number): void;
  onMessageReceived?(): void;
}

export const DEFAULT_LIMITS = {
  maxSubscriptions: 100,
  /** Larger messages get an error reply; the connection stays. */
  maxMessageBytes: 4096,
  /** Larger frames close the connection (1009): nobody needs them. */
  maxPayloadBytes: 64 * 1024,
  /** A client that lets this much pile up unread is closed with 1013. */
  maxBufferedBytes: 1024 * 1024,
  pingIntervalMs: 30_000,
  /** Messages a client may send: a bucket of `messageBurst` refilled at this rate. */
  messagesPerSecond: 100,
  messageBurst: 200,
};

export interface SaleSubscription {
  saleId: string;
  lots: Map<string, Subscription>;
}

export interface Subscription {
  ws: WebSocket;
  auctionId: string;
  seq: RevisionSequence;
}

/** What the gateway keeps per connection, beside the socket rather than on it. */
export interface Connection {
  /** The connection's socket, as the upgrade handed it over: broadcasts write their pre-framed bytes to it. */
  socket: Duplex;
  subscriptions: Map<string, Subscription>;
  /** The sales followed: each holds one subscription per lot (counted as one against the limit). */
  sales: Map<string, SaleSubscription>;
  /** The user of the connection's token, if it had one. */
  userId: string | undefined;
  /** The `me` channel, while followed. */
  me: MeSubscription | undefined;
  alive: boolean;
  /** The messages this client may still send. */
  bucket: TokenBucket;
  /** When it was last told it is over the limit (at most once a second). */
  limitedAt: number;
}
