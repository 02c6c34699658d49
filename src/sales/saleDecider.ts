import {
  type AuctionFormat,
  buyNowPriceError,
  type DutchTerms,
  formatTermsError,
  incrementTableError,
  MAX_DURATION_MS,
} from '../auction';
import type { Decider } from '../events';
import type { LotClosed, SaleCreated, SaleEvent } from './saleEvents';
import { MAX_LOTS, plannedLotEnd, SaleRuleError } from './saleRules';
import { evolveSale, initialSaleState, type Sale, type SaleState } from './saleState';

export type CreateSaleData = Omit<SaleCreated, 'createdAt'>;

export interface AddLotData {
  userId: string;
  /** The id of the lot's auction, chosen by the caller: the auction is created from LotAdded. */
  auctionId: string;
  title: string;
  description: string;
  startingPrice: number;
  reservePrice: number | null;
  buyNowPrice?: number;
  format?: AuctionFormat;
  dutch?: DutchTerms;
  idempotencyKey?: string;
}

export type SaleCommand =
  | { type: 'CreateSale'; data: CreateSaleData; now: Date }
  | { type: 'AddLot'; data: AddLotData; now: Date }
  | { type: 'CancelSale'; data: { userId: string; reason?: string }; now: Date }
  | { type: 'RecordLotClosed'; data: Omit<LotClosed, 'lotNumber'>; now: Date };

/** Pure: the events a command on a sale records, or a SaleRuleError. `now` comes with the command. */
function decide(command: SaleCommand, state: SaleState): SaleEvent[] {
  switch (command.type) {
    case 'CreateSale':
      return createSale(command.data, command.now, state);
    case 'AddLot':
      return addLot(command.data, command.now, existing(state));
    case 'CancelSale':
      return cancelSale(command.data, command.now, existing(state));
    case 'RecordLotClosed':
      return recordLotClosed(command.data, command.now, existing(state));
    default: {
      const unknown: never = command;
      throw new Error(`Unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

function existing(state: SaleState): Sale {
  if (!state) throw new SaleRuleError('SALE_NOT_FOUND', 'No such sale');
  return state;
}

const invalid = (field: string, message: string) =>
  new SaleRuleError('INVALID_SCHEDULE', `${field} ${message}`, { field, message });

function createSale(data: CreateSaleData, now: Date, state: SaleState): SaleEvent[] {
  if (state) throw new SaleRuleError('SALE_ALREADY_EXISTS', 'The sale exists already');
  const startsAt = Date.parse(data.startsAt);
  const firstEnd = Date.parse(data.firstLotEndsAt);
  if (!(firstEnd > startsAt)) throw invalid('firstLotEndsAt', 'must be after startsAt');
  if (firstEnd <= now.getTime()) throw invalid('firstLotEndsAt', 'must be in the future');
  if (firstEnd > now.getTime() + MAX_DURATION_MS)
    throw invalid('firstLotEndsAt', 'must be at most 90 days ahead');
  if (firstEnd - startsAt > MAX_DURATION_MS)
    throw invalid('startsAt', 'must be at most 90 days before firstLotEndsAt');
  const wrongTable = data.increments && incrementTableError(data.increments);
  if (wrongTable) throw invalid('increments', wrongTable);
  return [{ type: 'SaleCreated', data: { ...data, createdAt: now.toISOString() } }];
}

/**
 * Lots are numbered in the order they are added, until the sale starts, by its seller only. A
 * request that added a lot already (its idempotency key) adds nothing: the lot it added answers.
 */
function addLot(data: AddLotData, now: Date, sale: Sale): SaleEvent[] {
  if (data.userId !== sale.sellerId)
    throw new SaleRuleError('NOT_SELLER', "Only the sale's seller may add lots");
  if (data.idempotencyKey && sale.lots.some((l) => l.idempotencyKey === data.idempotencyKey)) return [];
  if (sale.status === 'cancelled') throw new SaleRuleError('SALE_CANCELLED', 'The sale was cancelled');
  if (sale.status === 'closed') throw new SaleRuleError('SALE_CLOSED', 'The sale is closed');
  if (now.getTime() >= sale.startsAt)
    throw new SaleRuleError('SALE_STARTED', 'Lots can be added only until the sale starts');
  const lotNumber = sale.lots.length + 1;
  if (lotNumber > MAX_LOTS) throw new SaleRuleError('TOO_MANY_LOTS', `A sale has at most ${MAX_LOTS} lots`);
  const endsAt = plannedLotEnd(sale.firstLotEndsAt, sale.lotGapSeconds, lotNumber);
  if (endsAt > now.getTime() + MAX_DURATION_MS)
    throw new SaleRuleError('TOO_MANY_LOTS', `Lot ${lotNumber} would end more than 90 days ahead`);
  if (data.reservePrice !== null && data.reservePrice < data.startingPrice)
    throw invalid('reservePrice', 'must be at least startingPrice');
  const wrongBuyNow = buyNowPriceError(data);
  if (wrongBuyNow) throw invalid('buyNowPrice', wrongBuyNow);
  // The sale's soft close applies to its English lots only; a lot's other terms are checked here.
  const wrongFormat = formatTermsError({ ...data, softClose: null });
  if (wrongFormat) throw invalid(wrongFormat.field, wrongFormat.message);
  const { userId: _, idempotencyKey, ...lot } = data;
  return [
    {
      type: 'LotAdded',
      data: {
        ...lot,
        lotNumber,
        endsAt: new Date(endsAt).toISOString(),
        ...(idempotencyKey ? { idempotencyKey } : {}),
        addedAt: now.toISOString(),
      },
    },
  ];
}

/** Until it starts (no lot can have a bid yet); cancelling a cancelled sale records nothing. */
function cancelSale(data: { userId: string; reason?: string }, now: Date, sale: Sale): SaleEvent[] {
  if (data.userId !== sale.sellerId)
    throw new SaleRuleError('NOT_SELLER', "Only the sale's seller may cancel it");
  if (sale.status === 'cancelled') return [];
  if (sale.status === 'closed') throw new SaleRuleError('SALE_CLOSED', 'The sale is closed');
  if (now.getTime() >= sale.startsAt)
    throw new SaleRuleError('SALE_STARTED', 'A sale can be cancelled only until it starts');
  return [{ type: 'SaleCancelled', data: { reason: data.reason ?? null, cancelledAt: now.toISOString() } }];
}

/**
 * A lot's auction ended (closed or cancelled): recorded once (a repeat records nothing); the
 * last lot to end closes the sale, with its figures.
 */
function recordLotClosed(data: Omit<LotClosed, 'lotNumber'>, now: Date, sale: Sale): SaleEvent[] {
  const lot = sale.lots.find((l) => l.auctionId === data.auctionId);
  if (!lot) throw new SaleRuleError('LOT_NOT_FOUND', `No lot of this sale is auction ${data.auctionId}`);
  if (lot.outcome !== null) return [];
  const events: SaleEvent[] = [{ type: 'LotClosed', data: { ...data, lotNumber: lot.lotNumber } }];
  const after = evolveSale(sale, events[0]!)!;
  if (after.status === 'active' && after.lots.every((l) => l.outcome !== null))
    events.push({
      type: 'SaleClosed',
      data: { lotsSold: after.lotsSold, hammerTotal: after.hammerTotal, closedAt: now.toISOString() },
    });
  return events;
}

/** The sale stream's decider, in the one shape every stream type has. */
export const saleDecider: Decider<SaleState, SaleCommand, SaleEvent> = {
  decide,
  evolve: evolveSale,
  initialState: initialSaleState,
};
