import { randomUUID } from 'node:crypto';
import type { CommandHandler } from '../../commands';
import type { EventStore } from '../../events';
import { lotPushesAfter, type LotPush, type PushWalk, type Sale } from '../../sales';
import { readSale, type LotOf, type Lots } from './lotLookup';

/** How many pushes of one walk go at once (each to its own lot's stream). */
const PUSHES_AT_ONCE = 8;
/**
 * A lot extended by a bid moves the next lot at once (it must never close before the gap after
 * it); the lots after that move when a lot ends (a full walk), up to FAR_MS after it. A bidding
 * war extends a lot with every late bid: moving every lot near it each time made the process
 * manager fall behind, and the lots' closes, which wait for it, with it.
 */
const NEXT_ONLY = -Infinity;
/**
 * A lot's end moves the lots ending within this after it; those further on move as later lots
 * end and bring them within (one push per lot per lot that ends would be O(lots²) events).
 */
const FAR_MS = 3 * 60_000;

/** The walks a batch asks for, by sale: from which lot, near (extended) or all (a lot over). */
export type Walks = Map<string, Map<number, PushWalk['kind']>>;

export const askWalk = (walks: Walks, lot: NonNullable<LotOf>, kind: PushWalk['kind']) => {
  const bySale = walks.get(lot.saleId) ?? new Map<number, PushWalk['kind']>();
  if (bySale.get(lot.lotNumber) !== 'all') bySale.set(lot.lotNumber, kind);
  walks.set(lot.saleId, bySale);
};

/**
 * The walks of a batch, once per sale however many extensions it saw: from each lot asked, in
 * catalogue order, the lots after it move to keep the gap (AuctionExtended, reason
 * previous_lot_extended). A push a lot did not need (after a crash, a replayed batch) records nothing.
 */
export async function walk(deps: { handler: CommandHandler }, lots: Lots, sales: SaleCache, walks: Walks) {
  for (const [saleId, from] of walks) {
    const sale = await sales.get(saleId);
    if (!sale) continue;
    let walkedTo = 0;
    for (const [lotNumber, kind] of [...from].sort(([a], [b]) => a - b)) {
      if (lotNumber <= walkedTo && kind === 'near') continue;
      const extended = sale.lots[lotNumber - 1];
      const end = extended ? lots.endOf(extended.auctionId, extended.endsAt) : 0;
      const until = kind === 'near' ? NEXT_ONLY : end + FAR_MS;
      const pushes = lotPushesAfter(sale, lotNumber, lots.endOf, { kind, until });
      for (let i = 0; i < pushes.length; i += PUSHES_AT_ONCE)
        await Promise.all(pushes.slice(i, i + PUSHES_AT_ONCE).map((push) => pushLot(deps, lots, push)));
      walkedTo = Math.max(walkedTo, pushes.at(-1)?.lotNumber ?? lotNumber);
    }
  }
}

async function pushLot({ handler }: { handler: CommandHandler }, lots: Lots, push: LotPush) {
  await handler.handle({
    auctionId: push.auctionId,
    userId: null,
    correlationId: randomUUID(),
    // A lot over already records nothing; an earlier push or a later end too (the decider).
    command: { type: 'PushLot', data: { endsAt: push.endsAt }, now: new Date() },
  });
  lots.endAtLeast(push.auctionId, push.endsAt);
}

/** The sales the walks read, each folded from its stream once and again after its next event. */
export function saleCache(eventStore: EventStore) {
  const held = new Map<string, Sale | null>();
  return {
    async get(saleId: string) {
      if (!held.has(saleId)) {
        if (held.size >= 1000) held.delete(held.keys().next().value!);
        held.set(saleId, await readSale(eventStore, saleId));
      }
      return held.get(saleId)!;
    },
    changed: (saleId: string) => held.delete(saleId),
  };
}

export type SaleCache = ReturnType<typeof saleCache>;
