import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { AuctionRuleError, auctionStreamId, type CreateAuctionData } from '../../auction';
import type { EventStore } from '../../events';
import {
  type AddLotData,
  type CreateSaleData,
  evolveSaleAll,
  type LotAdded,
  type SaleCreated,
  type Sale,
  type SaleCommand,
  SaleRuleError,
  saleStreamId,
  saleStreamType,
  toSaleEvent,
} from '../../sales';
import { IdempotencyKeyReusedError } from '../commandErrors';
import type { CommandHandler } from '../auction/commandHandler';
import { getStreamCommands } from '../streamCommands';

/** Where a sale's stream stands after a command (for the reply and X-Min-Position). */
export interface SaleReply {
  saleId: string;
  revision: number;
  position: string;
}

export interface LotReply extends SaleReply {
  lotNumber: number;
  auctionId: string;
  endsAt: string;
}

const revisionOf = (revision: bigint | 'no_stream') => (revision === 'no_stream' ? -1 : Number(revision));

/** The auction a lot is: the sale's terms, the lot's own, its number and its planned end. */
export const lotAuction = (sale: Sale, lot: LotAdded): CreateAuctionData => ({
  auctionId: lot.auctionId,
  sellerId: sale.sellerId,
  title: lot.title,
  description: lot.description,
  currency: sale.currency,
  startingPrice: lot.startingPrice,
  reservePrice: lot.reservePrice,
  ...(lot.buyNowPrice !== undefined ? { buyNowPrice: lot.buyNowPrice } : {}),
  ...(lot.format !== undefined && lot.format !== 'english' ? { format: lot.format } : {}),
  ...(lot.dutch ? { dutch: lot.dutch } : {}),
  minIncrement: null,
  ...(sale.increments ? { increments: sale.increments } : {}),
  startsAt: new Date(sale.startsAt).toISOString(),
  endsAt: lot.endsAt,
  // The sale's soft close is for its English lots: the other formats have none.
  softClose: (lot.format ?? 'english') === 'english' ? sale.softClose : null,
  saleId: sale.saleId,
  lotNumber: lot.lotNumber,
  ...(sale.requiresApproval ? { requiresApproval: true } : {}),
});

/** Creates the lot's auction; one that exists already (a retry, the process manager) is fine. */
export async function ensureLotAuction(handler: CommandHandler, data: CreateAuctionData, now = new Date()) {
  try {
    return await handler.handle({
      auctionId: data.auctionId,
      userId: data.sellerId,
      correlationId: randomUUID(),
      command: { type: 'CreateAuction', data, now },
    });
  } catch (error) {
    if (error instanceof AuctionRuleError && error.code === 'AUCTION_ALREADY_EXISTS') return undefined;
    throw error;
  }
}

/** The AuctionCreated of a lot's auction: created now, or found if it was (a retry, the process manager). */
async function lotAuctionPositionIn(
  eventStore: EventStore,
  handler: CommandHandler,
  sale: Sale,
  lot: LotAdded,
  now: Date,
) {
  const created = await ensureLotAuction(handler, lotAuction(sale, lot), now);
  if (created) return created.position!;
  const [first] = await eventStore.readStream(auctionStreamId(lot.auctionId), { maxCount: 1 });
  return first!.position;
}

/**
 * A sale's terms as a keyed request gave them: a retry must give the same. A start the request
 * left out was "now" the first time, so only a start it gave is compared.
 */
function sameSale(recorded: SaleCreated, data: CreateSaleData, startsAtGiven: boolean) {
  const { createdAt: _, startsAt, ...terms } = recorded;
  const { startsAt: askedStart, ...asked } = data;
  const sameStart = !startsAtGiven || Date.parse(startsAt) === Date.parse(askedStart);
  return sameStart && isDeepStrictEqual(terms, asked);
}

/** A retry of a keyed create: the first reply again, from the sale's first event. */
async function replaySale(eventStore: EventStore, data: CreateSaleData, startsAtGiven: boolean) {
  const [first] = await eventStore.readStream(saleStreamId(data.saleId), { maxCount: 1 });
  if (!sameSale(first!.data as SaleCreated, data, startsAtGiven)) throw new IdempotencyKeyReusedError();
  return { saleId: data.saleId, revision: 0, position: first!.position, replayed: true as const };
}

/** A lot's terms as the request gave them: a retry with the same key must give the same. */
const sameTerms = (lot: LotAdded, data: Omit<AddLotData, 'auctionId'>) =>
  lot.title === data.title &&
  lot.description === data.description &&
  lot.startingPrice === data.startingPrice &&
  lot.reservePrice === data.reservePrice &&
  lot.buyNowPrice === data.buyNowPrice &&
  (lot.format ?? 'english') === (data.format ?? 'english') &&
  isDeepStrictEqual(lot.dutch, data.dutch);

/**
 * A retry of a request that added its lot: the first reply again, from the LotAdded it recorded
 * (its revision) and its lot's auction (created now if that request died in between). The same
 * key with other terms is refused.
 */
async function replayLot(
  eventStore: EventStore,
  handler: CommandHandler,
  saleId: string,
  data: Omit<AddLotData, 'auctionId'>,
  now: Date,
): Promise<LotReply> {
  const events = (await eventStore.readStream(saleStreamId(saleId))).flatMap((recorded) => {
    const event = toSaleEvent(recorded);
    return event ? [{ event, revision: recorded.revision }] : [];
  });
  const sale = evolveSaleAll(events.map((e) => e.event))!;
  const found = events.find(
    (e) => e.event.type === 'LotAdded' && e.event.data.idempotencyKey === data.idempotencyKey,
  );
  if (found?.event.type !== 'LotAdded') throw new Error(`No lot with that key in sale ${saleId}`);
  const lot = found.event.data;
  if (!sameTerms(lot, data)) throw new IdempotencyKeyReusedError();
  return {
    saleId,
    lotNumber: lot.lotNumber,
    auctionId: lot.auctionId,
    endsAt: lot.endsAt,
    revision: Number(found.revision),
    position: await lotAuctionPositionIn(eventStore, handler, sale, lot, now),
  };
}

/**
 * The commands of sales, through the one command handling (streamCommands): the sale's stream
 * records what the catalogue is; each lot's auction is created from its LotAdded, here at once and
 * by the sale's process manager after a crash, idempotently (AUCTION_ALREADY_EXISTS is success).
 */
export function getSaleCommands(eventStore: EventStore, handler: CommandHandler) {
  const commands = getStreamCommands(eventStore);
  const run = (saleId: string, command: SaleCommand, userId: string | null) =>
    commands.handle(saleStreamType, saleStreamId(saleId), command, {
      commandType: command.type,
      userId,
      correlationId: randomUUID(),
    });

  return {
    async create(data: CreateSaleData, now: Date): Promise<SaleReply> {
      const outcome = await run(data.saleId, { type: 'CreateSale', data, now }, data.sellerId);
      return { saleId: data.saleId, revision: revisionOf(outcome.revision), position: outcome.position! };
    },

    /**
     * A create with an Idempotency-Key (the sale id comes from the key): a retry finds the sale
     * and answers the first reply, from the stream's first event.
     */
    async createOnce(
      data: CreateSaleData,
      now: Date,
      startsAtGiven: boolean,
    ): Promise<SaleReply & { replayed?: true }> {
      try {
        return await this.create(data, now);
      } catch (error) {
        if (!(error instanceof SaleRuleError && error.code === 'SALE_ALREADY_EXISTS')) throw error;
        return replaySale(eventStore, data, startsAtGiven);
      }
    },

    async addLot(
      saleId: string,
      data: Omit<AddLotData, 'auctionId'>,
      now: Date,
    ): Promise<LotReply & { replayed?: true }> {
      const outcome = await run(
        saleId,
        { type: 'AddLot', data: { ...data, auctionId: randomUUID() }, now },
        data.userId,
      );
      const [added] = outcome.events;
      if (added?.type !== 'LotAdded')
        return { ...(await replayLot(eventStore, handler, saleId, data, now)), replayed: true };
      return {
        saleId,
        lotNumber: added.data.lotNumber,
        auctionId: added.data.auctionId,
        endsAt: added.data.endsAt,
        revision: revisionOf(outcome.revision),
        // The later of the two appends: reading with it sees the sale and the lot's auction.
        position: await lotAuctionPositionIn(eventStore, handler, outcome.state!, added.data, now),
      };
    },

    async cancel(saleId: string, userId: string, reason: string | undefined, now: Date): Promise<SaleReply> {
      const outcome = await run(
        saleId,
        { type: 'CancelSale', data: { userId, ...(reason ? { reason } : {}) }, now },
        userId,
      );
      return { saleId, revision: revisionOf(outcome.revision), position: outcome.position! };
    },

    /** For the process manager: a lot ended; the last to end closes the sale. */
    recordLotClosed: (saleId: string, data: Extract<SaleCommand, { type: 'RecordLotClosed' }>['data']) =>
      run(saleId, { type: 'RecordLotClosed', data, now: new Date() }, null),
  };
}

export type SaleCommands = ReturnType<typeof getSaleCommands>;
