import {
  AuctionRuleError,
  decide,
  evolve,
  evolveAll,
  foldStep,
  formatOf,
  minimumBid,
  type Auction,
  type AuctionCreated,
  type AuctionOutcome,
  type AuctionState,
  type AuctionBoughtNow,
  type BidPlaced,
  type IncrementBand,
  type MaxBidRaised,
  type SealedBidPlaced,
} from '../auction';
import type { RecordedEvent } from '../events';

/** Other rules to replay an auction under; what is not given stays as the auction had it. */
export interface WhatIfRules {
  /** null: no soft close. */
  softClose?: { windowSeconds: number; extensionSeconds: number } | null;
  /** A fixed increment, or the ladder of the platform. */
  minIncrement?: number | 'ladder';
  /** An increment table instead (as on an auction: from 0 up, ascending). */
  increments?: IncrementBand[];
  /** false: every bid stands at its amount; nobody's ceiling answers for them. */
  proxyBidding?: boolean;
  /** English auctions replayed as sealed bids: each bidder's highest ceiling, sealed. */
  format?: 'sealed_first_price' | 'sealed_second_price';
}

export interface AuctionResult {
  outcome: AuctionOutcome;
  winnerId: string | null;
  finalPrice: number | null;
  endsAt: string;
}

export interface WhatIfItem {
  auctionId: string;
  currency: string;
  actual: AuctionResult;
  whatIf: AuctionResult;
  changed: boolean;
}

/** A bidder's own decision, as recorded: a bid (with its ceiling), a leader raising theirs, a buy. */
type Intent =
  | { kind: 'bid'; bidderId: string; amount: number; maxAmount?: number; at: string }
  | { kind: 'raise'; bidderId: string; maxAmount: number; at: string }
  | { kind: 'buy'; bidderId: string; at: string };

const resultOf = (auction: Auction): AuctionResult => ({
  outcome: auction.outcome!,
  winnerId: auction.winnerId,
  finalPrice: auction.finalPrice,
  endsAt: new Date(auction.endsAt).toISOString(),
});

const sameResult = (a: AuctionResult, b: AuctionResult) =>
  a.outcome === b.outcome &&
  a.winnerId === b.winnerId &&
  a.finalPrice === b.finalPrice &&
  a.endsAt === b.endsAt;

/** The auction as it ended, how it was created, and the bidders' own decisions in their order. */
function intentsOf(recorded: RecordedEvent[]) {
  let actual: AuctionState = null;
  let created: AuctionCreated | undefined;
  const intents: Intent[] = [];
  for (const e of recorded) {
    const step = foldStep(actual, e);
    actual = step.state;
    const { type, data } = step.event;
    if (type === 'AuctionCreated') created = data as AuctionCreated;
    else if (type === 'BidPlaced' && !(data as BidPlaced).auto) {
      const bid = data as BidPlaced;
      intents.push({
        kind: 'bid',
        bidderId: bid.bidderId,
        amount: bid.asked ?? bid.amount,
        maxAmount: bid.maxAmount,
        at: bid.placedAt,
      });
    } else if (type === 'BidCancelled') {
      // Their bids so far are gone, as if never placed (their later ones stand).
      const { bidderId } = data as { bidderId: string };
      const kept = intents.filter((i) => i.bidderId !== bidderId);
      intents.splice(0, intents.length, ...kept);
    } else if (type === 'SealedBidPlaced') {
      const { bidderId, amount, placedAt } = data as SealedBidPlaced;
      intents.push({ kind: 'bid', bidderId, amount, at: placedAt });
    } else if (type === 'AuctionBoughtNow') {
      const { buyerId, boughtAt } = data as AuctionBoughtNow;
      intents.push({ kind: 'buy', bidderId: buyerId, at: boughtAt });
    } else if (type === 'MaxBidRaised') {
      const raise = data as MaxBidRaised;
      intents.push({
        kind: 'raise',
        bidderId: raise.bidderId,
        maxAmount: raise.maxAmount,
        at: raise.raisedAt,
      });
    }
  }
  return { actual, created, intents };
}

/** The auction created again under the other rules. */
const createdUnder = (created: AuctionCreated, rules: WhatIfRules): AuctionState =>
  evolve(null, {
    type: 'AuctionCreated',
    data: {
      ...created,
      ...(rules.softClose !== undefined ? { softClose: rules.softClose } : {}),
      ...(rules.minIncrement !== undefined
        ? { minIncrement: rules.minIncrement === 'ladder' ? null : rules.minIncrement, increments: null }
        : {}),
      ...(rules.increments ? { minIncrement: null, increments: rules.increments } : {}),
    },
  });

/** One decision decided again; a bid the rules refuse is dropped, as the live system would have. */
function decideAgain(state: AuctionState, intent: Intent, n: number, proxy: boolean): AuctionState {
  if (intent.kind === 'buy') return buyAgain(state, intent, n);
  // Without proxies a ceiling is nothing: a raise, or the leader's own bid (which would only
  // raise their ceiling), is not made.
  if (!proxy && (intent.kind === 'raise' || state!.leader?.bidderId === intent.bidderId)) return state;
  const amount = intent.kind === 'bid' ? intent.amount : minimumBid(state!);
  const maxAmount = proxy ? intent.maxAmount : undefined;
  if (maxAmount !== undefined && maxAmount < amount) return state;
  try {
    const data = {
      bidId: `b${n}`,
      autoBidId: `a${n}`,
      bidderId: intent.bidderId,
      amount,
      ...(maxAmount ? { maxAmount } : {}),
    };
    return evolveAll(decide({ type: 'PlaceBid', now: new Date(intent.at), data }, state), state);
  } catch (error) {
    if (!(error instanceof AuctionRuleError)) throw error;
    return state;
  }
}

/**
 * An English auction as a sealed one: each bidder seals the highest they were willing to pay
 * (their highest ceiling, bid or buy) at the time they first reached it, and it closes at its
 * planned end (no soft close).
 */
function sealedAgain(created: AuctionCreated, format: NonNullable<WhatIfRules['format']>, intents: Intent[]) {
  const highest = new Map<string, { amount: number; at: string }>();
  for (const intent of intents) {
    const amount =
      intent.kind === 'buy'
        ? (created.buyNowPrice ?? 0)
        : intent.kind === 'raise'
          ? intent.maxAmount
          : Math.max(intent.amount, intent.maxAmount ?? 0);
    const before = highest.get(intent.bidderId);
    if (!before || amount > before.amount) highest.set(intent.bidderId, { amount, at: intent.at });
  }
  const { buyNowPrice: _none, ...terms } = created;
  let state = evolve(null, {
    type: 'AuctionCreated',
    data: { ...terms, format, softClose: null, minIncrement: null, increments: null },
  });
  const sealed = [...highest].sort(([, a], [, b]) => Date.parse(a.at) - Date.parse(b.at));
  sealed.forEach(([bidderId, { amount, at }], n) => {
    state = decideAgain(state, { kind: 'bid', bidderId, amount, at }, n, false);
  });
  return state;
}

/** A buy decided again: under the other rules a bid may stand by then, and the buy is refused. */
function buyAgain(state: AuctionState, intent: Extract<Intent, { kind: 'buy' }>, n: number): AuctionState {
  try {
    const command = {
      type: 'BuyNow' as const,
      now: new Date(intent.at),
      data: { bidId: `b${n}`, buyerId: intent.bidderId },
    };
    return evolveAll(decide(command, state), state);
  } catch (error) {
    if (!(error instanceof AuctionRuleError)) throw error;
    return state;
  }
}

/**
 * Pure: a closed auction's recorded stream replayed under other rules. The bidders' own decisions
 * (every bid that was not automatic, every raise of a ceiling) are decided again, in their order
 * and at their times, by the same decider, on an auction created with the other rules; a bid they
 * refuse is dropped, as the live system would have refused it. Then it closes at its end. Returns
 * undefined for an auction that did not close (open, or cancelled).
 */
export function replayUnderRules(recorded: RecordedEvent[], rules: WhatIfRules): WhatIfItem | undefined {
  const { actual, created, intents } = intentsOf(recorded);
  if (!actual || !created || actual.status !== 'closed') return undefined;
  if (rules.format && formatOf(actual) !== 'english') return undefined;
  const proxy = rules.proxyBidding ?? true;
  let state = rules.format
    ? sealedAgain(created, rules.format, intents)
    : intents.reduce((s, intent, n) => decideAgain(s, intent, n, proxy), createdUnder(created, rules));
  // Bought now, it closed then; else it closes at its end.
  if (state!.status === 'active')
    state = evolveAll(decide({ type: 'CloseAuction', now: new Date(state!.endsAt) }, state), state);
  const whatIf = resultOf(state!);
  const actualResult = resultOf(actual);
  return {
    auctionId: actual.auctionId,
    currency: actual.currency,
    actual: actualResult,
    whatIf,
    changed: !sameResult(actualResult, whatIf),
  };
}

/** The totals of a what-if: how many changed, and the revenue (sold prices) by currency, actual and what-if. */
export function summarise(items: WhatIfItem[]) {
  const revenueActual: Record<string, number> = {};
  const revenueWhatIf: Record<string, number> = {};
  for (const item of items) {
    revenueActual[item.currency] ??= 0;
    revenueWhatIf[item.currency] ??= 0;
    if (item.actual.outcome === 'sold') revenueActual[item.currency]! += item.actual.finalPrice!;
    if (item.whatIf.outcome === 'sold') revenueWhatIf[item.currency]! += item.whatIf.finalPrice!;
  }
  return {
    auctions: items.length,
    changed: items.filter((i) => i.changed).length,
    revenueActual,
    revenueWhatIf,
  };
}
