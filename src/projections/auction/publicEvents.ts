import type { SchemaObject } from 'ajv';
import { auctionEventSchemas, type AuctionEventType } from '../../auction';
import type { RecordedEvent } from '../../events';

/** Fields of event data nobody else may see: the seller's reserve, a bidder's ceiling. */
const PRIVATE_FIELDS = ['reservePrice', 'maxAmount'];

/** An event as it may be shown to anyone: no reserve, no bidder's ceiling. */
export interface PublicEvent {
  type: string;
  data: Record<string, unknown>;
  revision: number;
  position: string;
  recordedAt: string;
}

export function publicEvent(e: RecordedEvent): PublicEvent {
  const data = { ...(e.data as Record<string, unknown>) };
  for (const field of PRIVATE_FIELDS) delete data[field];
  return {
    type: e.type,
    data,
    revision: Number(e.revision),
    position: e.position,
    recordedAt: e.recordedAt.toISOString(),
  };
}

const withoutPrivateFields = (schema: SchemaObject): SchemaObject => ({
  ...schema,
  properties: Object.fromEntries(
    Object.entries(schema.properties as Record<string, SchemaObject>).filter(
      ([k]) => !PRIVATE_FIELDS.includes(k),
    ),
  ),
  required: (schema.required as string[]).filter((k) => !PRIVATE_FIELDS.includes(k)),
  additionalProperties: false,
});

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
        data: withoutPrivateFields(schema),
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
