import type { NewEvent } from '../../events';
import {
  AuctionRuleError,
  decide,
  evolveAll,
  type AuctionCommand,
  type AuctionEvent,
  type AuctionState,
} from '../../auction';
import {
  idempotencyIndexKey,
  replyFor,
  type AuctionReply,
  type CommandMetadata,
  type IdempotencyRecord,
  type LoadedAuction,
} from './auctionStreamFold';
import { IdempotencyKeyReusedError } from '../commandErrors';

export interface CommandEnvelope {
  auctionId: string;
  command: AuctionCommand;
  userId: string | null;
  correlationId: string;
  idempotencyKey?: string;
  requestHash?: string;
}

/** Ids a batch needs, handed in so that deciding stays pure: one per append, one per command. */
export interface BatchIds {
  appendId: string;
  commandId(): string;
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

export interface DecidedBatch {
  outcomes: Outcome[];
  /** What to append, in order, for every accepted command. */
  newEvents: NewEvent[];
  state: AuctionState;
}

/** A command's answer: its reply (`replayed` when an earlier command with its key got it first) or its expected failure. */
export type Answer = { reply: AuctionReply; replayed?: true } | { error: unknown };

/** How a command with an idempotency key stands against the stream's index and the batch before it. */
function classifyKey(
  loaded: LoadedAuction,
  envelopes: CommandEnvelope[],
  index: number,
  seenKeys: Map<string, number>,
): Outcome | undefined {
  const envelope = envelopes[index]!;
  if (!envelope.idempotencyKey) return undefined;
  const key = idempotencyIndexKey(envelope.userId, envelope.idempotencyKey);
  const record = loaded.idempotency.get(key);
  const earlier = seenKeys.get(key);
  if (!record && earlier === undefined) {
    seenKeys.set(key, index);
    return undefined;
  }
  const firstHash = record?.requestHash ?? envelopes[earlier!]!.requestHash;
  if (firstHash !== envelope.requestHash) return { kind: 'rejected', error: new IdempotencyKeyReusedError() };
  return record ? { kind: 'replay', record } : { kind: 'sameAs', index: earlier! };
}

/**
 * Pure: decides a batch of commands for one auction in order, each against the state the ones
 * before it produced. A repeated idempotency key replays (same body) or is refused (another body).
 */
export function decideBatch(
  loaded: LoadedAuction,
  envelopes: CommandEnvelope[],
  ids: BatchIds,
): DecidedBatch {
  let state = loaded.state;
  const outcomes: Outcome[] = [];
  const newEvents: NewEvent[] = [];
  const seenKeys = new Map<string, number>();
  envelopes.forEach((envelope, index) => {
    const keyed = classifyKey(loaded, envelopes, index, seenKeys);
    if (keyed) return void outcomes.push(keyed);
    try {
      const events = decide(envelope.command, state);
      state = evolveAll(events, state);
      const metadata: CommandMetadata = {
        commandId: ids.commandId(),
        commandType: envelope.command.type,
        appendId: ids.appendId,
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
}

export const hasRefusals = (decided: DecidedBatch) => decided.outcomes.some((o) => o.kind === 'rejected');

/**
 * Pure: the answers of a decided batch and the auction after it, once its events were appended
 * (`appended`) or when it had none to append.
 */
export function settleBatch(
  loaded: LoadedAuction,
  decided: DecidedBatch,
  appended?: { position: string; nextExpectedRevision: bigint },
): { loaded: LoadedAuction; answers: Answer[] } {
  const replies: Array<AuctionReply | undefined> = [];
  let after = loaded;
  if (appended) {
    const base = loaded.revision === 'no_stream' ? -1n : loaded.revision;
    const idempotency = new Map(loaded.idempotency);
    decided.outcomes.forEach((o, i) => {
      if (o.kind !== 'accepted' || !o.state) return;
      const revision = base + BigInt(o.firstIndex + o.events.length);
      const reply = replyFor(o.metadata.commandType, o.events, o.state, revision, appended.position);
      replies[i] = reply;
      const { idempotencyKey, requestHash, userId } = o.metadata;
      if (idempotencyKey)
        idempotency.set(idempotencyIndexKey(userId, idempotencyKey), { requestHash: requestHash!, reply });
    });
    after = { state: decided.state, revision: appended.nextExpectedRevision, idempotency };
  }
  const answerOf = (o: Outcome, i: number): Answer => {
    switch (o.kind) {
      case 'accepted':
        return { reply: replies[i]! };
      case 'replay':
        return { reply: o.record.reply, replayed: true };
      case 'rejected':
        return { error: o.error };
      case 'sameAs': {
        const first = answerOf(decided.outcomes[o.index]!, o.index);
        return 'reply' in first ? { reply: first.reply, replayed: true } : first;
      }
    }
  };
  return { loaded: after, answers: decided.outcomes.map(answerOf) };
}
