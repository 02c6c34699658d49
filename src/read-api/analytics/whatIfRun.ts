import { auctionStreamId } from '../../auction';
import type { EventStore } from '../../events';
import type { AnalyticsQueries, Range } from './analyticsQueries';
import { replayUnderRules, summarise, type WhatIfItem, type WhatIfRules } from '../../analytics';

/** The most auctions one what-if replays (about 1,000,000 events at 100 each). */
export const MAX_WHAT_IF_AUCTIONS = 10_000;

const WHAT_IF_PAGE = 500;

export class TooManyAuctionsError extends Error {
  readonly code = 'TOO_MANY_AUCTIONS';
  constructor() {
    super(`More than ${MAX_WHAT_IF_AUCTIONS} auctions ended in the range: narrow it, or name the auctions`);
  }
}

export interface WhatIfRequest {
  /** The auctions to replay; without them, every closed auction that ended in `range`. */
  auctionIds?: string[];
  range?: Range;
  rules: WhatIfRules;
}

/** A what-if for the route and the command line: the auctions' streams read at once, each replayed. */
export async function runWhatIf(
  deps: { queries: AnalyticsQueries; eventStore: EventStore },
  request: WhatIfRequest,
) {
  let ids = request.auctionIds?.map((id) => id.toLowerCase());
  if (!ids) {
    ids = await deps.queries.closedAuctionIds(
      request.range ?? { from: new Date(0), to: new Date() },
      MAX_WHAT_IF_AUCTIONS + 1,
    );
    if (ids.length > MAX_WHAT_IF_AUCTIONS) throw new TooManyAuctionsError();
  }
  const items: WhatIfItem[] = [];
  const skipped: Array<{ auctionId: string; reason: 'not_found' | 'not_closed' }> = [];
  // A page of streams at a time, the next one read while this one is decided again: PostgreSQL
  // finds the rows while Node decides.
  const pages: string[][] = [];
  for (let i = 0; i < ids.length; i += WHAT_IF_PAGE) pages.push(ids.slice(i, i + WHAT_IF_PAGE));
  const read = (page: string[] | undefined) => {
    const reading = page && deps.eventStore.readStreams(page.map(auctionStreamId));
    reading?.catch(() => undefined); // awaited below; meanwhile a failure is not "unhandled"
    return reading;
  };
  let next = read(pages[0]);
  for (let p = 0; p < pages.length; p++) {
    const streams = (await next)!;
    next = read(pages[p + 1]);
    for (const id of pages[p]!) {
      const events = streams.get(auctionStreamId(id))!;
      const item = events.length ? replayUnderRules(events, request.rules) : undefined;
      if (item) items.push(item);
      else skipped.push({ auctionId: id, reason: events.length ? 'not_closed' : 'not_found' });
    }
  }
  return { items, summary: summarise(items), skipped };
}
