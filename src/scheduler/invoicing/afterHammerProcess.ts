import type { Queue } from 'bullmq';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { auctionIdOfEvent, type AuctionClosed } from '../../auction';
import type { InvoiceCommands } from '../../commands';
import type { RecordedEvent } from '../../events';
import {
  auctionIdOfOffers,
  invoiceIdOfStream,
  InvoiceRuleError,
  type InvoiceIssued,
  type InvoiceOverdue,
  type OfferAccepted,
  type OfferMade,
  type SecondChanceStarted,
} from '../../invoicing';
import {
  CheckpointMovedError,
  lazyCheckpoint,
  moveCheckpoint,
  type ProjectionStore,
} from '../../projections';

export const AFTER_HAMMER_PROCESS = 'after-hammer-process';
export const AFTER_HAMMER_QUEUE = 'after-hammer';
export const INVOICE_DUE_JOB = 'invoice-due';
export const OFFER_EXPIRY_JOB = 'offer-expiry';

export interface DeadlineJobData {
  invoiceId?: string;
  auctionId?: string;
  offerId?: string;
  /** When it is due, in ms. */
  at: number;
}

const jobOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: 1000,
  removeOnFail: 5000,
};

interface Deps {
  knex: Knex;
  commands: InvoiceCommands;
  queue: Queue<DeadlineJobData>;
  logger: Logger;
}

/** A rule's refusal is the answer "nothing to do" here (already paid, voided, answered). */
const unlessRefused = async (run: () => Promise<unknown>) => {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof InvoiceRuleError)) throw error;
  }
};

/** What each event of the log asks of the process: a command, a delayed job, or nothing (false). */
function reactor(commands: InvoiceCommands, queue: Queue<DeadlineJobData>, logger: Logger) {
  const schedule = (job: string, jobId: string, data: DeadlineJobData) =>
    queue.add(job, data, { ...jobOptions, jobId, delay: Math.max(0, data.at - Date.now()) });

  const react = async (e: RecordedEvent): Promise<boolean> => {
    switch (e.type) {
      case 'AuctionClosed': {
        const auctionId = auctionIdOfEvent(e);
        if (!auctionId || (e.data as AuctionClosed).outcome !== 'sold') return false;
        const issued = await commands.issueForClose(auctionId);
        if (issued) logger.info({ auctionId, invoiceId: issued.invoice.invoiceId }, 'invoice issued');
        return true;
      }
      case 'OfferAccepted': {
        const auctionId = auctionIdOfOffers(e.streamId);
        if (auctionId) await commands.issueForOffer(auctionId, (e.data as OfferAccepted).offerId);
        return Boolean(auctionId);
      }
      case 'InvoiceIssued': {
        const { invoiceId, dueAt } = e.data as InvoiceIssued;
        await schedule(INVOICE_DUE_JOB, `due-${invoiceId}`, { invoiceId, at: Date.parse(dueAt) });
        return true;
      }
      case 'InvoiceOverdue': {
        const invoiceId = invoiceIdOfStream(e.streamId);
        if (!invoiceId) return false;
        const standing = await commands.recordStrike((e.data as InvoiceOverdue).buyerId, invoiceId);
        logger.info({ invoiceId, strikes: standing.strikes.size, suspended: standing.suspended }, 'strike');
        return true;
      }
      case 'OfferMade': {
        const auctionId = auctionIdOfOffers(e.streamId);
        const { offerId, expiresAt } = e.data as OfferMade;
        if (auctionId)
          await schedule(OFFER_EXPIRY_JOB, `expiry-${offerId}`, {
            auctionId,
            offerId,
            at: Date.parse(expiresAt),
          });
        return Boolean(auctionId);
      }
      case 'SecondChanceStarted': {
        const { invoiceId } = e.data as SecondChanceStarted;
        if (invoiceId) await unlessRefused(() => commands.voidInvoice(invoiceId));
        return Boolean(invoiceId);
      }
      default:
        return false;
    }
  };

  return react;
}

/**
 * After the hammer's process manager, on the global log: a sold auction's close issues its
 * invoice, an accepted offer issues the offer's; an issued invoice and an open offer get a
 * delayed job at their deadline; an overdue invoice gives its buyer a strike (which may suspend
 * them); a second chance voids the overdue invoice it replaces. Exactly once across restarts and
 * instances: each command is idempotent by its stream's state (the invoice id is a function of
 * its cause, a strike is kept once per invoice, a job id once per deadline), and the checkpoint
 * moves only after the batch.
 */
export function afterHammerProcess({ knex, commands, queue, logger }: Deps): ProjectionStore {
  const name = AFTER_HAMMER_PROCESS;
  const checkpoint = lazyCheckpoint(knex, name);
  const react = reactor(commands, queue, logger);

  return {
    name,
    readCheckpoint: checkpoint.read,
    writtenCheckpoint: checkpoint.written,
    async applyBatch(events, _expected, next) {
      let acted = false;
      for (const e of events) acted = (await react(e)) || acted;
      if (!checkpoint.due(acted)) return [];
      const { rows } = await moveCheckpoint(knex, { name, expected: await checkpoint.expected(), next });
      if (rows.length !== 1) throw new CheckpointMovedError(`${name} checkpoint moved`);
      checkpoint.moved(next);
      return [];
    },
  };
}
