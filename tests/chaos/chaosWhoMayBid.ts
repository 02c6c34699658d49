/**
 * Who may bid, under the chaos: the seller cancels bids as they come in (on whichever instance is
 * up, retrying through the faults), and an admin suspends one bidder part-way. Afterwards: no
 * cancelled bid is counted anywhere (the bids and user_bids tables, the auction's count), no bid of
 * the suspended bidder was accepted a second after the suspension, and the process manager left
 * none of theirs standing on an open auction.
 */
import type { Knex } from 'knex';
import { foldAuction, type BidCancelled, type BidPlaced } from '../../src/auction';
import type { EventStore, RecordedEvent } from '../../src/events';

export interface WhoMayBidReport {
  cancellations: number;
  byStatus: Record<string, number>;
  suspendedAt?: string;
  /** Promises broken, as lines. */
  broken: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends one command until an instance answers it (not a dropped connection or a 503); its status. */
async function until(anyUp: () => string, path: string, token: string, body: unknown): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      const res = await fetch(`${anyUp()}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      if (res.status !== 503) return res.status;
    } catch {
      // an instance down: try the other
    }
    await sleep(200);
  }
  return 0;
}

/** The seller's cancellations while `running()`, every `everyMs`, of bids acknowledged so far. */
export async function cancelWhileRunning(options: {
  anyUp: () => string;
  sellerToken: string;
  /** The bids it may cancel: (bidId, auctionId). */
  candidates: () => Array<[string, string]>;
  running: () => boolean;
  everyMs: number;
  report: WhoMayBidReport;
}) {
  const { report } = options;
  while (options.running()) {
    await sleep(options.everyMs);
    const bids = options.candidates();
    if (bids.length === 0) continue;
    const [bidId, auctionId] = bids[Math.floor(Math.random() * bids.length)]!;
    const status = await until(
      options.anyUp,
      `/auctions/${auctionId}/bids/${bidId}/cancel`,
      options.sellerToken,
      {
        reason: 'chaos',
      },
    );
    report.byStatus[status] = (report.byStatus[status] ?? 0) + 1;
    if (status === 200) report.cancellations++;
  }
}

export async function suspend(
  anyUp: () => string,
  adminToken: string,
  userId: string,
  report: WhoMayBidReport,
) {
  const status = await until(anyUp, `/admin/users/${userId}/suspend`, adminToken, { reason: 'chaos' });
  if (status !== 200) report.broken.push(`the suspension was answered ${status}`);
}

/** The bids that stand after a stream (BidCancelled's diff applied), by id. */
function standingBids(events: RecordedEvent[]) {
  const standing = new Map<string, { bidderId: string; amount: number }>();
  for (const e of events) {
    if (e.type === 'BidPlaced') {
      const { bidId, bidderId, amount } = e.data as BidPlaced;
      standing.set(bidId, { bidderId, amount });
    } else if (e.type === 'BidCancelled') {
      const cancelled = e.data as BidCancelled;
      for (const id of cancelled.removedBidIds) standing.delete(id);
      for (const b of cancelled.placedBids) standing.set(b.bidId, { bidderId: b.bidderId, amount: b.amount });
    }
  }
  return standing;
}

export async function checkWhoMayBid(
  report: WhoMayBidReport,
  streams: Map<string, RecordedEvent[]>,
  store: EventStore,
  knex: Knex,
  suspendedUserId: string,
) {
  const suspendedEvent = (await store.readStream(`user-${suspendedUserId}`)).find(
    (e) => e.type === 'UserSuspended',
  );
  report.suspendedAt = (suspendedEvent?.data as { suspendedAt?: string } | undefined)?.suspendedAt;
  if (!report.suspendedAt) report.broken.push('no suspension in the log');
  const effective = Date.parse(report.suspendedAt ?? '') + 1000;
  for (const [auctionId, events] of streams) {
    const standing = standingBids(events);
    const rows = await knex('read_model.bids').where({ auction_id: auctionId }).select('bid_id', 'amount');
    const inTable = new Map(rows.map((r) => [r.bid_id as string, Number(r.amount)]));
    const counted = [...inTable.keys()].filter((id) => !standing.has(id));
    if (counted.length)
      report.broken.push(`${auctionId}: cancelled bids still listed: ${counted.join(', ')}`);
    const missing = [...standing.keys()].filter((id) => !inTable.has(id));
    if (missing.length) report.broken.push(`${auctionId}: standing bids not listed: ${missing.join(', ')}`);
    const state = foldAuction(events).state!;
    if (!state.sealedBids && state.bidCount !== standing.size)
      report.broken.push(`${auctionId}: bidCount ${state.bidCount}, ${standing.size} bids stand`);
    const late = events.filter((e) => {
      const bid = e.data as BidPlaced;
      return (
        e.type === 'BidPlaced' &&
        !bid.auto &&
        bid.bidderId === suspendedUserId &&
        Date.parse(bid.placedAt) > effective
      );
    });
    if (late.length)
      report.broken.push(`${auctionId}: ${late.length} bids of the suspended bidder accepted after it`);
    const open = state.status === 'active' && state.endsAt > Date.now();
    const theirs = [...standing.values()].filter((b) => b.bidderId === suspendedUserId);
    if (open && theirs.length)
      report.broken.push(`${auctionId}: the suspended bidder still has ${theirs.length} bids`);
    const userRows = await knex('read_model.user_bids').where({ auction_id: auctionId }).select('user_id');
    const bidders = new Set([...standing.values()].map((b) => b.bidderId));
    const stale = userRows.filter((r) => !bidders.has(r.user_id as string));
    if (stale.length)
      report.broken.push(`${auctionId}: user_bids of bidders with no bid left: ${stale.length}`);
  }
}
