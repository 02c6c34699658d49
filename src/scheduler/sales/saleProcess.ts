import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { AuctionRuleError, auctionIdOfEvent, auctionStreamId, type AuctionClosed } from '../../auction';
import { ensureLotAuction, lotAuction, type CommandHandler, type SaleCommands } from '../../commands';
import type { EventStore, RecordedEvent } from '../../events';
import {
  CheckpointMovedError,
  lazyCheckpoint,
  moveCheckpoint,
  type ProjectionStore,
} from '../../projections';
import {
  evolveSaleAll,
  nextLotEndAfter,
  saleIdOfStream,
  saleStreamId,
  toSaleEvent,
  type LotAdded,
  type Sale,
} from '../../sales';

export const SALE_PROCESS = 'sale-process';

/** What a lot's auction says of its sale (null: a standalone auction). */
type LotOf = { saleId: string; lotNumber: number } | null;

/** The auctions whose sale (or none) this process remembers. */
const MAX_REMEMBERED = 200_000;

interface Deps {
  knex: Knex;
  eventStore: EventStore;
  handler: CommandHandler;
  sales: SaleCommands;
  logger: Logger;
}

/** The sale, folded from its stream. */
async function readSale(eventStore: EventStore, saleId: string): Promise<Sale | null> {
  const recorded = await eventStore.readStream(saleStreamId(saleId));
  return evolveSaleAll(recorded.flatMap((r) => toSaleEvent(r) ?? []));
}

/**
 * Which sale an auction is a lot of: remembered from the AuctionCreated events it sees, else read
 * from the auction's first event (an auction created before this process started).
 */
function lotLookup(eventStore: EventStore) {
  const known = new Map<string, LotOf>();
  const remember = (auctionId: string, lot: LotOf) => {
    if (known.size >= MAX_REMEMBERED) known.delete(known.keys().next().value!);
    known.set(auctionId, lot);
  };
  const fromCreated = (data: unknown): LotOf => {
    const { saleId, lotNumber } = data as { saleId?: string; lotNumber?: number };
    return saleId && lotNumber ? { saleId, lotNumber } : null;
  };
  return {
    seen(e: RecordedEvent, auctionId: string) {
      if (e.type === 'AuctionCreated') remember(auctionId, fromCreated(e.data));
    },
    async of(auctionId: string): Promise<LotOf> {
      const held = known.get(auctionId);
      if (held !== undefined) return held;
      const [first] = await eventStore.readStream(auctionStreamId(auctionId), { maxCount: 1 });
      const lot = first?.type === 'AuctionCreated' ? fromCreated(first.data) : null;
      remember(auctionId, lot);
      return lot;
    },
  };
}

type Lots = ReturnType<typeof lotLookup>;

async function cancelLot({ handler, logger }: Deps, sale: Sale, auctionId: string) {
  try {
    await handler.handle({
      auctionId,
      userId: sale.sellerId,
      correlationId: randomUUID(),
      command: {
        type: 'CancelAuction',
        data: { userId: sale.sellerId, reason: 'The sale was cancelled' },
        now: new Date(),
      },
    });
  } catch (error) {
    if (error instanceof AuctionRuleError && error.code === 'AUCTION_NOT_OPEN') return; // over already
    if (error instanceof AuctionRuleError && error.code === 'AUCTION_HAS_BIDS') {
      logger.warn({ saleId: sale.saleId, auctionId }, 'a lot of a cancelled sale has bids; it stays open');
      return;
    }
    throw error;
  }
}

/** LotAdded: the lot's auction exists; SaleCancelled: every lot is cancelled. */
async function onSaleEvent(deps: Deps, e: RecordedEvent, saleId: string): Promise<boolean> {
  if (e.type !== 'LotAdded' && e.type !== 'SaleCancelled') return false;
  const sale = await readSale(deps.eventStore, saleId);
  if (!sale) return false;
  if (e.type === 'LotAdded') await ensureLotAuction(deps.handler, lotAuction(sale, e.data as LotAdded));
  else for (const lot of sale.lots) await cancelLot(deps, sale, lot.auctionId);
  return true;
}

/** The lot after this one ends at least the gap after this one's new end. */
async function pushNextLot({ eventStore, handler }: Deps, lot: NonNullable<LotOf>, endsAt: number) {
  const sale = await readSale(eventStore, lot.saleId);
  const next = sale?.lots[lot.lotNumber]; // lots are numbered from 1: index n is lot n + 1
  if (!sale || !next) return;
  await handler.handle({
    auctionId: next.auctionId,
    userId: null,
    correlationId: randomUUID(),
    // A lot over already records nothing; an earlier push or a later end too (the decider).
    command: {
      type: 'PushLot',
      data: { endsAt: nextLotEndAfter(endsAt, sale.lotGapSeconds) },
      now: new Date(),
    },
  });
}

/** A lot extended pushes the next; a lot closed or cancelled is recorded in its sale. */
async function onLotEvent(deps: Deps, lots: Lots, e: RecordedEvent, auctionId: string): Promise<boolean> {
  lots.seen(e, auctionId);
  if (e.type !== 'AuctionExtended' && e.type !== 'AuctionClosed' && e.type !== 'AuctionCancelled')
    return false;
  const lot = await lots.of(auctionId);
  if (!lot) return false;
  if (e.type === 'AuctionExtended') {
    await pushNextLot(deps, lot, Date.parse((e.data as { endsAt: string }).endsAt));
    return true;
  }
  const closed = e.type === 'AuctionClosed' ? (e.data as AuctionClosed) : undefined;
  await deps.sales.recordLotClosed(lot.saleId, {
    auctionId,
    outcome: closed?.outcome ?? 'cancelled',
    finalPrice: closed?.finalPrice ?? null,
    closedAt: closed?.closedAt ?? (e.data as { cancelledAt: string }).cancelledAt,
  });
  return true;
}

/**
 * The sales' process manager, a reactor on the log checkpointed like a projection. It issues
 * commands through the command handlers, each idempotent by state, so a batch replayed after a
 * crash (the checkpoint moves after the commands) changes nothing twice:
 * - LotAdded: the lot's auction exists (created by the request that added it, or here);
 * - a lot extended: the next lot ends at least the gap after it (AuctionExtended with reason
 *   previous_lot_extended, which in turn pushes the one after it);
 * - a lot closed or cancelled: the sale records it (LotClosed), and the last one closes the sale;
 * - SaleCancelled: every lot is cancelled.
 */
export function saleProcess(deps: Deps): ProjectionStore {
  const { knex, eventStore } = deps;
  const name = SALE_PROCESS;
  const checkpoint = lazyCheckpoint(knex, name);
  const lots = lotLookup(eventStore);

  return {
    name,
    readCheckpoint: checkpoint.read,
    async applyBatch(events, _expected, next) {
      let acted = false;
      for (const e of events) {
        const saleId = saleIdOfStream(e.streamId);
        const auctionId = saleId ? undefined : auctionIdOfEvent(e);
        if (saleId) acted = (await onSaleEvent(deps, e, saleId)) || acted;
        else if (auctionId) acted = (await onLotEvent(deps, lots, e, auctionId)) || acted;
      }
      if (!checkpoint.due(acted)) return [];
      const { rows } = await moveCheckpoint(knex, { name, expected: await checkpoint.expected(), next });
      if (rows.length !== 1) throw new CheckpointMovedError(`${name} checkpoint moved`);
      checkpoint.moved(next);
      return [];
    },
  };
}

/**
 * Lots close in catalogue order: lot n may close once the sale has recorded lot n - 1 as ended
 * (decided from the log, whatever the read models say). The close worker asks before each close.
 */
export function closeInTurn(eventStore: EventStore) {
  const lots = lotLookup(eventStore);
  return async (auctionId: string): Promise<boolean> => {
    const lot = await lots.of(auctionId);
    if (!lot || lot.lotNumber === 1) return true;
    const sale = await readSale(eventStore, lot.saleId);
    const previous = sale?.lots[lot.lotNumber - 2];
    return !previous || previous.outcome !== null;
  };
}
