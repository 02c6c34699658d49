import { nextLotEndAfter } from './saleRules';
import type { Sale } from './saleState';

/** A lot to move: it must end at `endsAt` at the earliest (PushLot). */
export interface LotPush {
  lotNumber: number;
  auctionId: string;
  endsAt: number;
}

/**
 * How far a walk goes. `near`: from a lot just extended, on to the lots that end soon (before
 * `until`, and always the next lot), stopping at the first lot that keeps its gap already: the
 * walk that moved it moved those after it. `all`: from a lot just over, every lot after it that
 * ends before `until`, past those that keep their gap, so the lots a near walk left behind move
 * too, once per lot that ends; lots further on move when a later lot's end brings them within.
 */
export interface PushWalk {
  kind: 'near' | 'all';
  until: number;
}

/**
 * Pure: the lots after lot `from` that must move so that each lot ends at least the gap after the
 * one before it. `endOf` is where a lot ends as far as the caller knows (a lower bound: ends only
 * move later, so a push it did not need records nothing). Lots over (closed or cancelled) are
 * passed over: only the lots still to close keep the gap.
 */
export function lotPushesAfter(
  sale: Sale,
  from: number,
  endOf: (auctionId: string, plannedEnd: number) => number,
  walk: PushWalk,
): LotPush[] {
  const start = sale.lots[from - 1];
  if (!start) return [];
  const pushes: LotPush[] = [];
  let previousEnd = endOf(start.auctionId, start.endsAt);
  for (const lot of sale.lots.slice(from)) {
    if (lot.outcome !== null) continue;
    const need = nextLotEndAfter(previousEnd, sale.lotGapSeconds);
    const current = endOf(lot.auctionId, lot.endsAt);
    if (walk.kind === 'near' && current >= need) break;
    if (lot.lotNumber > from + 1 && current > walk.until) break;
    if (current < need) pushes.push({ lotNumber: lot.lotNumber, auctionId: lot.auctionId, endsAt: need });
    previousEnd = Math.max(current, need);
  }
  return pushes;
}
