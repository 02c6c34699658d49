import type { EventStore } from '../../events';
import type { AuctionCommand } from '../../auction';
import { getAppendWithRetry } from './appendWithRetry';
import type { AuctionReply } from './auctionStreamFold';
import { CommandBusyError } from '../commandErrors';
import { getCommandLanes } from './commandLanes';
import type { CommandEnvelope } from './decideBatch';

export interface CommandHandlerOptions {
  eventStore: EventStore;
  /** Most commands decided together and written in one append. */
  maxBatch?: number;
  maxAttempts?: number;
  maxCachedAuctions?: number;
  maxPendingPerAuction?: number;
  /** Told of every command answered: its type, `accepted` or the refusal's code, and the time taken. */
  onHandled?(command: AuctionCommand['type'], outcome: string, seconds: number): void;
}

/** `accepted`, or the stable code of a refusal (`ERROR` for anything unexpected). */
const outcomeCode = (error: unknown) => {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^[A-Z_]+$/.test(code) ? code : 'ERROR';
};

/** A command's reply; `replayed` when it repeats an earlier command's (same Idempotency-Key and body). */
export type HandledReply = AuctionReply & { replayed?: true };

interface Pending {
  envelope: CommandEnvelope;
  resolve(reply: HandledReply): void;
  reject(error: unknown): void;
}

/**
 * Load, decide, append with the expected revision. Commands for one auction wait in this
 * process's lane for that auction; each batch of the lane is decided together and written in
 * one append (see appendWithRetry). Nothing is locked: other instances are met by the revision.
 */
export function getCommandHandler(options: CommandHandlerOptions) {
  const write = getAppendWithRetry(options);
  const lanes = getCommandLanes<Pending>({
    maxBatch: options.maxBatch ?? 200,
    maxPending: options.maxPendingPerAuction ?? 5_000,
    onFull: (p) => p.reject(new CommandBusyError('Too many commands queued for this auction')),
    async drain(auctionId, batch) {
      try {
        const answers = await write(
          auctionId,
          batch.map((p) => p.envelope),
        );
        answers.forEach((answer, i) =>
          'reply' in answer
            ? batch[i]!.resolve(answer.replayed ? { ...answer.reply, replayed: true } : answer.reply)
            : batch[i]!.reject(answer.error),
        );
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    },
  });
  const enqueue = (envelope: CommandEnvelope) =>
    new Promise<HandledReply>((resolve, reject) =>
      lanes.push(envelope.auctionId, { envelope, resolve, reject }),
    );

  return {
    /** Queues the command behind the others for the same auction; resolves with its reply. */
    handle(envelope: CommandEnvelope): Promise<HandledReply> {
      const { onHandled } = options;
      if (!onHandled) return enqueue(envelope);
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      const reply = enqueue(envelope);
      reply.then(
        () => onHandled(envelope.command.type, 'accepted', seconds()),
        (error: unknown) => onHandled(envelope.command.type, outcomeCode(error), seconds()),
      );
      return reply;
    },
    /** Resolves once every queued command has been answered. */
    idle: () => lanes.idle(),
  };
}

export type CommandHandler = ReturnType<typeof getCommandHandler>;
