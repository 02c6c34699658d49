import { incrementTableSchema } from '../auction';
import { saleSoftCloseSchema } from './saleEvents';
import type { Sale } from './saleState';

const time = { type: 'string', format: 'date-time' } as const;

/** A sale as everyone sees it: no lot's reserve, nobody's ceiling; the running figures of its lots. */
export interface SaleView {
  saleId: string;
  sellerId: string;
  title: string;
  description: string;
  currency: string;
  startsAt: string;
  firstLotEndsAt: string;
  lotGapSeconds: number;
  mode: Sale['mode'];
  status: 'scheduled' | 'open' | 'closed' | 'cancelled';
  lotCount: number;
  lotsClosed: number;
  lotsSold: number;
  hammerTotal: number;
  buyersPremiumPercent: number;
  requiresApproval: boolean;
  softClose: Sale['softClose'];
  increments: Sale['increments'];
  revision: number;
}

/**
 * The status at `now`: cancelled and closed as recorded; else scheduled until it starts, then
 * open. A sale with no lot is closed once its first lot's end has passed (there is nothing to sell).
 */
function statusAt(sale: Sale, now: number): SaleView['status'] {
  if (sale.status !== 'active') return sale.status;
  if (now < sale.startsAt) return 'scheduled';
  return sale.lots.length === 0 && now >= sale.firstLotEndsAt ? 'closed' : 'open';
}

export function toSaleView(sale: Sale, revision: number, now: number): SaleView {
  return {
    saleId: sale.saleId,
    sellerId: sale.sellerId,
    title: sale.title,
    description: sale.description,
    currency: sale.currency,
    startsAt: new Date(sale.startsAt).toISOString(),
    firstLotEndsAt: new Date(sale.firstLotEndsAt).toISOString(),
    lotGapSeconds: sale.lotGapSeconds,
    mode: sale.mode,
    status: statusAt(sale, now),
    lotCount: sale.lots.length,
    lotsClosed: sale.lots.filter((l) => l.outcome !== null).length,
    lotsSold: sale.lotsSold,
    hammerTotal: sale.hammerTotal,
    buyersPremiumPercent: sale.buyersPremiumPercent,
    requiresApproval: sale.requiresApproval,
    softClose: sale.softClose,
    increments: sale.increments,
    revision,
  };
}

export const saleViewSchema = {
  type: 'object',
  properties: {
    saleId: { type: 'string', format: 'uuid' },
    sellerId: { type: 'string', format: 'uuid' },
    title: { type: 'string' },
    description: { type: 'string' },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    startsAt: time,
    firstLotEndsAt: time,
    lotGapSeconds: { type: 'integer', minimum: 0, maximum: 3600 },
    mode: { type: 'string', enum: ['timed'] },
    status: { type: 'string', enum: ['scheduled', 'open', 'closed', 'cancelled'] },
    lotCount: { type: 'integer', minimum: 0 },
    lotsClosed: { type: 'integer', minimum: 0, description: 'Lots that have ended (closed or cancelled)' },
    lotsSold: { type: 'integer', minimum: 0 },
    hammerTotal: {
      type: 'integer',
      minimum: 0,
      description: 'The final prices of the lots sold, in minor units',
    },
    buyersPremiumPercent: { type: 'number', minimum: 0, maximum: 50 },
    requiresApproval: { type: 'boolean' },
    softClose: saleSoftCloseSchema,
    increments: { type: ['array', 'null'], items: incrementTableSchema.items },
    revision: { type: 'integer', minimum: 0 },
  },
  required: [
    'saleId',
    'sellerId',
    'title',
    'description',
    'currency',
    'startsAt',
    'firstLotEndsAt',
    'lotGapSeconds',
    'mode',
    'status',
    'lotCount',
    'lotsClosed',
    'lotsSold',
    'hammerTotal',
    'buyersPremiumPercent',
    'requiresApproval',
    'softClose',
    'increments',
    'revision',
  ],
  additionalProperties: false,
} as const;
