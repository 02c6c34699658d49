/**
 * Bidders by a stable alias per auction: "Bidder 1" is whoever bid first in it, "Bidder 2" the
 * next new bidder, and so on. Everyone sees the same names (they follow the log's order), an id
 * never shows, and a bidder keeps their name for the whole auction.
 */
import type { Bid } from '../types';

/** The alias of each bidder of an auction, from all its bids (in any order). */
export function aliasesOf(bids: Pick<Bid, 'bidderId' | 'revision'>[]): Map<string, number> {
  const aliases = new Map<string, number>();
  for (const bid of [...bids].sort((a, b) => a.revision - b.revision))
    if (!aliases.has(bid.bidderId)) aliases.set(bid.bidderId, aliases.size + 1);
  return aliases;
}

/** A bidder as the viewer sees them: "you", or their alias. */
export function bidderName(aliases: Map<string, number>, bidderId: string | null, me: string | undefined) {
  if (!bidderId) return '—';
  if (bidderId === me) return 'you';
  const n = aliases.get(bidderId);
  return n === undefined ? 'another bidder' : `Bidder ${n}`;
}
