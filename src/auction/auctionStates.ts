import type { Auction } from './auctionState';
import { auctionIdOfStream, foldStep } from './auctionStream';
import { toStoredState } from './storedAuctionState';
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

// The last fold of each recorded event this thread made: the state it started from, and the step.
const foldedSteps = new WeakMap<
  RecordedEvent,
  { before: Auction | null; step: ReturnType<typeof foldStep> }
>();

/**
 * `foldStep`, shared by the projections of a thread. They follow the same log, and are handed
 * the same event objects (the event store reads each page once for them all) and, having folded
 * them alike, the same states: the first to fold an event from a state does it, the others get
 * its result. Pure, so only an identical input (the very same state object) is answered from
 * memory; a projection that read its state back from its store folds for itself.
 */
export function sharedFoldStep(before: Auction | null, recorded: RecordedEvent): ReturnType<typeof foldStep> {
  const known = foldedSteps.get(recorded);
  if (known && known.before === before) return known.step;
  const step = foldStep(before, recorded);
  foldedSteps.set(recorded, { before, step });
  return step;
}

const storedJson = new WeakMap<Auction, string>();

/**
 * An auction state as the read models store it, as JSON: made once per state and shared by the
 * projections of the thread that write it in the same batch (states are never changed in place).
 */
export function storedStateJson(state: Auction): string {
  let json = storedJson.get(state);
  if (json === undefined) storedJson.set(state, (json = JSON.stringify(toStoredState(state))));
  return json;
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
    const step = sharedFoldStep(stored?.state ?? null, event);
    if (!step.state) continue;
    auctions.set(id, { state: step.state, revision });
    applied.push(step.event);
    const steps = changed.get(id);
    if (steps) steps.push({ event: step.event, state: step.state });
    else changed.set(id, [{ event: step.event, state: step.state }]);
  }
  return { auctions, applied, changed };
}
