import { incrementTableSchema } from '../../auction';
import { MAX_WHAT_IF_AUCTIONS } from './whatIfRun';

/** The request and reply schemas of the analytics routes. */
/** The most a body may name (a request body is at most 64 KiB); more are chosen by a range. */
export const MAX_NAMED_AUCTIONS = 1_000;

const time = { type: 'string', format: 'date-time' } as const;
const money = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;
const byCurrency = {
  type: 'object',
  additionalProperties: money,
  description: 'Minor units by currency',
} as const;

export const summaryQuerySchema = {
  type: 'object',
  properties: { from: time, to: time, currency: { type: 'string', pattern: '^[A-Z]{3}$' } },
  additionalProperties: false,
} as const;

const share = { type: 'number', minimum: 0, maximum: 1 } as const;
export const marketSummarySchema = {
  type: 'object',
  properties: {
    auctions: { type: 'integer', description: 'Auctions that ended in the range (closed or cancelled)' },
    closed: { type: 'integer' },
    sold: { type: 'integer' },
    sellThroughRate: { ...share, description: 'sold / closed' },
    revenue: byCurrency,
    bids: { type: 'integer' },
    bidders: { type: 'integer', description: 'Distinct bidders' },
    proxyBidShare: { ...share, description: 'Share of bids placed automatically by a ceiling' },
    lateBidShare: {
      ...share,
      description: 'Share of bids placed in the last 60 s before the end as it stood then',
    },
    extensions: { type: 'integer' },
    medianBidsPerAuction: { type: 'number' },
  },
  required: [
    'auctions',
    'closed',
    'sold',
    'sellThroughRate',
    'revenue',
    'bids',
    'bidders',
    'proxyBidShare',
    'lateBidShare',
    'extensions',
    'medianBidsPerAuction',
  ],
  additionalProperties: false,
} as const;

const seconds = { type: 'integer', minimum: 1, maximum: 86_400 } as const;
export const whatIfBodySchema = {
  type: 'object',
  properties: {
    auctionIds: {
      type: 'array',
      items: { type: 'string', format: 'uuid' },
      minItems: 1,
      maxItems: MAX_NAMED_AUCTIONS,
      uniqueItems: true,
    },
    from: time,
    to: time,
    rules: {
      type: 'object',
      properties: {
        softClose: {
          type: ['object', 'null'],
          properties: { windowSeconds: seconds, extensionSeconds: seconds },
          required: ['windowSeconds', 'extensionSeconds'],
          additionalProperties: false,
        },
        minIncrement: { oneOf: [{ type: 'integer', minimum: 1, maximum: 100_000_000 }, { const: 'ladder' }] },
        increments: incrementTableSchema,
        proxyBidding: { type: 'boolean' },
        format: {
          type: 'string',
          enum: ['sealed_first_price', 'sealed_second_price'],
          description:
            "English auctions replayed as if each bidder had sealed their highest ceiling (at the time they reached it), closed at the auction's planned end: revenue under the other format, on the platform's own bids. Auctions of other formats are left out.",
        },
      },
      additionalProperties: false,
    },
  },
  required: ['rules'],
  additionalProperties: false,
} as const;

const resultSchema = {
  type: 'object',
  properties: {
    outcome: { type: 'string', enum: ['sold', 'reserve_not_met', 'no_bids'] },
    winnerId: { type: ['string', 'null'] },
    finalPrice: { type: ['integer', 'null'] },
    endsAt: time,
  },
  required: ['outcome', 'winnerId', 'finalPrice', 'endsAt'],
  additionalProperties: false,
} as const;

export const whatIfReplySchema = {
  type: 'object',
  properties: {
    items: {
      type: 'array',
      maxItems: MAX_WHAT_IF_AUCTIONS,
      items: {
        type: 'object',
        properties: {
          auctionId: { type: 'string', format: 'uuid' },
          currency: { type: 'string' },
          actual: resultSchema,
          whatIf: resultSchema,
          changed: { type: 'boolean' },
        },
        required: ['auctionId', 'currency', 'actual', 'whatIf', 'changed'],
        additionalProperties: false,
      },
    },
    summary: {
      type: 'object',
      properties: {
        auctions: { type: 'integer' },
        changed: { type: 'integer' },
        revenueActual: byCurrency,
        revenueWhatIf: byCurrency,
      },
      required: ['auctions', 'changed', 'revenueActual', 'revenueWhatIf'],
      additionalProperties: false,
    },
    skipped: {
      type: 'array',
      description: 'Named auctions that were not replayed: unknown, or not closed',
      items: {
        type: 'object',
        properties: {
          auctionId: { type: 'string', format: 'uuid' },
          reason: { type: 'string', enum: ['not_found', 'not_closed'] },
        },
        required: ['auctionId', 'reason'],
        additionalProperties: false,
      },
    },
  },
  required: ['items', 'summary', 'skipped'],
  additionalProperties: false,
} as const;
