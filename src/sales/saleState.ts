import type { IncrementBand } from '../auction';
import type { LotClosed, SaleCreated, SaleEvent } from './saleEvents';

export interface Lot {
  lotNumber: number;
  auctionId: string;
  /** The end it was planned with. */
  endsAt: number;
  idempotencyKey?: string;
  /** How it ended, once it has (closed or cancelled). */
  outcome: LotClosed['outcome'] | null;
  finalPrice: number | null;
}

/** A sale as decided: what SaleCreated said (times in ms), its lots in order, and how they ended. */
export interface Sale {
  saleId: string;
  sellerId: string;
  title: string;
  description: string;
  currency: string;
  startsAt: number;
  firstLotEndsAt: number;
  lotGapSeconds: number;
  softClose: SaleCreated['softClose'];
  increments: IncrementBand[] | null;
  buyersPremiumPercent: number;
  requiresApproval: boolean;
  mode: SaleCreated['mode'];
  createdAt: number;
  status: 'active' | 'cancelled' | 'closed';
  lots: Lot[];
  lotsSold: number;
  hammerTotal: number;
}

/** null: the stream has no events yet. */
export type SaleState = Sale | null;
export const initialSaleState = (): SaleState => null;

/** Pure: the sale after one event. */
export function evolveSale(state: SaleState, event: SaleEvent): SaleState {
  if (event.type === 'SaleCreated') return created(event.data);
  if (!state) return state;
  switch (event.type) {
    case 'LotAdded': {
      const { lotNumber, auctionId, idempotencyKey } = event.data;
      const lot: Lot = {
        lotNumber,
        auctionId,
        endsAt: Date.parse(event.data.endsAt),
        outcome: null,
        finalPrice: null,
      };
      return { ...state, lots: [...state.lots, idempotencyKey ? { ...lot, idempotencyKey } : lot] };
    }
    case 'LotClosed': {
      const { lotNumber, outcome, finalPrice } = event.data;
      const sold = outcome === 'sold' && finalPrice !== null;
      return {
        ...state,
        lots: state.lots.map((l) => (l.lotNumber === lotNumber ? { ...l, outcome, finalPrice } : l)),
        lotsSold: state.lotsSold + (sold ? 1 : 0),
        hammerTotal: state.hammerTotal + (sold ? finalPrice : 0),
      };
    }
    case 'SaleCancelled':
      return { ...state, status: 'cancelled' };
    case 'SaleClosed':
      return { ...state, status: 'closed' };
    default: {
      const unknown: never = event;
      throw new Error(`Unknown event ${JSON.stringify(unknown)}`);
    }
  }
}

function created(data: SaleCreated): Sale {
  return {
    saleId: data.saleId,
    sellerId: data.sellerId,
    title: data.title,
    description: data.description,
    currency: data.currency,
    startsAt: Date.parse(data.startsAt),
    firstLotEndsAt: Date.parse(data.firstLotEndsAt),
    lotGapSeconds: data.lotGapSeconds,
    softClose: data.softClose,
    increments: data.increments ? data.increments.map(({ from, increment }) => ({ from, increment })) : null,
    buyersPremiumPercent: data.buyersPremiumPercent,
    requiresApproval: data.requiresApproval,
    mode: data.mode,
    createdAt: Date.parse(data.createdAt),
    status: 'active',
    lots: [],
    lotsSold: 0,
    hammerTotal: 0,
  };
}

export const evolveSaleAll = (events: SaleEvent[], state: SaleState = initialSaleState()) =>
  events.reduce(evolveSale, state);
