import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { AuctionRuleError, auctionIdOfEvent, type AuctionClosed } from '../../auction';
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
  saleIdOfStream,
  saleStreamId,
  toSaleEvent,
  type LotAdded,
  type Sale,
} from '../../sales';
import { lotLookup, readSale, type Lots } from './lotLookup';
import { askWalk, saleCache, walk, type Walks } from './lotWalks';

export const SALE_PROCESS = 'sale-process';

interface Deps {
  knex: Knex;
  eventStore: EventStore;
  handler: CommandHandler;
  sales: SaleCommands;
  logger: Logger;
}

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

/**
 * A lot extended or over asks for a walk; a lot over is recorded in its sale, after the walks its
 * sale still waits for in this batch: the next lot may close as soon as the sale records this one,
 * so the pushes this lot's last extensions ask for must be in the log before that.
 */
async function onLotEvent(
  deps: Deps,
  lots: Lots,
  walks: Walks,
  e: RecordedEvent,
  auctionId: string,
  walkNow: (saleId: string) => Promise<void>,
) {
  lots.seen(e, auctionId);
  if (e.type !== 'AuctionExtended' && e.type !== 'AuctionClosed' && e.type !== 'AuctionCancelled')
    return false;
  const lot = await lots.of(auctionId);
  if (!lot) return false;
  if (e.type === 'AuctionExtended') {
    // A push is a walk's own doing: the walk that made it moved what had to move after it.
    if ((e.data as { reason?: string }).reason === 'previous_lot_extended') return false;
    askWalk(walks, lot, 'near');
    return true;
  }
  const closed = e.type === 'AuctionClosed' ? (e.data as AuctionClosed) : undefined;
  await walkNow(lot.saleId);
  await deps.sales.recordLotClosed(lot.saleId, {
    auctionId,
    outcome: closed?.outcome ?? 'cancelled',
    finalPrice: closed?.finalPrice ?? null,
    closedAt: closed?.closedAt ?? (e.data as { cancelledAt: string }).cancelledAt,
  });
  askWalk(walks, lot, 'all');
  return true;
}

/**
 * The sales' process manager, a reactor on the log checkpointed like a projection. It issues
 * commands through the command handlers, each idempotent by state, so a batch replayed after a
 * crash (the checkpoint moves after the commands) changes nothing twice:
 * - LotAdded: the lot's auction exists (created by the request that added it, or here);
 * - a lot extended: the lots after it that end soon move to keep the gap (AuctionExtended with
 *   reason previous_lot_extended), once per batch however many extensions it holds;
 * - a lot closed or cancelled: the sale records it (LotClosed), and the last one closes the sale;
 *   every lot after it that must move to keep the gap moves, the far ones too;
 * - SaleCancelled: every lot is cancelled.
 */
export function saleProcess(deps: Deps): ProjectionStore {
  const { knex, eventStore } = deps;
  const name = SALE_PROCESS;
  const checkpoint = lazyCheckpoint(knex, name);
  const lots = lotLookup(eventStore);
  const sales = saleCache(eventStore);

  return {
    name,
    readCheckpoint: checkpoint.read,
    writtenCheckpoint: checkpoint.written,
    async applyBatch(events, _expected, next) {
      let acted = false;
      const walks: Walks = new Map();
      const walkNow = async (saleId: string) => {
        const pending = walks.get(saleId);
        if (!pending) return;
        walks.delete(saleId);
        await walk(deps, lots, sales, new Map([[saleId, pending]]));
      };
      for (const e of events) {
        const saleId = saleIdOfStream(e.streamId);
        const auctionId = saleId ? undefined : auctionIdOfEvent(e);
        if (saleId) sales.changed(saleId);
        if (saleId) acted = (await onSaleEvent(deps, e, saleId)) || acted;
        else if (auctionId) acted = (await onLotEvent(deps, lots, walks, e, auctionId, walkNow)) || acted;
      }
      await walk(deps, lots, sales, walks);
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
  const sales = followedSales(eventStore);
  return async (auctionId: string): Promise<boolean> => {
    const lot = await lots.of(auctionId);
    if (!lot || lot.lotNumber === 1) return true;
    const sale = await sales.get(lot.saleId);
    const previous = sale?.lots[lot.lotNumber - 2];
    return !previous || previous.outcome !== null;
  };
}

/**
 * Sales folded from their streams and kept, each read on from where it was: a close asks often
 * (every job of a lot waiting for the one before it), and a sale's stream only grows.
 */
function followedSales(eventStore: EventStore) {
  const held = new Map<string, { sale: Sale | null; next: bigint }>();
  return {
    async get(saleId: string) {
      const known = held.get(saleId) ?? { sale: null, next: 0n };
      const recorded = await eventStore.readStream(saleStreamId(saleId), { fromRevision: known.next });
      if (recorded.length === 0) return known.sale;
      const sale = evolveSaleAll(
        recorded.flatMap((r) => toSaleEvent(r) ?? []),
        known.sale,
      );
      held.delete(saleId);
      if (held.size >= 1000) held.delete(held.keys().next().value!);
      held.set(saleId, { sale, next: recorded.at(-1)!.revision + 1n });
      return sale;
    },
  };
}
