import { auctionIdOfStream } from '../auction';
import type { RecordedEvent } from '../events';
import { auctionIdOfOffers } from '../invoicing';
import { userIdOfStream, type AuctionWatched, type SaleWatched } from '../watching';
import type { AuctionFacts } from './notificationRules';

/** The auction of a second chance event that tells someone (an offer made, an offer expired). */
export const offerAuctionOf = (e: Pick<RecordedEvent, 'streamId' | 'type'>) =>
  e.type === 'OfferMade' || e.type === 'OfferExpired' ? auctionIdOfOffers(e.streamId) : undefined;

/** The auctions and watchlists a batch touches, for loading what the plan starts from. */
export function auctionIdsOf(events: RecordedEvent[]): string[] {
  const ids = new Set<string>();
  for (const e of events) {
    const auctionId = auctionIdOfStream(e.streamId) ?? offerAuctionOf(e);
    if (auctionId) ids.add(auctionId);
    else if (userIdOfStream(e.streamId) && (e.type === 'AuctionWatched' || e.type === 'AuctionUnwatched'))
      ids.add((e.data as AuctionWatched).auctionId);
  }
  return [...ids];
}

/**
 * The sales whose watchers a batch needs: those watched or unwatched in it, and those of the lots
 * whose events tell watchers (ending soon, cancelled), by the facts held or the lot's creation.
 */
export function saleIdsOf(events: RecordedEvent[], facts: Map<string, AuctionFacts>): string[] {
  const ids = new Set<string>();
  const created = new Map<string, string>();
  for (const e of events) {
    const auctionId = auctionIdOfStream(e.streamId);
    if (auctionId && e.type === 'AuctionCreated') {
      const { saleId } = e.data as { saleId?: string };
      if (saleId) created.set(auctionId, saleId);
    } else if (auctionId && (e.type === 'AuctionEndingSoon' || e.type === 'AuctionCancelled')) {
      const saleId = facts.get(auctionId)?.state.saleId ?? created.get(auctionId);
      if (saleId) ids.add(saleId);
    } else if (userIdOfStream(e.streamId) && (e.type === 'SaleWatched' || e.type === 'SaleUnwatched'))
      ids.add((e.data as SaleWatched).saleId);
  }
  return [...ids];
}
