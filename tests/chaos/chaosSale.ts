/**
 * The chaos run's sale: a catalogue whose lots end during the faults, bid on by the same loops
 * as the auctions, and what must hold afterwards: every lot closed after the one before it, each
 * ending at least the gap after it (the pushes the process manager issues across kills), the
 * sale's record of each lot once, and its read model what a fold of its stream gives.
 */
import { isDeepStrictEqual } from 'node:util';
import type { EventStore, RecordedEvent } from '../../src/events';
import { createKnex } from '../../src/platform';
import { evolveSaleAll, saleStreamId, toSaleEvent } from '../../src/sales';
import { waitUntil } from '../support/readModelSnapshot';

export interface ChaosSale {
  saleId: string;
  lots: string[];
  gapSeconds: number;
  /** Each lot's end as the replies say (the bid loops keep it up to date). */
  endsAt: Map<string, number>;
}

export interface SaleReport {
  lots: number;
  extended: number;
  closed: number;
  /** Each lot: when it ends (its last end), when it closed, and its extensions by reason. */
  story: string[];
  closedOutOfTurn: string[];
  gapBroken: string[];
  recordedWrong: string[];
  readModelEqualsLog: boolean;
}

const post = async (url: string, token: string, body: unknown) => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const reply = (await res.json()) as Record<string, unknown>;
  if (res.status !== 201) throw new Error(`POST ${url}: ${res.status} ${JSON.stringify(reply)}`);
  return reply;
};

/** A sale of `lots` lots with soft close, the first ending at `firstEnd`, the others `gap` apart. */
export async function createChaosSale(
  url: string,
  token: string,
  options: { lots: number; firstEnd: number; gapSeconds: number; titles: string[] },
): Promise<ChaosSale> {
  const sale = await post(`${url}/sales`, token, {
    title: options.titles[0],
    currency: 'EUR',
    startsAt: new Date(Date.now() + 1500).toISOString(),
    firstLotEndsAt: new Date(options.firstEnd).toISOString(),
    lotGapSeconds: options.gapSeconds,
    softClose: { windowSeconds: 2, extensionSeconds: 2 },
  });
  const saleId = sale.saleId as string;
  const lots: string[] = [];
  const endsAt = new Map<string, number>();
  for (let n = 0; n < options.lots; n++) {
    const title = options.titles[(n + 1) % options.titles.length];
    const lot = await post(`${url}/sales/${saleId}/lots`, token, { title, startingPrice: 100 });
    lots.push(lot.auctionId as string);
    endsAt.set(lot.auctionId as string, Date.parse(lot.endsAt as string));
  }
  return { saleId, lots, gapSeconds: options.gapSeconds, endsAt };
}

const endOf = (events: RecordedEvent[]) =>
  Math.max(
    ...events
      .filter((e) => e.type === 'AuctionCreated' || e.type === 'AuctionExtended')
      .map((e) => Date.parse((e.data as { endsAt: string }).endsAt)),
  );
const closeOf = (events: RecordedEvent[]) => events.find((e) => e.type === 'AuctionClosed');

/** What must hold of the sale once the log is final (its lots' streams in `streams`). */
export async function checkSale(
  sale: ChaosSale,
  streams: Map<string, RecordedEvent[]>,
  store: EventStore,
  databaseUrl: string,
): Promise<SaleReport> {
  const report: SaleReport = {
    lots: sale.lots.length,
    extended: 0,
    closed: 0,
    story: [],
    closedOutOfTurn: [],
    gapBroken: [],
    recordedWrong: [],
    readModelEqualsLog: false,
  };
  const lots = sale.lots.map((id) => streams.get(id)!);
  report.extended = lots.filter((events) => events.some((e) => e.type === 'AuctionExtended')).length;
  report.closed = lots.filter((events) => closeOf(events)).length;
  report.story = lots.map((events, i) => {
    const reasons = events
      .filter((e) => e.type === 'AuctionExtended')
      .map((e) => (e.data as { reason?: string }).reason ?? 'soft_close');
    const pushes = reasons.filter((r) => r === 'previous_lot_extended').length;
    const closed = closeOf(events)?.recordedAt.toISOString().slice(11, 23) ?? 'open';
    return `lot ${i + 1}: ends ${new Date(endOf(events)).toISOString().slice(11, 23)}, closed ${closed}, extended ${reasons.length - pushes}, pushed ${pushes}`;
  });
  lots.forEach((events, i) => {
    if (i === 0) return;
    const [before, closed] = [closeOf(lots[i - 1]!), closeOf(events)];
    if (closed && (!before || before.position > closed.position))
      report.closedOutOfTurn.push(`lot ${i + 1} closed before lot ${i}`);
    if (endOf(events) < endOf(lots[i - 1]!) + sale.gapSeconds * 1000)
      report.gapBroken.push(
        `lot ${i + 1} ends ${new Date(endOf(events)).toISOString()}, lot ${i} ${new Date(endOf(lots[i - 1]!)).toISOString()}`,
      );
  });
  // The sale records each lot that closed, once, and nothing else; its read model follows.
  const saleEvents = await waitForSaleRecords(store, sale, lots);
  for (const [i, events] of lots.entries()) {
    const records = saleEvents.filter(
      (e) => e.type === 'LotClosed' && (e.data as { auctionId: string }).auctionId === sale.lots[i],
    ).length;
    if (records !== (closeOf(events) ? 1 : 0))
      report.recordedWrong.push(`lot ${i + 1}: ${records} LotClosed for ${closeOf(events) ? 1 : 0} close`);
  }
  report.readModelEqualsLog = await saleRowEqualsFold(databaseUrl, sale.saleId, saleEvents);
  return report;
}

/** The sale's stream once it records as many lots as closed (the process manager may trail). */
async function waitForSaleRecords(store: EventStore, sale: ChaosSale, lots: RecordedEvent[][]) {
  const closed = lots.filter((events) => closeOf(events)).length;
  const read = () => store.readStream(saleStreamId(sale.saleId));
  await waitUntil(
    async () => (await read()).filter((e) => e.type === 'LotClosed').length >= closed,
    30_000,
    "the sale's records of its lots",
  ).catch(() => undefined);
  return read();
}

async function saleRowEqualsFold(databaseUrl: string, saleId: string, events: RecordedEvent[]) {
  const knex = createKnex(databaseUrl, 1);
  try {
    const row = () => knex('sales').where({ sale_id: saleId }).first('revision', 'state');
    const last = Number(events.at(-1)!.revision);
    await waitUntil(
      async () => Number((await row())?.revision) === last,
      30_000,
      'the sales projection',
    ).catch(() => undefined);
    const folded = JSON.parse(JSON.stringify(evolveSaleAll(events.flatMap((e) => toSaleEvent(e) ?? []))));
    return isDeepStrictEqual((await row())?.state, folded);
  } finally {
    await knex.destroy();
  }
}

/** The promises of the sale, as lines; empty when every one held. */
export function brokenSalePromises(report: SaleReport): string[] {
  const broken: string[] = [];
  if (report.closed === 0) broken.push('no lot closed: the sale proved nothing');
  if (report.closedOutOfTurn.length)
    broken.push(`lots closed out of turn: ${report.closedOutOfTurn.join('; ')}`);
  if (report.gapBroken.length) broken.push(`lots without their gap: ${report.gapBroken.join('; ')}`);
  if (report.recordedWrong.length) broken.push(`the sale's records: ${report.recordedWrong.join('; ')}`);
  if (!report.readModelEqualsLog) broken.push("the sale's read model differs from a fold of its stream");
  return broken;
}
