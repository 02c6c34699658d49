import { randomUUID } from 'node:crypto';
import { auctionStreamId, foldAuction, type AuctionClosed } from '../../auction';
import { accountStreamType, type AccountCommand } from '../../bidders';
import type { EventStore } from '../../events';
import {
  invoiceStreamId,
  invoiceStreamType,
  InvoiceRuleError,
  offersStreamId,
  offerStreamType,
  type Invoice,
  type InvoiceCommand,
  type OfferCommand,
  type SecondChance,
} from '../../invoicing';
import { nameUuids } from '../../platform';
import { saleStreamId, saleStreamType, type Sale } from '../../sales';
import { userStreamId } from '../../watching';
import { foldStream, getStreamCommands } from '../streamCommands';

export interface AfterHammerSettings {
  /** From the close (or the acceptance) to the deadline. */
  paymentDueSeconds: number;
  offerTtlSeconds: number;
  maxStrikes: number;
}

// Fixed: an invoice's id is a function of what it is for, so every instance, every retry and
// every replay of the reactor names the same stream, and the second append finds it there.
const invoiceUuid = nameUuids('8d3f6b2a-51c4-4e8a-b7d9-2c6a1f0e9b35');
export const invoiceIdForClose = (auctionId: string) => invoiceUuid(`close/${auctionId}`);
export const invoiceIdForOffer = (offerId: string) => invoiceUuid(`offer/${offerId}`);

export type InvoiceReply = { invoice: Invoice; position: string | undefined };
export type SecondChanceReply = { secondChance: SecondChance; position: string | undefined };

/** A sold auction's close, read from its stream: who bought, at what, when (undefined: not sold). */
export async function soldOf(eventStore: EventStore, auctionId: string) {
  const events = await eventStore.readStream(auctionStreamId(auctionId));
  const { state } = foldAuction(events);
  const closed = events.findLast((e) => e.type === 'AuctionClosed')?.data as AuctionClosed | undefined;
  return { events, state, closed };
}

/** The streams after the hammer, each command through the one command handler (decideAndAppend). */
export function afterHammerStreams(eventStore: EventStore) {
  const commands = getStreamCommands(eventStore);
  const meta = (commandType: string, userId: string | null) => ({
    commandType,
    userId,
    correlationId: randomUUID(),
  });
  return {
    eventStore,
    async invoice(invoiceId: string, by: string | null, command: InvoiceCommand): Promise<InvoiceReply> {
      const streamId = invoiceStreamId(invoiceId);
      const outcome = await commands.handle(invoiceStreamType, streamId, command, meta(command.type, by));
      if (!outcome.state) throw new InvoiceRuleError('INVOICE_NOT_FOUND', 'No such invoice');
      return { invoice: outcome.state, position: outcome.position };
    },
    async offers(auctionId: string, by: string | null, command: OfferCommand): Promise<SecondChanceReply> {
      const streamId = offersStreamId(auctionId);
      const outcome = await commands.handle(offerStreamType, streamId, command, meta(command.type, by));
      return { secondChance: outcome.state!, position: outcome.position };
    },
    async account(userId: string, command: AccountCommand) {
      const outcome = await commands.handle(
        accountStreamType,
        userStreamId(userId),
        command,
        meta(command.type, null),
      );
      return outcome.state;
    },
    readInvoice: (invoiceId: string) => foldStream(eventStore, invoiceStreamType, invoiceStreamId(invoiceId)),
    readSecondChance: (auctionId: string) =>
      foldStream(eventStore, offerStreamType, offersStreamId(auctionId)),
    /** A lot's sale's premium (a standalone auction has none). */
    async premiumOf(saleId: string | null | undefined) {
      if (!saleId) return 0;
      const sale = (await foldStream(eventStore, saleStreamType, saleStreamId(saleId))) as Sale | null;
      return sale?.buyersPremiumPercent ?? 0;
    },
  };
}

export type Streams = ReturnType<typeof afterHammerStreams>;
