/**
 * After the hammer, under the chaos: every auction that closes sold is invoiced by the reactor
 * (on whichever instance holds its lease, across kills and restarts), invoices go overdue at
 * their deadline (PAYMENT_DUE_SECONDS is short here), the seller offers overdue lots to the next
 * bidders and some accept, offers expire. Afterwards, from the log: exactly one invoice per sold
 * auction and per accepted offer, exactly one strike per overdue invoice, no deadline left
 * unenforced, and the invoices read model equal to the log folded.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Knex } from 'knex';
import { invoiceIdForClose, invoiceIdForOffer } from '../../src/commands';
import type { RecordedEvent } from '../../src/events';
import {
  foldInvoice,
  invoiceStreamType,
  type InvoiceEvent,
  type InvoiceIssued,
  type InvoiceOverdue,
  type OfferAccepted,
} from '../../src/invoicing';

/** The short deadlines the chaos runs with (strikes never suspend: MAX_STRIKES is high). */
export const AFTER_HAMMER_ENV = { PAYMENT_DUE_SECONDS: '2', OFFER_TTL_SECONDS: '2', MAX_STRIKES: '100' };

export interface AfterHammerReport {
  invoices: number;
  overdue: number;
  secondChances: number;
  offersAccepted: number;
  /** Promises broken, as lines. */
  broken: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Person = { token: string; userId: string };

/** GET on whichever instance is up; undefined through a fault. */
async function read(anyUp: () => string, path: string, token: string) {
  try {
    const res = await fetch(`${anyUp()}${path}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(5000),
    });
    return res.ok ? ((await res.json()) as { items: Array<Record<string, unknown>> }) : undefined;
  } catch {
    return undefined;
  }
}

async function post(anyUp: () => string, path: string, token: string) {
  try {
    const res = await fetch(`${anyUp()}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
      signal: AbortSignal.timeout(10_000),
    });
    return res.status;
  } catch {
    return 0;
  }
}

/**
 * While `running()`: the seller offers each overdue lot to the next bidder, and the bidders
 * accept every other offer they are made (the rest expire and move on).
 */
export async function secondChancesWhileRunning(options: {
  anyUp: () => string;
  seller: Person;
  bidders: Person[];
  running: () => boolean;
  everyMs: number;
  report: AfterHammerReport;
}) {
  const { anyUp, seller, report } = options;
  const offered = new Set<string>();
  let turn = 0;
  while (options.running()) {
    await sleep(options.everyMs);
    const invoices = await read(anyUp, '/me/sales-invoices?limit=200', seller.token);
    for (const invoice of invoices?.items ?? []) {
      const auctionId = String(invoice.auctionId);
      if (invoice.status !== 'overdue' || invoice.offerId !== null || offered.has(auctionId)) continue;
      if ((await post(anyUp, `/auctions/${auctionId}/second-chance`, seller.token)) === 201) {
        offered.add(auctionId);
        report.secondChances++;
      }
    }
    const bidder = options.bidders[turn++ % options.bidders.length]!;
    const offers = await read(anyUp, '/me/offers?limit=200', bidder.token);
    const open = offers?.items.find((o) => o.status === 'open');
    if (
      open &&
      turn % 2 === 0 &&
      (await post(anyUp, `/offers/${String(open.offerId)}/accept`, bidder.token)) === 200
    )
      report.offersAccepted++;
  }
}

/**
 * The checks once after the hammer has settled: they are run again (at most 40 s) until they hold
 * or time runs out, then once more for the report. The log does not stand still here (offers
 * nobody answers go on expiring to the next bidder after the load), so "settled" is what the
 * promises say, not a quiet log: every sold close invoiced, every deadline passed enforced, every
 * overdue invoice struck, the read model at its streams.
 */
export async function checkAfterHammerSettled(
  report: AfterHammerReport,
  streams: Map<string, RecordedEvent[]>,
  store: Parameters<typeof wholeLog>[0],
  knex: Knex,
) {
  const deadline = Date.now() + 40_000;
  for (;;) {
    const attempt: AfterHammerReport = { ...report, invoices: 0, overdue: 0, broken: [] };
    await checkAfterHammer(attempt, streams, await wholeLog(store), knex);
    if (attempt.broken.length === 0 || Date.now() > deadline) {
      Object.assign(report, attempt);
      return;
    }
    await sleep(500);
  }
}

const byType = (events: RecordedEvent[], type: string) => events.filter((e) => e.type === type);

/** The checks, from the log (read whole) and the invoices read model. */
async function checkAfterHammer(
  report: AfterHammerReport,
  streams: Map<string, RecordedEvent[]>,
  log: RecordedEvent[],
  knex: Knex,
) {
  const { broken } = report;
  const streamsOf = new Map<string, RecordedEvent[]>();
  for (const e of log) streamsOf.set(e.streamId, [...(streamsOf.get(e.streamId) ?? []), e]);
  const issued = log.filter((e) => e.type === 'InvoiceIssued').map((e) => e.data as InvoiceIssued);
  report.invoices = issued.length;
  // Exactly one invoice per sold auction, under the id that is a function of its close.
  for (const [auctionId, events] of streams) {
    const sold = byType(events, 'AuctionClosed').some(
      (e) => (e.data as { outcome: string }).outcome === 'sold',
    );
    const fromClose = issued.filter((i) => i.auctionId === auctionId && i.offerId === null);
    if (sold && fromClose.length !== 1) broken.push(`${auctionId}: sold, ${fromClose.length} invoices`);
    if (!sold && fromClose.length) broken.push(`${auctionId}: not sold, yet invoiced`);
    if (fromClose[0] && fromClose[0].invoiceId !== invoiceIdForClose(auctionId))
      broken.push(`${auctionId}: an invoice under another id`);
  }
  // Exactly one per accepted offer.
  for (const accepted of log.filter((e) => e.type === 'OfferAccepted')) {
    const { offerId } = accepted.data as OfferAccepted;
    const n = issued.filter(
      (i) => i.offerId === offerId && i.invoiceId === invoiceIdForOffer(offerId),
    ).length;
    if (n !== 1) broken.push(`offer ${offerId}: accepted, ${n} invoices`);
  }
  // Exactly one strike per overdue invoice, and no invoice overdue twice.
  const strikes = log.filter((e) => e.type === 'StrikeRecorded');
  for (const e of log.filter((x) => x.type === 'InvoiceOverdue')) {
    report.overdue++;
    const invoiceId = e.streamId.slice('invoice-'.length);
    const { buyerId } = e.data as InvoiceOverdue;
    const theirs = strikes.filter(
      (s) => s.streamId === `user-${buyerId}` && (s.data as { invoiceId: string }).invoiceId === invoiceId,
    );
    if (theirs.length !== 1) broken.push(`invoice ${invoiceId}: overdue, ${theirs.length} strikes`);
    if (byType(streamsOf.get(e.streamId) ?? [], 'InvoiceOverdue').length !== 1)
      broken.push(`invoice ${invoiceId}: overdue more than once`);
  }
  // The read model holds every invoice as its stream folds, and no deadline passed unenforced.
  const rows = await knex('invoices').select('invoice_id', 'status', 'due_at', 'state');
  if (rows.length !== issued.length)
    broken.push(`${rows.length} invoices in the read model, ${issued.length} in the log`);
  for (const row of rows) {
    const events = (streamsOf.get(`invoice-${String(row.invoice_id)}`) ?? [])
      .map((e) => invoiceStreamType.eventOf(e))
      .filter((e): e is InvoiceEvent => Boolean(e));
    if (!isDeepStrictEqual(row.state, JSON.parse(JSON.stringify(foldInvoice(events)))))
      broken.push(`invoice ${String(row.invoice_id)}: the read model differs from its stream`);
    if (row.status === 'open' && (row.due_at as Date).getTime() < Date.now() - 2000)
      broken.push(`invoice ${String(row.invoice_id)}: still open past its deadline`);
  }
  const lateOffers = await knex('offers')
    .where({ status: 'open' })
    .where('expires_at', '<', new Date(Date.now() - 2000));
  if (lateOffers.length) broken.push(`${lateOffers.length} offers still open past their expiry`);
}

/** The whole log, page by page. */
export async function wholeLog(store: {
  readAll(o: { after?: string; limit: number }): Promise<RecordedEvent[]>;
}) {
  const all: RecordedEvent[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.readAll({ after, limit: 5000 });
    all.push(...page);
    if (page.length < 5000) return all;
    after = page.at(-1)!.position;
  }
}
