import type { SchemaObject } from 'ajv';
import { auctionEventSchemas, type AuctionEventType } from '../../auction';
import type { RecordedEvent } from '../../events';

/** Fields of event data nobody else may see: the seller's reserve, a bidder's ceiling. */
const PRIVATE_FIELDS = ['reservePrice', 'maxAmount', 'leaderCeiling'];
/** Fields of a sealed bid nobody else may see until its auction closes. */
const SEALED_FIELDS = ['bidderId', 'amount'];
/** Fields of a cancellation on a sealed auction that would tell who had bid, before the close. */
const SEALED_CANCEL_FIELDS = ['bidderId', 'bidIds', 'cancelledBy', 'reason', 'removedBidIds', 'placedBids'];

/** Whether an auction's view is of a sealed auction not closed yet (its bids are nobody's to see). */
export const sealedOpen = (view: { format?: string; status: string }) =>
  (view.format === 'sealed_first_price' || view.format === 'sealed_second_price') && view.status !== 'closed';

/** An event as it may be shown to anyone: no reserve, no bidder's ceiling. */
export interface PublicEvent {
  type: string;
  data: Record<string, unknown>;
  revision: number;
  position: string;
  recordedAt: string;
}

/**
 * `sealed`: the event's auction is sealed and not closed yet, so a sealed bid shows only that it
 * was placed (and when): not its amount, not its bidder.
 */
export function publicEvent(e: RecordedEvent, sealed = false): PublicEvent {
  const data = { ...(e.data as Record<string, unknown>) };
  for (const field of PRIVATE_FIELDS) delete data[field];
  if (sealed && e.type === 'SealedBidPlaced') for (const field of SEALED_FIELDS) delete data[field];
  if (sealed && e.type === 'BidCancelled') for (const field of SEALED_CANCEL_FIELDS) delete data[field];
  return {
    type: e.type,
    data,
    revision: Number(e.revision),
    position: e.position,
    recordedAt: e.recordedAt.toISOString(),
  };
}

const withoutPrivateFields = (schema: SchemaObject, type: string): SchemaObject => {
  // A sealed bid's bidder and amount are shown only once its auction has closed.
  const optional = type === 'SealedBidPlaced' ? SEALED_FIELDS : [];
  return {
    ...schema,
    ...(optional.length ? { description: 'bidderId and amount only once the auction has closed' } : {}),
    properties: Object.fromEntries(
      Object.entries(schema.properties as Record<string, SchemaObject>).filter(
        ([k]) => !PRIVATE_FIELDS.includes(k),
      ),
    ),
    required: (schema.required as string[]).filter(
      (k) => !PRIVATE_FIELDS.includes(k) && !optional.includes(k),
    ),
    additionalProperties: false,
  };
};

/**
 * The published shape of each public event, by type: its own typed `data`, so a generated
 * client reads `event.data.amount` typed. Named `<Type>Event` in the API documents.
 */
export const publicEventSchemas = Object.fromEntries(
  Object.entries(auctionEventSchemas).map(([type, schema]) => [
    type,
    {
      type: 'object',
      description: `A ${type} event as anyone may see it`,
      properties: {
        type: { type: 'string', const: type },
        data: withoutPrivateFields(schema, type),
        revision: { type: 'integer', minimum: 0 },
        position: { type: 'string' },
        recordedAt: { type: 'string', format: 'date-time' },
      },
      required: ['type', 'data', 'revision', 'position', 'recordedAt'],
      additionalProperties: false,
    },
  ]),
) as unknown as Record<AuctionEventType, SchemaObject>;

/** Any public event, told apart by `type` (the API documents add their discriminator). */
export const publicEventSchema = { oneOf: Object.values(publicEventSchemas) };
