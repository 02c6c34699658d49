import { isSaleEventType, type SaleEvent } from './saleEvents';
import { saleDecider } from './saleDecider';

/** Each sale is one stream, `sale-<saleId>`. */
const SALE_STREAM_PREFIX = 'sale-';

export const saleStreamId = (saleId: string) => `${SALE_STREAM_PREFIX}${saleId}`;

/** The sale a stream belongs to, or undefined for a stream that is not a sale's. */
export const saleIdOfStream = (streamId: string) =>
  streamId.startsWith(SALE_STREAM_PREFIX) ? streamId.slice(SALE_STREAM_PREFIX.length) : undefined;

/** The sale's events of the log (a sale stream holds nothing else). */
export const toSaleEvent = (recorded: { type: string; data: unknown }): SaleEvent | undefined =>
  isSaleEventType(recorded.type) ? ({ type: recorded.type, data: recorded.data } as SaleEvent) : undefined;

/** The sale stream as the command handler reads it: the decider, and its events of the log. */
export const saleStreamType = { decider: saleDecider, eventOf: toSaleEvent };
