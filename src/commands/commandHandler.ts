import { v7 as uuidv7 } from 'uuid';
import { type EventStore, type NewEvent, WrongExpectedRevisionError } from '../events';
import { auctionStreamId, type AuctionEvent } from '../auction';
import { AuctionRuleError, decide, evolveAll, type AuctionCommand, type AuctionState } from '../auction';
import {
  foldRecorded,
  idempotencyIndexKey,
  replyFor,
  type AuctionReply,
  type CommandMetadata,
  type IdempotencyRecord,
  type LoadedAuction,
} from './auctionStreamFold';

export interface CommandEnvelope {
  auctionId: string;
  command: AuctionCommand;
  userId: string | null;
  correlationId: string;
  idempotencyKey?: string;
  requestHash?: string;
}

export class IdempotencyKeyReusedError extends Error {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
}

/** The auction is too contended or the store too slow right now: the client may retry. */
export class CommandBusyError extends Error {
  readonly code = 'BUSY';
}

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

interface Pending {
  envelope: CommandEnvelope;
  resolve(reply: AuctionReply): void;
  reject(error: unknown): void;
}

type Outcome =
  | {
      kind: 'accepted';
      events: AuctionEvent[];
      state: AuctionState;
      firstIndex: number;
      metadata: CommandMetadata;
    }
  | { kind: 'rejected'; error: unknown }
  | { kind: 'replay'; record: IdempotencyRecord }
  | { kind: 'sameAs'; index: number };

const emptyAuction = (): LoadedAuction => ({ state: null, revision: 'no_stream', idempotency: new Map() });
const jitter = (attempt: number) =>
  new Promise((r) => setTimeout(r, Math.random() * 5 * 2 ** Math.min(attempt, 5)));

/**
 * Load, decide, append with the expected revision. Commands for one auction are queued in this
 * process and the queue is decided together and written in one append; a conflict (another
 * instance wrote first) refreshes the state from the stream and decides again, bounded.
 */
export function getCommandHandler(options: CommandHandlerOptions) {
  const { eventStore } = options;
  const maxBatch = options.maxBatch ?? 200;
  const maxAttempts = options.maxAttempts ?? 12;
  const maxCached = options.maxCachedAuctions ?? 10_000;
  const maxPending = options.maxPendingPerAuction ?? 5_000;
  const cache = new Map<string, LoadedAuction>();
  const lanes = new Map<string, Pending[]>();

  const remember = (auctionId: string, loaded: LoadedAuction) => {
    cache.delete(auctionId);
    if (loaded.state === null) return; // a missing auction may be created elsewhere at any time
    cache.set(auctionId, loaded);
    if (cache.size > maxCached) cache.delete(cache.keys().next().value!);
  };

  /** Reads what the stream has beyond what we hold (everything, when we hold nothing). */
  const refresh = async (auctionId: string, loaded: LoadedAuction) => {
    const fromRevision = loaded.revision === 'no_stream' ? 0n : loaded.revision + 1n;
    const recorded = await eventStore.readStream(auctionStreamId(auctionId), { fromRevision });
    return recorded.length ? foldRecorded(loaded, recorded) : loaded;
  };

  const decideBatch = (loaded: LoadedAuction, batch: Pending[]) => {
    let state = loaded.state;
    const outcomes: Outcome[] = [];
    const newEvents: NewEvent[] = [];
    const appendId = uuidv7();
    const seenKeys = new Map<string, number>();
    batch.forEach(({ envelope }, index) => {
      const key = envelope.idempotencyKey
        ? idempotencyIndexKey(envelope.userId, envelope.idempotencyKey)
        : undefined;
      if (key) {
        const record = loaded.idempotency.get(key);
        const earlier = seenKeys.get(key);
        const earlierHash = earlier !== undefined ? batch[earlier]!.envelope.requestHash : undefined;
        if (record || earlier !== undefined) {
          const sameBody = (record?.requestHash ?? earlierHash) === envelope.requestHash;
          outcomes.push(
            !sameBody
              ? {
                  kind: 'rejected',
                  error: new IdempotencyKeyReusedError('This Idempotency-Key was used for another request'),
                }
              : record
                ? { kind: 'replay', record }
                : { kind: 'sameAs', index: earlier! },
          );
          return;
        }
        seenKeys.set(key, index);
      }
      try {
        const events = decide(envelope.command, state);
        state = evolveAll(events, state);
        const metadata: CommandMetadata = {
          commandId: uuidv7(),
          commandType: envelope.command.type,
          appendId,
          userId: envelope.userId,
          correlationId: envelope.correlationId,
          ...(envelope.idempotencyKey
            ? { idempotencyKey: envelope.idempotencyKey, requestHash: envelope.requestHash }
            : {}),
        };
        outcomes.push({ kind: 'accepted', events, state, firstIndex: newEvents.length, metadata });
        for (const e of events) newEvents.push({ type: e.type, data: e.data, metadata: { ...metadata } });
      } catch (error) {
        if (!(error instanceof AuctionRuleError)) throw error;
        outcomes.push({ kind: 'rejected', error });
      }
    });
    return { outcomes, newEvents, state };
  };

  const runBatch = async (auctionId: string, batch: Pending[]) => {
    const streamId = auctionStreamId(auctionId);
    let loaded = cache.get(auctionId);
    let fresh = false;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      if (!loaded) {
        loaded = await refresh(auctionId, emptyAuction());
        fresh = true;
      }
      let decided = decideBatch(loaded, batch);
      // Refusals must not rest on a stale cache (another instance may have extended the end).
      if (!fresh && decided.outcomes.some((o) => o.kind === 'rejected')) {
        const refreshed = await refresh(auctionId, loaded);
        if (refreshed !== loaded) {
          loaded = refreshed;
          decided = decideBatch(loaded, batch);
        }
      }
      const replies: Array<AuctionReply | undefined> = [];
      if (decided.newEvents.length > 0) {
        let appended;
        try {
          appended = await eventStore.appendToStream(streamId, decided.newEvents, {
            expectedRevision: loaded.revision,
          });
        } catch (error) {
          if (!(error instanceof WrongExpectedRevisionError)) throw error;
          loaded = await refresh(auctionId, loaded);
          fresh = true;
          await jitter(attempt);
          continue;
        }
        const base = loaded.revision === 'no_stream' ? -1n : loaded.revision;
        const idempotency = new Map(loaded.idempotency);
        decided.outcomes.forEach((o, i) => {
          if (o.kind !== 'accepted' || !o.state) return;
          const revision = base + BigInt(o.firstIndex + o.events.length);
          const reply = replyFor(o.metadata.commandType, o.events, o.state, revision, appended.position);
          replies[i] = reply;
          if (o.metadata.idempotencyKey) {
            idempotency.set(idempotencyIndexKey(o.metadata.userId, o.metadata.idempotencyKey), {
              requestHash: o.metadata.requestHash!,
              reply,
            });
          }
        });
        loaded = { state: decided.state, revision: appended.nextExpectedRevision, idempotency };
      }
      remember(auctionId, loaded);
      decided.outcomes.forEach((o, i) => {
        const pending = batch[i]!;
        if (o.kind === 'accepted') pending.resolve(replies[i]!);
        else if (o.kind === 'replay') pending.resolve(o.record.reply);
        else if (o.kind === 'sameAs') {
          const first = decided.outcomes[o.index]!;
          if (first.kind === 'rejected') pending.reject(first.error);
          else pending.resolve(replies[o.index]!);
        } else pending.reject(o.error);
      });
      return;
    }
    cache.delete(auctionId);
    for (const p of batch) p.reject(new CommandBusyError('The auction is busy; retry shortly'));
  };

  const drain = async (auctionId: string, queue: Pending[]) => {
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      try {
        await runBatch(auctionId, batch);
      } catch (error) {
        cache.delete(auctionId);
        for (const p of batch) p.reject(error);
      }
    }
    lanes.delete(auctionId);
  };

  return {
    /** Queues the command behind the others for the same auction; resolves with its reply. */
    handle(envelope: CommandEnvelope): Promise<AuctionReply> {
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
    async idle(): Promise<void> {
      while (lanes.size > 0) await new Promise((r) => setTimeout(r, 10));
    },
  };

  function enqueue(envelope: CommandEnvelope): Promise<AuctionReply> {
    return new Promise((resolve, reject) => {
      let queue = lanes.get(envelope.auctionId);
      if (queue && queue.length >= maxPending) {
        reject(new CommandBusyError('Too many commands queued for this auction'));
        return;
      }
      const start = !queue;
      if (!queue) {
        queue = [];
        lanes.set(envelope.auctionId, queue);
      }
      queue.push({ envelope, resolve, reject });
      if (start) void drain(envelope.auctionId, queue);
    });
  }
}

export type CommandHandler = ReturnType<typeof getCommandHandler>;
