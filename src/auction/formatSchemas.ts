/**
 * The format terms of a create body (an auction's or a lot's), as published: `format`, a Dutch
 * auction's `dutch`, and the one shape each format takes.
 */
import { eventSchemaParts } from './auctionEvents';

export const formatBodyProperties = {
  format: {
    ...eventSchemaParts.format,
    default: 'english',
    description:
      'english (the default): open ascending bids with proxy ceilings; sealed_first_price / sealed_second_price: one sealed amount per bidder, raised never lowered, hidden from everyone else until the close (no proxy, soft close or buy it now); dutch: the price falls from startingPrice by dutch.dropAmount every dutch.dropEverySeconds to dutch.floorPrice, and the first bid at or above it wins at once',
  },
  dutch: {
    ...eventSchemaParts.dutchTerms,
    description: 'The falling price of a Dutch auction: required with format dutch, refused with the others',
  },
} as const;

/**
 * One shape per format (the OpenAPI clients' union type), as the body's `oneOf`: `dutch` with
 * format dutch and only then; a missing format is English.
 */
export const formatBodyShapes = [
  {
    title: 'English',
    properties: { format: { const: 'english' }, dutch: true },
    not: { properties: { dutch: true }, required: ['dutch'] },
  },
  {
    title: 'Sealed, first price',
    properties: { format: { const: 'sealed_first_price' }, dutch: true },
    required: ['format'],
    not: { properties: { dutch: true }, required: ['dutch'] },
  },
  {
    title: 'Sealed, second price',
    properties: { format: { const: 'sealed_second_price' }, dutch: true },
    required: ['format'],
    not: { properties: { dutch: true }, required: ['dutch'] },
  },
  {
    title: 'Dutch',
    properties: { format: { const: 'dutch' }, dutch: true },
    required: ['format', 'dutch'],
  },
] as const;
