/**
 * `npm run what-if -- [--auction ID]… [--from ISO] [--to ISO] [--soft-close off|WINDOW:EXTENSION]
 * [--increment N|ladder] [--no-proxy]`: closed auctions replayed under other rules (nothing is
 * written), as a table of actual against what-if, and the totals.
 */
import { getAnalyticsQueries, runWhatIf } from '../read-api';
import { type WhatIfRules } from '../analytics';
import { fail, openStores, runCli } from './context';

const USAGE =
  'usage: npm run what-if -- [--auction ID]... [--from ISO] [--to ISO] [--soft-close off|WINDOW:EXTENSION] [--increment N|ladder] [--no-proxy]';

const HELP = [
  'Replays closed auctions under other rules through the same decider, writing nothing, and prints',
  'actual against what-if for each, and the totals.',
  '  --auction ID        an auction to replay (repeat for more); else every auction closed in the range',
  '  --from ISO, --to ISO  the range of closing times',
  '  --soft-close off|WINDOW:EXTENSION  soft close off, or its window and extension in seconds',
  '  --increment N|ladder  a fixed increment in minor units, or the default ladder',
  '  --no-proxy          no proxy bidding: each bid stands at its amount',
].join('\n');

const softCloseRule = (value: string | undefined): WhatIfRules['softClose'] => {
  if (value === 'off') return null;
  const m = /^(\d+):(\d+)$/.exec(value ?? '');
  const [window, extension] = [Number(m?.[1]), Number(m?.[2])];
  if (m && window >= 1 && extension >= 1 && window <= 86_400 && extension <= 86_400)
    return { windowSeconds: window, extensionSeconds: extension };
  return fail(`--soft-close is off or WINDOW:EXTENSION in seconds (1 to 86400)\n${USAGE}`);
};

const incrementRule = (value: string | undefined): WhatIfRules['minIncrement'] => {
  if (value === 'ladder') return 'ladder';
  if (/^[1-9]\d{0,8}$/.test(value ?? '')) return Number(value);
  return fail(`--increment is a whole amount in minor units, or ladder\n${USAGE}`);
};

export function parseWhatIfArgs(args: string[]) {
  const auctionIds: string[] = [];
  const rules: WhatIfRules = {};
  let from: Date | undefined;
  let to: Date | undefined;
  const time = (value: string | undefined, name: string) => {
    const parsed = new Date(value ?? '');
    if (Number.isNaN(parsed.getTime())) fail(`${name} must be a time (ISO 8601)\n${USAGE}`);
    return parsed;
  };
  if (args.includes('--help') || args.includes('-h')) {
    console.log(`${USAGE}\n\n${HELP}`);
    process.exit(0);
  }
  for (let i = 0; i < args.length; i++) {
    const value = args[i + 1];
    switch (args[i]) {
      case '--auction':
        if (!/^[0-9a-f-]{36}$/i.test(value ?? '')) fail(`--auction needs an auction id\n${USAGE}`);
        auctionIds.push(value!);
        i++;
        break;
      case '--from':
        from = time(value, '--from');
        i++;
        break;
      case '--to':
        to = time(value, '--to');
        i++;
        break;
      case '--soft-close':
        rules.softClose = softCloseRule(value);
        i++;
        break;
      case '--increment':
        rules.minIncrement = incrementRule(value);
        i++;
        break;
      case '--no-proxy':
        rules.proxyBidding = false;
        break;
      default:
        fail(`unknown argument ${args[i]}\n${USAGE}`);
    }
  }
  if (auctionIds.length && (from || to)) fail(`give auctions or a range, not both\n${USAGE}`);
  if (from && to && from > to) fail('--from must not be after --to');
  return { auctionIds, range: { from: from ?? new Date(0), to: to ?? new Date() }, rules };
}

const money = (n: number | null) => (n === null ? '-' : String(n));

async function main() {
  const { auctionIds, range, rules } = parseWhatIfArgs(process.argv.slice(2));
  const stores = openStores();
  try {
    const result = await runWhatIf(
      { queries: getAnalyticsQueries(stores.knex), eventStore: stores.eventStore },
      { ...(auctionIds.length ? { auctionIds } : { range }), rules },
    );
    console.log(`rules: ${JSON.stringify(rules)}`);
    console.log(['auction'.padEnd(36), 'actual'.padEnd(28), 'what-if'.padEnd(28), 'what changed'].join('  '));
    for (const item of result.items) {
      const cell = (r: typeof item.actual) =>
        `${r.outcome} ${money(r.finalPrice)} ${item.currency}`.padEnd(28);
      console.log(
        [item.auctionId, cell(item.actual), cell(item.whatIf), differences(item.actual, item.whatIf)].join(
          '  ',
        ),
      );
    }
    for (const s of result.skipped) console.log(`${s.auctionId}  skipped: ${s.reason}`);
    const { summary } = result;
    console.log(
      `\n${plural(summary.auctions, 'auction')}, ${summary.changed} changed; revenue actual ${JSON.stringify(summary.revenueActual)}, what-if ${JSON.stringify(summary.revenueWhatIf)}`,
    );
  } finally {
    await stores.close();
  }
}

if (require.main === module) runCli(main);

type Result = { outcome: string; winnerId: string | null; finalPrice: number | null; endsAt: string };

/** What differs between the two results, by name: the columns show outcome and price only. */
function differences(actual: Result, whatIf: Result): string {
  const names: string[] = [];
  if (actual.outcome !== whatIf.outcome) names.push('outcome');
  if (actual.finalPrice !== whatIf.finalPrice) names.push('price');
  if (actual.winnerId !== whatIf.winnerId) names.push('winner');
  if (actual.endsAt !== whatIf.endsAt) names.push('end');
  return names.join(', ');
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
