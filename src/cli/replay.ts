/** `npm run replay -- <auctionId> [--at ISO]`: an auction's timeline, and its state at the end. */
import { auctionStreamId, foldAuction, foldStep, type AuctionState } from '../auction';
import { toAuctionView } from '../projections';
import { fail, openStores, runCli } from './context';

const summary = (type: string, data: Record<string, unknown>) => {
  switch (type) {
    case 'AuctionCreated':
      return `"${data.title}" by ${data.sellerId}, ${data.startingPrice} ${data.currency}, ends ${data.endsAt}`;
    case 'BidPlaced':
      return `${data.auto ? 'auto-bid' : 'bid'} ${data.amount} by ${data.bidderId}`;
    case 'AuctionExtended':
      return `end moved to ${data.endsAt}`;
    case 'AuctionCancelled':
      return `cancelled${data.reason ? `: ${data.reason}` : ''}`;
    case 'AuctionClosed':
      return `closed: ${data.outcome}${data.winnerId ? ` to ${data.winnerId} at ${data.finalPrice}` : ''}`;
    default:
      return JSON.stringify(data);
  }
};

async function main() {
  const args = process.argv.slice(2);
  const auctionId = args[0];
  const atIndex = args.indexOf('--at');
  const at = atIndex >= 0 ? Date.parse(args[atIndex + 1] ?? '') : undefined;
  if (!auctionId || (at !== undefined && Number.isNaN(at)))
    fail('usage: npm run replay -- <auctionId> [--at ISO-time]');
  const stores = openStores();
  try {
    const events = await stores.eventStore.readStream(auctionStreamId(auctionId));
    if (events.length === 0) fail(`no auction ${auctionId}`);
    let folded: AuctionState = null;
    for (const recorded of events) {
      if (at !== undefined && recorded.recordedAt.getTime() > at) break;
      const step = foldStep(folded, recorded); // today's shape of every event
      folded = step.state;
      const e = step.event;
      console.log(
        `${String(e.revision).padStart(5)}  ${e.recordedAt.toISOString()}  ${e.type.padEnd(16)}  ${summary(e.type, e.data as Record<string, unknown>)}`,
      );
    }
    const { state, revision } = foldAuction(events, { at });
    if (!state) fail('the auction did not exist then');
    console.log(JSON.stringify(toAuctionView(state, revision, at ?? Date.now()), null, 2));
  } finally {
    await stores.close();
  }
}

runCli(main);
