import { randomUUID } from 'node:crypto';
import {
  auctionStreamId,
  decide,
  evolve,
  foldStep,
  initialState,
  toAuctionEvent,
  type Auction,
  type AuctionEvent,
  type AuctionState,
  type BidCancelled,
  type CancelBidsData,
} from '../../auction';
import type { EventStore } from '../../events';
import { decideAndAppend, type LoadedStream } from '../streamCommands';
import type { CommandMetadata } from './auctionStreamFold';

export interface CancelBidsReply {
  auctionId: string;
  revision: number;
  position: string;
  bidderId: string | null;
  /** The bids that went with this request (none: there was nothing left of theirs to cancel). */
  cancelledBidIds: string[];
  currentPrice: number | null;
  leadingBidderId: string | null;
  bidCount: number;
  endsAt: string;
}

/** The auction folded with its whole history (a cancellation decides the remaining bids again). */
interface WithHistory extends LoadedStream<AuctionState> {
  history: AuctionEvent[];
}

/**
 * Cancels or retracts a bidder's bids on an auction: the one way to handle a command
 * (decideAndAppend), on the stream read whole, since the decider decides the remaining bids
 * again. Rare beside bids, it does not pass through the bids' lanes; their cached state meets its
 * append by the revision, as another instance's would.
 */
export function getCancelBids(eventStore: EventStore, clock: () => Date = () => new Date()) {
  return async (auctionId: string, data: CancelBidsData): Promise<CancelBidsReply> => {
    const streamId = auctionStreamId(auctionId);
    const metadata: CommandMetadata = {
      commandId: randomUUID(),
      commandType: 'CancelBids',
      appendId: randomUUID(),
      userId: data.by.userId,
      correlationId: randomUUID(),
    };
    return decideAndAppend(eventStore, {
      streamId,
      async catchUp(held: WithHistory | undefined): Promise<WithHistory> {
        const fromRevision = held && held.revision !== 'no_stream' ? held.revision + 1n : 0n;
        let loaded: WithHistory = held
          ? { ...held, history: [...held.history] }
          : { state: initialState(), revision: 'no_stream', history: [] };
        for (const recorded of await eventStore.readStream(streamId, { fromRevision })) {
          const step = foldStep(loaded.state, recorded);
          loaded.history.push(toAuctionEvent(step.event));
          loaded = { ...loaded, state: step.state, revision: recorded.revision, position: recorded.position };
        }
        return loaded;
      },
      decide: (loaded) =>
        decide({ type: 'CancelBids', data, history: loaded.history, now: clock() }, loaded.state),
      eventsOf: (events) => events.map((e) => ({ type: e.type, data: e.data, metadata: { ...metadata } })),
      settle(loaded, events, appended) {
        const after = events.reduce(evolve, loaded.state) as Auction;
        const cancelled = events[0]?.data as BidCancelled | undefined;
        return {
          auctionId,
          revision: Number(appended ? appended.nextExpectedRevision : loaded.revision),
          position: (appended ? appended.position : loaded.position) ?? '',
          bidderId: cancelled?.bidderId ?? ('bidderId' in data.target ? data.target.bidderId : null),
          cancelledBidIds: cancelled?.bidIds ?? [],
          currentPrice: after.currentPrice,
          leadingBidderId: after.leader?.bidderId ?? null,
          bidCount: after.bidCount,
          endsAt: new Date(after.endsAt).toISOString(),
        };
      },
    });
  };
}

export type CancelBids = ReturnType<typeof getCancelBids>;
