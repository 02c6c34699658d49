/**
 * Pure formatting for the pages: money in minor units, countdowns on the server's clock, the end
 * in the viewer's own zone, outcomes, plurals, and a problem as one sentence. No DOM here: the
 * unit tests run it as it is.
 */
import type { AuctionView, Problem } from './types';

export const money = (minor: number | null | undefined, currency: string) =>
  minor === null || minor === undefined
    ? '—'
    : new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(minor / 100);

/** What a person typed (in major units) as minor units; NaN when it is not a number. */
export const toMinor = (value: string) => (value.trim() === '' ? NaN : Math.round(Number(value) * 100));

/** Minor units as the bid box shows them: 1150 -> "11.50". */
export const toMajorText = (minor: number) => (minor / 100).toFixed(2);

/** "1 auction", "2 auctions". */
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const two = (n: number) => String(n).padStart(2, '0');

/** How long is left until `target` (ms since the epoch) at `now`, as [d ]hh:mm:ss. */
export function remaining(target: number, now: number) {
  const s = Math.floor(Math.max(0, target - now) / 1000);
  const days = Math.floor(s / 86400);
  return `${days ? `${days}d ` : ''}${two(Math.floor((s % 86400) / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
}

type Timed = Pick<AuctionView, 'status' | 'startsAt' | 'endsAt' | 'outcome' | 'finalPrice' | 'currency'>;

export function outcomeText(view: Timed) {
  if (view.outcome === 'sold') return `sold for ${money(view.finalPrice, view.currency)}`;
  if (view.outcome === 'reserve_not_met') return 'closed: reserve not met';
  return 'closed: no bids';
}

/** The countdown of an auction at `now` (the server's clock). */
export function countdown(view: Timed, now: number) {
  if (view.status === 'closed') return outcomeText(view);
  if (view.status === 'cancelled') return 'cancelled';
  const target = Date.parse(view.status === 'scheduled' ? view.startsAt : view.endsAt);
  const text = remaining(target, now);
  if (view.status === 'scheduled') return `starts in ${text}`;
  return target <= now ? 'closing…' : text;
}

/** The end as a date and time in the viewer's zone, with the zone named: "Mon 7 Dec, 14:05 CET". */
export const endsAtText = (iso: string, timeZone?: string) =>
  new Intl.DateTimeFormat(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
    ...(timeZone ? { timeZone } : {}),
  }).format(new Date(iso));

/** Where the reserve stands, for everyone (its amount is the seller's alone). */
export const reserveText = (view: Pick<AuctionView, 'reserveMet'>) =>
  view.reserveMet === null ? 'No reserve' : view.reserveMet ? 'Reserve met' : 'Reserve not met';

/**
 * A refused request as one sentence for a person: a too-low bid names the minimum in money (the
 * problem's `detail` has it in minor units, for programs), field errors are listed, else the
 * problem's own detail.
 */
export function problemText(
  problem: Problem | undefined,
  currency?: string,
  fallback = 'Something went wrong.',
) {
  if (!problem) return fallback;
  if (problem.code === 'BID_TOO_LOW' && typeof problem.minimumBid === 'number' && currency)
    return `Too low: the minimum bid is ${money(problem.minimumBid, currency)}.`;
  const due = (problem as { due?: unknown }).due;
  if (problem.code === 'OVERPAYMENT' && typeof due === 'number' && currency)
    return `Too much: at most ${money(due, currency)} is still due.`;
  const fields = problem.errors?.map((e) => `${e.field.replace(/^body\./, '')} ${e.message}`);
  if (fields?.length) return fields.join('; ');
  return problem.detail ?? problem.title ?? fallback;
}
