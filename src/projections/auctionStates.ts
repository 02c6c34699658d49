import { auctionIdOfStream, foldStep, type Auction } from '../auction';
import { type RecordedEvent } from '../events';

/**
 * Read models hold the decider's own state of each auction and fold events with its pure
 * `evolve`, so a view can never disagree with what the command side decided.
 */
export interface StoredAuction {
  state: Auction;
  revision: number;
}

/** The auction a recorded event belongs to, or undefined for another stream's event. */
export const auctionIdOfEvent = (event: RecordedEvent) => auctionIdOfStream(event.streamId);

export function affectedAuctionIds(events: RecordedEvent[]): string[] {
  const ids = new Set<string>();
  for (const e of events) {
    const id = auctionIdOfEvent(e);
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
    const id = auctionIdOfEvent(event);
    if (!id) continue;
    const stored = auctions.get(id);
    const revision = Number(event.revision);
    if (stored && revision <= stored.revision) continue;
    const step = foldStep(stored?.state ?? null, event);
    if (!step.state) continue;
    auctions.set(id, { state: step.state, revision });
    applied.push(step.event);
  }
  return { auctions, applied };
}
