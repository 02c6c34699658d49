import { auctionIdOfStream, auctionStreamId, foldAuction, foldStep, type AuctionState } from '../../auction';
import type { EventStore, RecordedEvent } from '../../events';

const MAX_STREAMS = 10_000;

/**
 * Reads events of the global log in today's shape. Upcasting needs the auction as it stood
 * before each event, so each auction stream's state is folded as its events pass by; a stream
 * first met mid-way (a page that starts after its creation) is folded from its start once.
 */
export function getLogUpcaster(eventStore: EventStore) {
  const states = new Map<string, { state: AuctionState; revision: bigint }>();
  return async (recorded: RecordedEvent): Promise<RecordedEvent> => {
    if (auctionIdOfStream(recorded.streamId) === undefined) return recorded;
    let known = states.get(recorded.streamId);
    if (!known || known.revision !== recorded.revision - 1n) {
      const before =
        recorded.revision === 0n
          ? []
          : await eventStore.readStream(recorded.streamId, { maxCount: Number(recorded.revision) });
      known = { state: foldAuction(before).state, revision: recorded.revision - 1n };
    }
    const step = foldStep(known.state, recorded);
    states.delete(recorded.streamId);
    states.set(recorded.streamId, { state: step.state, revision: recorded.revision });
    if (states.size > MAX_STREAMS) states.delete(states.keys().next().value!);
    return step.event;
  };
}

/**
 * Where the log recorded a bid (in today's shape: a leader's ceiling raise is no bid), or
 * undefined: lets a read wait for a bid the read model does not show yet.
 */
export function getBidPosition(eventStore: EventStore) {
  return async (auctionId: string, bidId: string): Promise<string | undefined> => {
    let state: AuctionState = null;
    for (const recorded of await eventStore.readStream(auctionStreamId(auctionId))) {
      const step = foldStep(state, recorded);
      state = step.state;
      if (step.event.type === 'BidPlaced' && (step.event.data as { bidId: string }).bidId === bidId)
        return recorded.position;
    }
    return undefined;
  };
}
