/**
 * The sales domain, pure: a catalogue of lots that close in turn (`sale-<saleId>`), its events
 * and their schemas, its state and decider, the plan of the lots' ends, and the view of a sale.
 * A lot is an auction of its own stream (`src/auction`). No I/O.
 */
export { type AddLotData, type CreateSaleData, type SaleCommand, saleDecider } from './saleDecider';
export {
  isSaleEventType,
  type LotAdded,
  type LotClosed,
  type SaleCreated,
  type SaleEvent,
  saleEventSchemas,
} from './saleEvents';
export { type LotPush, lotPushesAfter, type PushWalk } from './lotPushes';
export { MAX_LOTS, nextLotEndAfter, plannedLotEnd, type SaleRuleCode, SaleRuleError } from './saleRules';
export { evolveSaleAll, type Lot, type Sale, type SaleState } from './saleState';
export { saleIdOfStream, saleStreamId, saleStreamType, toSaleEvent } from './saleStream';
export { type SaleView, saleViewSchema, toSaleView } from './saleView';
