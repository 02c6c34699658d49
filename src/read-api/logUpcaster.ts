import { auctionIdOfStream, foldAuction, foldStep, type AuctionState } from '../auction';
import type { EventStore, RecordedEvent } from '../events';

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
