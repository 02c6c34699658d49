import { v7 as uuidv7 } from 'uuid';
import { problemOf, validationProblem, type ProblemError } from '../../../platform';
import type { AuctionReply } from '../auctionStreamFold';
import type { CommandHandler } from '../commandHandler';
import type { CommandEnvelope } from '../decideBatch';
import { commandEnvelope, replyHeaderValues } from './commandEnvelope';
import { commandProblem } from './commandProblem';
import type { PlaceBidBody } from './commandSchemas';
import type { BidderEligibility } from '../../../auction';

/** Where a bid or a buy gets its bidder's eligibility (the bidders' access index; see commands/bidders). */
export interface EligibilityGate {
  withEligibility<T>(userId: string, run: (eligibility: BidderEligibility) => Promise<T>): Promise<T>;
}

/** A bid as a transport hands it in: parsed, its body valid against placeBidSchema, its bidder authenticated. */
export interface BidRequest {
  auctionId: string;
  userId: string;
  idempotencyKey: string | undefined;
  body: PlaceBidBody;
}

/** What a transport writes: the 201 with its headers, or the problem. */
export type BidAnswer = { reply: AuctionReply; headers: Record<string, string> } | { problem: ProblemError };

/** The PlaceBid command of a valid body; a ceiling below the amount is refused (400). */
function placeBidEnvelope(request: BidRequest, now: Date, eligibility?: BidderEligibility): CommandEnvelope {
  const { body } = request;
  if (body.maxAmount !== undefined && body.maxAmount < body.amount) {
    throw validationProblem([{ field: 'body.maxAmount', message: 'must be at least amount' }]);
  }
  return commandEnvelope({
    ...request,
    action: 'bids',
    command: {
      type: 'PlaceBid',
      now,
      data: {
        bidId: uuidv7(),
        autoBidId: uuidv7(),
        bidderId: request.userId,
        amount: body.amount,
        ...(body.maxAmount !== undefined ? { maxAmount: body.maxAmount } : {}),
        ...(eligibility ? { eligibility } : {}),
      },
    },
  });
}

/**
 * A bid is its own resource; a raise of your own ceiling (the reply with `maxAmount`) is not a
 * bid anyone can list, so it names the auction.
 */
export const bidLocation = (reply: AuctionReply) =>
  reply.maxAmount !== undefined
    ? `/auctions/${reply.auctionId}`
    : `/auctions/${reply.auctionId}/bids/${reply.bidId}`;

/**
 * The one bid pipeline, whichever transport the bid came by (the express route or the fast lane,
 * which only parse and write): the command, the handler, the reply's headers, or the problem.
 * Only a bug is thrown (answered 500 by the transport).
 */
export function getPlaceBid(deps: { handler: CommandHandler; clock: () => Date; access?: EligibilityGate }) {
  return async (request: BidRequest): Promise<BidAnswer> => {
    try {
      const handle = (eligibility?: BidderEligibility) =>
        deps.handler.handle(placeBidEnvelope(request, deps.clock(), eligibility));
      const { replayed, ...reply } = deps.access
        ? await deps.access.withEligibility(request.userId, handle)
        : await handle();
      return { reply, headers: replyHeaderValues(replayed, reply, bidLocation) };
    } catch (error) {
      const problem = problemOf(commandProblem(error));
      if (!problem) throw error;
      return { problem };
    }
  };
}

export type PlaceBid = ReturnType<typeof getPlaceBid>;
