import { randomUUID } from 'node:crypto';
import {
  accountStreamType,
  BidderRuleError,
  registrationsStreamId,
  registrationStreamType,
  type AccountCommand,
  type Registration,
  type RegistrationCommand,
  type SaleTerms,
} from '../../bidders';
import type { EventStore } from '../../events';
import { saleStreamId, saleStreamType, type Sale } from '../../sales';
import { userStreamId } from '../../watching';
import { foldStream, getStreamCommands } from '../streamCommands';

/** A user's standing after a command, and where their stream stands (for X-Min-Position). */
export interface AccountReply {
  userId: string;
  suspended: boolean;
  blocked: string[];
  position: string | undefined;
}

export type RegistrationReply = Registration & { saleId: string; position: string | undefined };

/** The sale's terms, read from its stream (exact: the seller and the approval flag never change). */
async function saleTermsOf(eventStore: EventStore, saleId: string): Promise<SaleTerms> {
  const sale = (await foldStream(eventStore, saleStreamType, saleStreamId(saleId))) as Sale | null;
  if (!sale) throw new BidderRuleError('SALE_NOT_FOUND', 'No such sale');
  return { sellerId: sale.sellerId, requiresApproval: sale.requiresApproval, open: sale.status === 'active' };
}

/**
 * Blocks, suspensions and registrations, each recorded in its stream through the one command
 * handler (decideAndAppend): two instances deciding at once meet at the stream's revision.
 */
export function getBidderCommands(eventStore: EventStore) {
  const commands = getStreamCommands(eventStore);
  const meta = (commandType: string, userId: string) => ({
    commandType,
    userId,
    correlationId: randomUUID(),
  });

  const saleTerms = (saleId: string) => saleTermsOf(eventStore, saleId);

  return {
    saleTerms,
    async account(userId: string, by: string, command: AccountCommand): Promise<AccountReply> {
      const outcome = await commands.handle(
        accountStreamType,
        userStreamId(userId),
        command,
        meta(command.type, by),
      );
      return {
        userId,
        suspended: outcome.state.suspended,
        blocked: [...outcome.state.blocked],
        position: outcome.position,
      };
    },
    async registration(
      saleId: string,
      by: string,
      command: (sale: SaleTerms) => RegistrationCommand,
    ): Promise<RegistrationReply> {
      const sale = await saleTerms(saleId);
      const decided = command(sale);
      const outcome = await commands.handle(
        registrationStreamType,
        registrationsStreamId(saleId),
        decided,
        meta(decided.type, by),
      );
      const registration = outcome.state.get(decided.data.userId)!;
      return { ...registration, saleId, position: outcome.position };
    },
    /** A sale's registrations, folded from its stream (the seller's list), in the order they first asked. */
    async registrationsOf(saleId: string): Promise<{ sale: SaleTerms; items: Registration[] }> {
      const sale = await saleTerms(saleId);
      const state = await foldStream(eventStore, registrationStreamType, registrationsStreamId(saleId));
      return { sale, items: [...state.values()] };
    },
  };
}

export type BidderCommands = ReturnType<typeof getBidderCommands>;
