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

/** One applied event of a batch and the auction's state right after it. */
export interface FoldedStep {
  event: RecordedEvent;
  state: Auction;
}

/**
 * Pure: folds a batch into the stored states. Events at or below a stored revision were applied
 * already and are skipped, so a replayed batch changes nothing. `changed` holds, for each auction
 * the batch changed (in the order of their first applied event), its applied events (upcast) with
 * the state after each.
 */
export function foldAuctions(
  current: Map<string, StoredAuction>,
  events: RecordedEvent[],
): { auctions: Map<string, StoredAuction>; applied: RecordedEvent[]; changed: Map<string, FoldedStep[]> } {
  const auctions = new Map(current);
  const applied: RecordedEvent[] = [];
  const changed = new Map<string, FoldedStep[]>();
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
    const steps = changed.get(id);
    if (steps) steps.push({ event: step.event, state: step.state });
    else changed.set(id, [{ event: step.event, state: step.state }]);
  }
  return { auctions, applied, changed };
}
