import type { Knex } from 'knex';
import type { RecordedEvent } from '../../events';
import { preparedStatement, type Migration } from '../../platform';
import { evolveSaleAll, saleIdOfStream, toSaleEvent, type Sale, type SaleEvent } from '../../sales';
import { CheckpointMovedError, type ProjectionStore } from '../projectionStore';
import { deferredCheckpoint } from '../storedCheckpoint';

export const SALES_PROJECTION = 'sales';

export const saleMigrations: Migration[] = [
  {
    name: '0600_sales',
    async up(knex: Knex) {
      await knex.raw(`
        CREATE TABLE sales (
          sale_id uuid PRIMARY KEY,
          seller_id uuid NOT NULL,
          status text NOT NULL,
          starts_at timestamptz NOT NULL,
          first_lot_ends_at timestamptz NOT NULL,
          lot_count integer NOT NULL,
          created_at timestamptz NOT NULL,
          revision bigint NOT NULL,
          state jsonb NOT NULL
        );
        CREATE INDEX ON sales (created_at DESC, sale_id DESC);
        CREATE INDEX ON sales (seller_id, created_at DESC, sale_id DESC);
      `);
    },
    async down(knex: Knex) {
      await knex.raw('DROP TABLE sales');
    },
  },
];

/** A batch's sales and the checkpoint (compare-and-set) in one statement: all, or nothing. */
const writeBatch = preparedStatement<{ ok: number }>(
  'sales-batch',
  `WITH cp AS (
    UPDATE projection_checkpoints SET position = :next, updated_at = now()
    WHERE name = :name AND position = :expected RETURNING 1 AS ok
  ), s AS (
    INSERT INTO sales
    SELECT x.sale_id, x.seller_id, x.status, x.starts_at, x.first_lot_ends_at, x.lot_count, x.created_at, x.revision, x.state
    FROM jsonb_to_recordset(:sales::jsonb) AS x(sale_id uuid, seller_id uuid, status text, starts_at timestamptz,
      first_lot_ends_at timestamptz, lot_count int, created_at timestamptz, revision bigint, state jsonb)
    WHERE EXISTS (SELECT 1 FROM cp)
    ON CONFLICT (sale_id) DO UPDATE SET status = EXCLUDED.status, lot_count = EXCLUDED.lot_count,
      revision = EXCLUDED.revision, state = EXCLUDED.state
  )
  SELECT count(*)::int AS ok FROM cp`,
);

interface Held {
  revision: number;
  sale: Sale | null;
}

const toRow = (sale: Sale, revision: number) => ({
  sale_id: sale.saleId,
  seller_id: sale.sellerId,
  status: sale.status,
  starts_at: new Date(sale.startsAt).toISOString(),
  first_lot_ends_at: new Date(sale.firstLotEndsAt).toISOString(),
  lot_count: sale.lots.length,
  created_at: new Date(sale.createdAt).toISOString(),
  revision,
  state: sale,
});

/** Each sale's new events in the batch, in order, with their revisions. */
function saleEventsOf(events: RecordedEvent[]) {
  const bySale = new Map<string, Array<{ revision: number; event: SaleEvent }>>();
  for (const e of events) {
    const saleId = saleIdOfStream(e.streamId);
    const event = saleId ? toSaleEvent(e) : undefined;
    if (saleId && event)
      bySale.set(saleId, [...(bySale.get(saleId) ?? []), { revision: Number(e.revision), event }]);
  }
  return bySale;
}

/** The rows of the sales a batch changes: the stored state, folded on with the events past its revision. */
async function changedRows(db: Knex, bySale: ReturnType<typeof saleEventsOf>) {
  const held = new Map<string, Held>();
  for (const r of await db('sales')
    .whereIn('sale_id', [...bySale.keys()])
    .select('sale_id', 'revision', 'state'))
    held.set(r.sale_id as string, { revision: Number(r.revision), sale: r.state as Sale });
  return [...bySale].flatMap(([saleId, recorded]) => {
    const before = held.get(saleId) ?? { revision: -1, sale: null };
    const fresh = recorded.filter((r) => r.revision > before.revision);
    const sale = evolveSaleAll(
      fresh.map((r) => r.event),
      before.sale,
    );
    return sale && fresh.length ? [toRow(sale, fresh[fresh.length - 1]!.revision)] : [];
  });
}

/**
 * The sales' read model: one row per sale, its state folded from its stream (the lots, how each
 * ended, the running figures), each batch with a sale's event written with the checkpoint in one
 * statement. Events at or below a row's revision are skipped, so a replayed batch changes nothing.
 * Most batches hold no sale's event (bids): their position is written at most 50 ms later, by a
 * timer, in turn with the batches (deferredCheckpoint): readers waiting for a position wait that
 * much longer at most, and the bid load costs no write per batch.
 */
export function saleStore(db: Knex): ProjectionStore {
  const name = SALES_PROJECTION;
  const checkpoint = deferredCheckpoint(db, name);
  return {
    name,
    readCheckpoint: checkpoint.read,
    writtenCheckpoint: checkpoint.written,
    async applyBatch(events, _expected, next) {
      await checkpoint.turn();
      const bySale = saleEventsOf(events);
      if (bySale.size === 0) {
        checkpoint.defer(next);
        return [];
      }
      const rows = await changedRows(db, bySale);
      const expected = await checkpoint.expected();
      const { rows: ok } = await writeBatch(db, { name, next, expected, sales: JSON.stringify(rows) });
      if (ok[0]?.ok !== 1) throw new CheckpointMovedError(`${name} checkpoint moved`);
      checkpoint.moved(next);
      return [];
    },
  };
}
