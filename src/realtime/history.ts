import {
  auctionStreamId,
  foldStep,
  isPrivateEvent,
  type AuctionState,
  toAuctionView,
  viewFor,
  type AuctionView,
} from '../auction';
import { type EventStore } from '../events';
import { publicEvent, sealedOpen } from '../projections';
import { eventFrame } from './protocol';
import type { Step } from './gateway';

/**
 * The frames of an auction's events after `after` up to `upTo`, each with the public view right
 * after it, folded from the stream with the decider's `evolve` (as the read models do).
 */
export function getAuctionHistory(eventStore: EventStore) {
  return async (auctionId: string, after: number, upTo: number): Promise<Step[]> => {
    const events = await eventStore.readStream(auctionStreamId(auctionId));
    let state: AuctionState = null;
    const steps: Step[] = [];
    for (const recorded of events) {
      const revision = Number(recorded.revision);
      if (revision > upTo) break;
      const step = foldStep(state, recorded);
      state = step.state;
      if (revision <= after || !state) continue;
      if (isPrivateEvent(step.event.type)) {
        steps.push({ revision }); // nobody else sees a leader's ceiling raise
        continue;
      }
      const view = viewFor(toAuctionView(state, revision, recorded.recordedAt.getTime()), undefined);
      steps.push({
        revision,
        frame: eventFrame(
          auctionId,
          JSON.stringify(publicEvent(step.event, sealedOpen(view))),
          JSON.stringify(view),
        ),
      });
    }
    return steps;
  };
}

/**
 * The current view from the read models; when they do not have the auction yet but the log
 * does (a subscriber right after the creation), waits for them, up to `maxWaitMs`.
 */
export function getCurrentView(
  read: (auctionId: string) => Promise<AuctionView | undefined>,
  eventStore: EventStore,
  maxWaitMs = 5000,
) {
  return async (auctionId: string): Promise<AuctionView | undefined> => {
    const view = await read(auctionId);
    if (view) return view;
    const exists = (await eventStore.readStream(auctionStreamId(auctionId), { maxCount: 1 })).length > 0;
    if (!exists) return undefined;
    const deadline = Date.now() + maxWaitMs;
    for (let delay = 5; Date.now() < deadline; delay = Math.min(delay * 2, 100)) {
      await new Promise((r) => setTimeout(r, delay));
      const later = await read(auctionId);
      if (later) return later;
    }
    throw new Error('the read models have not caught up with this auction');
  };
}
