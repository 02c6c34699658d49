import { evolve, type Auction, type AuctionState } from '../commands/auction';
import { AUCTION_STREAM_PREFIX, type AuctionEvent, type RecordedEvent } from '../events';

/**
 * Read models hold the decider's own state of each auction and fold events with its pure
 * `evolve`, so a view can never disagree with what the command side decided.
 */
export interface StoredAuction {
  state: Auction;
  revision: number;
}

export const auctionIdOf = (event: RecordedEvent) =>
  event.streamId.startsWith(AUCTION_STREAM_PREFIX)
    ? event.streamId.slice(AUCTION_STREAM_PREFIX.length)
    : undefined;

export function affectedAuctionIds(events: RecordedEvent[]): string[] {
  const ids = new Set<string>();
  for (const e of events) {
    const id = auctionIdOf(e);
    if (id) ids.add(id);
  }
  return [...ids];
}

/**
 * Pure: folds a batch into the stored states. Events at or below a stored revision were applied
 * already and are skipped, so a replayed batch changes nothing.
 */
export function foldAuctions(
  current: Map<string, StoredAuction>,
  events: RecordedEvent[],
): { auctions: Map<string, StoredAuction>; applied: RecordedEvent[] } {
  const auctions = new Map(current);
  const applied: RecordedEvent[] = [];
  for (const event of events) {
    const id = auctionIdOf(event);
    if (!id) continue;
    const stored = auctions.get(id);
    const revision = Number(event.revision);
    if (stored && revision <= stored.revision) continue;
    const next: AuctionState = evolve(stored?.state ?? null, {
      type: event.type,
      data: event.data,
    } as AuctionEvent);
    if (!next) continue;
    auctions.set(id, { state: next, revision });
    applied.push(event);
  }
  return { auctions, applied };
}
