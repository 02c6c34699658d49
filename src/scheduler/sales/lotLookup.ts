import { auctionStreamId } from '../../auction';
import type { EventStore, RecordedEvent } from '../../events';
import { evolveSaleAll, saleStreamId, toSaleEvent, type Sale } from '../../sales';

/** What a lot's auction says of its sale (null: a standalone auction). */
export type LotOf = { saleId: string; lotNumber: number } | null;

/** The auctions whose sale (or none), and whose end, this process remembers. */
const MAX_REMEMBERED = 200_000;

/** The sale, folded from its stream. */
export async function readSale(eventStore: EventStore, saleId: string): Promise<Sale | null> {
  const recorded = await eventStore.readStream(saleStreamId(saleId));
  return evolveSaleAll(recorded.flatMap((r) => toSaleEvent(r) ?? []));
}

/** A map that forgets its oldest entries past MAX_REMEMBERED. */
function bounded<V>() {
  const map = new Map<string, V>();
  return {
    get: (key: string) => map.get(key),
    set(key: string, value: V) {
      if (map.size >= MAX_REMEMBERED) map.delete(map.keys().next().value!);
      map.set(key, value);
    },
  };
}

/**
 * Which sale an auction is a lot of: remembered from the AuctionCreated events it sees, else read
 * from the auction's first event (an auction created before this process started). And where each
 * lot ends as far as the events seen say: a lower bound, as ends only move later.
 */
export function lotLookup(eventStore: EventStore) {
  const known = bounded<LotOf>();
  const ends = bounded<number>();
  const fromCreated = (data: unknown): LotOf => {
    const { saleId, lotNumber } = data as { saleId?: string; lotNumber?: number };
    return saleId && lotNumber ? { saleId, lotNumber } : null;
  };
  const endAtLeast = (auctionId: string, endsAt: number) => {
    if (endsAt > (ends.get(auctionId) ?? -Infinity)) ends.set(auctionId, endsAt);
  };
  return {
    seen(e: RecordedEvent, auctionId: string) {
      if (e.type === 'AuctionCreated') known.set(auctionId, fromCreated(e.data));
      if (e.type === 'AuctionCreated' || e.type === 'AuctionExtended')
        endAtLeast(auctionId, Date.parse((e.data as { endsAt: string }).endsAt));
    },
    async of(auctionId: string): Promise<LotOf> {
      const held = known.get(auctionId);
      if (held !== undefined) return held;
      const [first] = await eventStore.readStream(auctionStreamId(auctionId), { maxCount: 1 });
      const lot = first?.type === 'AuctionCreated' ? fromCreated(first.data) : null;
      known.set(auctionId, lot);
      return lot;
    },
    endOf: (auctionId: string, plannedEnd: number) => Math.max(ends.get(auctionId) ?? plannedEnd, plannedEnd),
    endAtLeast,
  };
}

export type Lots = ReturnType<typeof lotLookup>;
