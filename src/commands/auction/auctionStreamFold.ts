import type { RecordedEvent } from '../../events';
import {
  foldStep,
  toAuctionEvent,
  type Auction,
  type AuctionCommand,
  type AuctionEvent,
  type AuctionState,
} from '../../auction';

export type CommandType = AuctionCommand['type'];

/** Metadata written with every event of a command. */
export interface CommandMetadata {
  commandId: string;
  commandType: CommandType;
  appendId: string;
  userId: string | null;
  correlationId: string;
  idempotencyKey?: string;
  requestHash?: string;
}

export interface AuctionReply {
  auctionId: string;
  revision: number;
  position: string;
  bidId?: string;
  amount?: number;
  /** Only in the reply to the leader raising their own ceiling. */
  maxAmount?: number;
  status?: 'leading' | 'outbid' | 'sealed' | 'won';
  currentPrice?: number;
  leadingBidderId?: string | null;
  endsAt?: string;
  /** Buy it now: the auction closed, sold to the caller. */
  outcome?: 'sold';
  winnerId?: string;
  finalPrice?: number;
}

export interface IdempotencyRecord {
  requestHash: string;
  reply: AuctionReply;
}

/** What the command handler keeps per auction: state, revision and the idempotency index. */
export interface LoadedAuction {
  state: AuctionState;
  revision: bigint | 'no_stream';
  idempotency: Map<string, IdempotencyRecord>;
}

export const idempotencyIndexKey = (userId: string | null, key: string) => `${userId ?? '-'}:${key}`;

/** The reply a command got, rebuilt from its events and the state right after them. */
export function replyFor(
  commandType: CommandType,
  commandEvents: AuctionEvent[],
  after: Auction,
  revision: bigint,
  position: string,
): AuctionReply {
  const base = { auctionId: after.auctionId, revision: Number(revision), position };
  const bought = commandEvents.find((e) => e.type === 'AuctionBoughtNow');
  if (bought?.type === 'AuctionBoughtNow') {
    const { bidId, buyerId, price } = bought.data;
    return { ...base, bidId, outcome: 'sold', winnerId: buyerId, finalPrice: price };
  }
  if (commandType !== 'PlaceBid') return base;
  const raise = commandEvents.find((e) => e.type === 'MaxBidRaised');
  if (raise?.type === 'MaxBidRaised') {
    return {
      ...base,
      bidId: raise.data.bidId,
      amount: after.currentPrice ?? undefined,
      maxAmount: raise.data.maxAmount,
      status: 'leading',
      currentPrice: after.currentPrice ?? undefined,
      leadingBidderId: after.leader?.bidderId ?? null,
      endsAt: new Date(after.endsAt).toISOString(),
    };
  }
  const sealed = commandEvents.find((e) => e.type === 'SealedBidPlaced');
  if (sealed?.type === 'SealedBidPlaced') {
    // Nothing of anyone else's: the price shown to all, no leader.
    const { bidId, amount } = sealed.data;
    const endsAt = new Date(after.endsAt).toISOString();
    return {
      ...base,
      bidId,
      amount,
      status: 'sealed',
      currentPrice: after.startingPrice,
      leadingBidderId: null,
      endsAt,
    };
  }
  const won = commandEvents.some((e) => e.type === 'AuctionClosed');
  const own = commandEvents.find((e) => e.type === 'BidPlaced' && !e.data.auto);
  const bid = own?.type === 'BidPlaced' ? own.data : undefined;
  return {
    ...base,
    bidId: bid?.bidId,
    amount: bid?.amount,
    status: after.leader?.bidderId === bid?.bidderId ? (won ? 'won' : 'leading') : 'outbid',
    currentPrice: after.currentPrice ?? undefined,
    leadingBidderId: after.leader?.bidderId ?? null,
    endsAt: new Date(after.endsAt).toISOString(),
  };
}

/** Folds recorded events into a loaded auction, rebuilding the idempotency index on the way. */
export function foldRecorded(loaded: LoadedAuction, recorded: RecordedEvent[]): LoadedAuction {
  const lastPositionOfAppend = new Map<string, string>();
  for (const e of recorded) {
    const appendId = (e.metadata as Partial<CommandMetadata>).appendId;
    if (appendId) lastPositionOfAppend.set(appendId, e.position);
  }
  let state = loaded.state;
  let revision = loaded.revision;
  const idempotency = new Map(loaded.idempotency);
  for (let i = 0; i < recorded.length;) {
    const meta = recorded[i]!.metadata as Partial<CommandMetadata>;
    const group: RecordedEvent[] = [];
    while (
      i < recorded.length &&
      (recorded[i]!.metadata as Partial<CommandMetadata>).commandId === meta.commandId
    ) {
      group.push(recorded[i]!);
      i++;
      if (!meta.commandId) break; // events without a command id stand alone
    }
    const events: AuctionEvent[] = [];
    for (const recordedEvent of group) {
      const step = foldStep(state, recordedEvent);
      events.push(toAuctionEvent(step.event));
      state = step.state;
    }
    const last = group[group.length - 1]!;
    revision = last.revision;
    if (meta.idempotencyKey && meta.requestHash && meta.commandType && state) {
      const position = (meta.appendId && lastPositionOfAppend.get(meta.appendId)) || last.position;
      idempotency.set(idempotencyIndexKey(meta.userId ?? null, meta.idempotencyKey), {
        requestHash: meta.requestHash,
        reply: replyFor(meta.commandType, events, state, last.revision, position),
      });
    }
  }
  return { state, revision, idempotency };
}
