import type { Knex } from 'knex';
import type { RecordedEvent } from '../../events';
import {
  auctionIdOfOffers,
  foldInvoice,
  foldSecondChance,
  invoiceIdOfStream,
  invoiceStreamType,
  offerStreamType,
  type Invoice,
  type InvoiceEvent,
  type OfferEvent,
  type SecondChance,
} from '../../invoicing';
import type { Migration } from '../../platform';
import { CheckpointMovedError, type ProjectionStore } from '../projectionStore';
import { deferredCheckpoint, moveCheckpoint } from '../storedCheckpoint';

export const INVOICES_PROJECTION = 'invoices';

export const invoiceMigrations: Migration[] = [
  {
    name: '0710_invoices',
    async up(knex: Knex) {
      await knex.raw(`
        CREATE TABLE invoices (
          invoice_id uuid PRIMARY KEY,
          auction_id uuid NOT NULL,
          buyer_id uuid NOT NULL,
          seller_id uuid NOT NULL,
          status text NOT NULL,
          due_at timestamptz NOT NULL,
          issued_at timestamptz NOT NULL,
          revision bigint NOT NULL,
          state jsonb NOT NULL
        );
        CREATE INDEX ON invoices (buyer_id, issued_at DESC, invoice_id DESC);
        CREATE INDEX ON invoices (seller_id, issued_at DESC, invoice_id DESC);
        CREATE INDEX ON invoices (auction_id);
        CREATE INDEX invoices_open_due ON invoices (due_at) WHERE status = 'open';
        CREATE TABLE second_chances (
          auction_id uuid PRIMARY KEY,
          seller_id uuid NOT NULL,
          revision bigint NOT NULL,
          state jsonb NOT NULL
        );
        CREATE TABLE offers (
          offer_id uuid PRIMARY KEY,
          auction_id uuid NOT NULL,
          bidder_id uuid NOT NULL,
          seller_id uuid NOT NULL,
          status text NOT NULL,
          expires_at timestamptz NOT NULL,
          made_at timestamptz NOT NULL,
          state jsonb NOT NULL
        );
        CREATE INDEX ON offers (bidder_id, made_at DESC, offer_id DESC);
        CREATE INDEX offers_open_expiring ON offers (expires_at) WHERE status = 'open';
      `);
    },
    async down(knex: Knex) {
      await knex.raw('DROP TABLE offers; DROP TABLE second_chances; DROP TABLE invoices');
    },
  },
];

type Grouped<E> = Map<string, Array<{ revision: number; event: E }>>;

function group(events: RecordedEvent[]) {
  const invoices: Grouped<InvoiceEvent> = new Map();
  const offers: Grouped<OfferEvent> = new Map();
  const add = <E>(map: Grouped<E>, id: string, revision: number, event: E | undefined) => {
    if (event) map.set(id, [...(map.get(id) ?? []), { revision, event }]);
  };
  for (const e of events) {
    const invoiceId = invoiceIdOfStream(e.streamId);
    if (invoiceId) add(invoices, invoiceId, Number(e.revision), invoiceStreamType.eventOf(e));
    const auctionId = auctionIdOfOffers(e.streamId);
    if (auctionId) add(offers, auctionId, Number(e.revision), offerStreamType.eventOf(e));
  }
  return { invoices, offers };
}

/** The rows `table` holds for `ids`: revision and state. */
async function held<S>(db: Knex.Transaction, table: string, key: string, ids: string[]) {
  const rows = ids.length
    ? await db(table).whereIn(key, ids).forUpdate().select(key, 'revision', 'state')
    : [];
  return new Map(rows.map((r) => [r[key] as string, { revision: Number(r.revision), state: r.state as S }]));
}

const invoiceRow = (invoice: Invoice, revision: number) => ({
  invoice_id: invoice.invoiceId,
  auction_id: invoice.auctionId,
  buyer_id: invoice.buyerId,
  seller_id: invoice.sellerId,
  status: invoice.status,
  due_at: invoice.dueAt,
  issued_at: invoice.issuedAt,
  revision,
  state: JSON.stringify(invoice),
});

async function writeInvoices(db: Knex.Transaction, grouped: Grouped<InvoiceEvent>) {
  const before = await held<Invoice>(db, 'invoices', 'invoice_id', [...grouped.keys()]);
  for (const [id, recorded] of grouped) {
    const from = before.get(id) ?? { revision: -1, state: null };
    const fresh = recorded.filter((r) => r.revision > from.revision);
    const invoice = foldInvoice(
      fresh.map((r) => r.event),
      from.state,
    );
    if (!invoice || fresh.length === 0) continue;
    await db('invoices')
      .insert(invoiceRow(invoice, fresh.at(-1)!.revision))
      .onConflict('invoice_id')
      .merge(['status', 'revision', 'state']);
  }
}

async function writeOffers(db: Knex.Transaction, grouped: Grouped<OfferEvent>) {
  const before = await held<SecondChance>(db, 'second_chances', 'auction_id', [...grouped.keys()]);
  for (const [auctionId, recorded] of grouped) {
    const from = before.get(auctionId) ?? { revision: -1, state: null };
    const fresh = recorded.filter((r) => r.revision > from.revision);
    const chance = foldSecondChance(
      fresh.map((r) => r.event),
      from.state,
    );
    if (!chance || fresh.length === 0) continue;
    const revision = fresh.at(-1)!.revision;
    await db('second_chances')
      .insert({ auction_id: auctionId, seller_id: chance.sellerId, revision, state: JSON.stringify(chance) })
      .onConflict('auction_id')
      .merge(['revision', 'state']);
    for (const offer of chance.offers)
      await db('offers')
        .insert({
          offer_id: offer.offerId,
          auction_id: auctionId,
          bidder_id: offer.bidderId,
          seller_id: offer.sellerId,
          status: offer.status,
          expires_at: offer.expiresAt,
          made_at: offer.madeAt,
          state: JSON.stringify(offer),
        })
        .onConflict('offer_id')
        .merge(['status', 'state']);
  }
}

/**
 * After the hammer's read model: one row per invoice and per second chance (with a row per
 * offer), each the stream folded by the domain's own fold, written with the checkpoint in one
 * transaction. Events at or below a row's revision are skipped, so a replay changes nothing.
 * Personal data stays sealed here as in the log: the views open it for those who may see it.
 * Most batches concern none of it (bids): their position is written shortly after, by the
 * deferred checkpoint's timer.
 */
export function invoiceStore(db: Knex): ProjectionStore {
  const name = INVOICES_PROJECTION;
  const checkpoint = deferredCheckpoint(db, name);
  return {
    name,
    readCheckpoint: checkpoint.read,
    writtenCheckpoint: checkpoint.written,
    async applyBatch(events, _expected, next) {
      await checkpoint.turn();
      const { invoices, offers } = group(events);
      if (invoices.size + offers.size === 0) {
        checkpoint.defer(next);
        return [];
      }
      const expected = await checkpoint.expected();
      await db.transaction(async (trx) => {
        await writeInvoices(trx, invoices);
        await writeOffers(trx, offers);
        const { rows } = await moveCheckpoint(trx, { name, expected, next });
        if (rows.length !== 1) throw new CheckpointMovedError(`${name} checkpoint moved`);
      });
      checkpoint.moved(next);
      return [];
    },
  };
}
