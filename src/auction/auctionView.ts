import type { FromSchema } from 'json-schema-to-ts';
import { minimumBid, type Auction } from './auctionState';
import { formatViewFields } from './formatView';
import type { AuctionFormat, DutchTerms } from './formatRules';
const uuidSchema = { type: 'string', format: 'uuid' } as const;

/**
 * What clients see of an auction (api.md): the published schema's type (auctionViewSchema, below:
 * one source), with what the service keeps in it beyond what it shows. `reservePrice` is shown
 * only to the seller; `leaderCeiling` is internal (viewFor turns it into `myMaxAmount` for the
 * leader); `myMaxAmount` is the viewer's own standing ceiling while they lead, else null.
 */
export type AuctionView = Omit<
  FromSchema<typeof auctionViewSchema>,
  'reservePrice' | 'myMaxAmount' | 'format' | 'dutch'
> & {
  format: AuctionFormat;
  dutch: DutchTerms | null;
  reservePrice?: number | null;
  leaderCeiling?: number | null;
  myMaxAmount?: number | null;
};

export function auctionStatus(
  auction: Pick<Auction, 'status' | 'startsAt'>,
  now: number,
): AuctionView['status'] {
  if (auction.status === 'cancelled') return 'cancelled';
  if (auction.status === 'closed') return 'closed';
  return now < auction.startsAt ? 'scheduled' : 'open';
}

/** Pure: the view of an auction state at a revision, as it stands at `now`. */
export function toAuctionView(auction: Auction, revision: number, now: number): AuctionView {
  const status = auctionStatus(auction, now);
  return {
    auctionId: auction.auctionId,
    sellerId: auction.sellerId,
    title: auction.title,
    description: auction.description,
    currency: auction.currency,
    startingPrice: auction.startingPrice,
    minIncrement: auction.minIncrement,
    increments: auction.increments ?? null,
    saleId: auction.saleId ?? null,
    lotNumber: auction.lotNumber ?? null,
    buyNowPrice: auction.buyNowPrice ?? null,
    ...formatViewFields(auction, status, now, () => minimumBid(auction)),
    bidCount: auction.bidCount,
    reservePrice: auction.reservePrice,
    startsAt: new Date(auction.startsAt).toISOString(),
    endsAt: new Date(auction.endsAt).toISOString(),
    status,
    outcome: auction.outcome,
    winnerId: auction.winnerId,
    finalPrice: auction.finalPrice,
    photos: auction.photos.map(({ photoId, width, height }) => ({
      photoId,
      url: `/photos/${photoId}`,
      thumbnailUrl: `/photos/${photoId}/thumbnail`,
      width,
      height,
    })),
    revision,
  };
}

/** The view as a given viewer may see it: the reserve only for the seller, a ceiling only for its leader. */
export function viewFor(view: AuctionView, viewerId: string | undefined): AuctionView {
  const { reservePrice, leaderCeiling, myMaxAmount: _mine, ...rest } = view;
  const myMaxAmount =
    viewerId !== undefined && viewerId === view.leadingBidderId ? (leaderCeiling ?? null) : null;
  return viewerId === view.sellerId
    ? { ...rest, reservePrice: reservePrice ?? null, myMaxAmount }
    : { ...rest, myMaxAmount };
}

/** Re-derives the time-dependent fields of a stored view for `now`. */
export function refreshStatus(view: AuctionView, now: number): AuctionView {
  if (view.status !== 'scheduled' && view.status !== 'open') return view;
  const status = now < Date.parse(view.startsAt) ? 'scheduled' : 'open';
  return status === view.status ? view : { ...view, status };
}

const money = { type: 'integer', minimum: 0 } as const;
const moneyOrNull = { type: ['integer', 'null'], minimum: 0 } as const;
const uuidOrNull = { type: ['string', 'null'], format: 'uuid' } as const;

/** The published shape of AuctionView (OpenAPI, AsyncAPI, and the tests that check replies). */
export const auctionViewSchema = {
  type: 'object',
  properties: {
    auctionId: uuidSchema,
    sellerId: uuidSchema,
    title: { type: 'string' },
    description: { type: 'string' },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    startingPrice: money,
    minIncrement: { type: ['integer', 'null'], minimum: 1 },
    increments: {
      type: ['array', 'null'],
      description: "The auction's increment table (null: minIncrement, else the default ladder)",
      items: {
        type: 'object',
        properties: { from: { type: 'integer', minimum: 0 }, increment: { type: 'integer', minimum: 1 } },
        required: ['from', 'increment'],
        additionalProperties: false,
      },
    },
    saleId: {
      type: ['string', 'null'],
      format: 'uuid',
      description: 'The sale this auction is a lot of; null: standalone',
    },
    lotNumber: {
      type: ['integer', 'null'],
      minimum: 1,
      description: "The lot's number in its sale; null: standalone",
    },
    buyNowPrice: {
      ...moneyOrNull,
      description:
        'Buy it now: anyone but the seller may buy at this price (POST /auctions/{id}/buy-now) while the auction is open and bidCount is 0; null: no buy-it-now price',
    },
    format: {
      type: 'string',
      enum: ['english', 'sealed_first_price', 'sealed_second_price', 'dutch'],
      description:
        'english: open ascending bids with proxy ceilings; sealed_first_price / sealed_second_price: one sealed amount per bidder, nothing of it shown to anyone else until the close; dutch: the price falls with time, the first bid at or above it wins',
    },
    dutch: {
      type: ['object', 'null'],
      description:
        "A Dutch auction's terms (null for the other formats): the price at time t is max(floorPrice, startingPrice - dropAmount * floor((t - startsAt) / dropEverySeconds)); currentPrice is it at the reply's time",
      properties: {
        floorPrice: money,
        dropAmount: { type: 'integer', minimum: 1 },
        dropEverySeconds: { type: 'integer', minimum: 1 },
      },
      required: ['floorPrice', 'dropAmount', 'dropEverySeconds'],
      additionalProperties: false,
    },
    currentPrice: {
      ...moneyOrNull,
      description:
        'English: the price the leading bid stands at (null before the first bid); sealed: the starting price until the close, then the highest bid; dutch: the price now',
    },
    minimumBid: moneyOrNull,
    leadingBidderId: uuidOrNull,
    bidCount: { type: 'integer', minimum: 0 },
    reserveMet: { type: ['boolean', 'null'], description: 'null when there is no reserve' },
    reservePrice: { ...moneyOrNull, description: 'Only ever shown to the seller' },
    myMaxAmount: {
      ...moneyOrNull,
      description: 'Your own standing ceiling (proxy maximum) while you lead; null for everyone else',
    },
    startsAt: { type: 'string', format: 'date-time' },
    endsAt: { type: 'string', format: 'date-time' },
    status: { type: 'string', enum: ['scheduled', 'open', 'closed', 'cancelled'] },
    outcome: { type: ['string', 'null'], enum: ['sold', 'reserve_not_met', 'no_bids', null] },
    winnerId: uuidOrNull,
    finalPrice: moneyOrNull,
    photos: {
      type: 'array',
      description: 'The photos, in the order the seller added them',
      maxItems: 12,
      items: {
        type: 'object',
        properties: {
          photoId: uuidSchema,
          url: { type: 'string', description: 'The image as uploaded, its metadata stripped' },
          thumbnailUrl: { type: 'string', description: 'At most 400 px wide' },
          width: { type: 'integer', minimum: 1 },
          height: { type: 'integer', minimum: 1 },
        },
        required: ['photoId', 'url', 'thumbnailUrl', 'width', 'height'],
        additionalProperties: false,
      },
    },
    revision: { type: 'integer', minimum: 0 },
  },
  required: [
    'auctionId',
    'sellerId',
    'title',
    'description',
    'currency',
    'startingPrice',
    'minIncrement',
    'increments',
    'saleId',
    'lotNumber',
    'buyNowPrice',
    'format',
    'dutch',
    'currentPrice',
    'minimumBid',
    'leadingBidderId',
    'bidCount',
    'reserveMet',
    'myMaxAmount',
    'startsAt',
    'endsAt',
    'status',
    'outcome',
    'winnerId',
    'finalPrice',
    'photos',
    'revision',
  ],
  additionalProperties: false,
} as const;
