import type { Schemas } from '../../api';
import { money } from '../../format';

/** An event of the history as a line of text for analysts. */
export function eventText(
  e: Schemas['AuctionEvents']['items'][number],
  currency: string,
  name: (bidderId: string) => string,
) {
  switch (e.type) {
    case 'AuctionCreated':
      return `created: starting at ${money(e.data.startingPrice, currency)}, ends ${new Date(e.data.endsAt).toLocaleString()}`;
    case 'BidPlaced':
      return `${e.data.auto ? 'automatic bid' : 'bid'} ${money(e.data.amount, currency)} by ${name(e.data.bidderId)}`;
    case 'AuctionExtended':
      return `extended to ${new Date(e.data.endsAt).toLocaleTimeString()}`;
    case 'AuctionEndingSoon':
      return 'ending soon';
    case 'AuctionCancelled':
      return 'cancelled';
    case 'AuctionBoughtNow':
      return `bought now at ${money(e.data.price, currency)} by ${name(e.data.buyerId)}`;
    case 'AuctionClosed': {
      const { outcome, finalPrice } = e.data;
      return `closed: ${outcome}${finalPrice !== null ? ` at ${money(finalPrice, currency)}` : ''}`;
    }
    default:
      return e.type;
  }
}
