/** `npm run replay -- <auctionId> [--at ISO]`: an auction's timeline, and its state at the end. */
import { auctionStreamId, foldAuction, foldStep, type AuctionState, toAuctionView } from '../auction';
import { cliArgs, fail, openStores, runCli } from './context';

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
  const { values, positionals } = cliArgs({
    usage: 'npm run replay -- <auctionId> [--at ISO-time]',
    help: [
      "Prints an auction's timeline from its stream (each event with its revision and time) and the",
      'auction as it stands at the end.',
      '  --at ISO-time  stop at this instant: the auction as it stood then',
    ].join('\n'),
    options: { at: { type: 'string' } },
    positionals: { min: 1, max: 1 },
  });
  const auctionId = positionals[0]!;
  const at = values.at === undefined ? undefined : Date.parse(values.at);
  if (at !== undefined && Number.isNaN(at)) fail(`--at is not a time (ISO 8601): ${values.at}`);
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
