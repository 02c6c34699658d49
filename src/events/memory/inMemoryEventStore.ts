import { randomUUID } from 'node:crypto';
import {
  filteredByType,
  WrongExpectedRevisionError,
  readStreamsOneByOne,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '../eventStore';
import { storableJson } from '../../platform';
import { joinPosition, toJson } from '../serialization';

interface Memory {
  log: RecordedEvent[];
  streams: Map<string, RecordedEvent[]>;
  /** Live subscriptions, woken after every append. */
  listeners: Set<() => void>;
}

// Read as every adapter reads: a string a store cannot hold (a lone surrogate, NUL) as U+FFFD.
const copy = (e: RecordedEvent): RecordedEvent => ({
  ...e,
  data: storableJson(JSON.parse(toJson(e.data)) as unknown),
  metadata: storableJson(JSON.parse(toJson(e.metadata)) as Record<string, unknown>),
  recordedAt: new Date(e.recordedAt),
});

/** Index into the log of the first event after a position (-1 when there is none). */
const indexAfter = ({ log }: Memory, after: string | undefined) =>
  after ? log.findIndex((e) => e.position > after) : 0;

const expectationHolds = (expected: ExpectedRevision, stream: RecordedEvent[] | undefined) =>
  expected === 'any' ||
  (expected === 'no_stream' && !stream) ||
  (expected === 'stream_exists' && Boolean(stream)) ||
  (typeof expected === 'bigint' && stream !== undefined && BigInt(stream.length - 1) === expected);

function append(
  memory: Memory,
  streamId: string,
  events: NewEvent[],
  expected: ExpectedRevision,
): AppendResult {
  const stream = memory.streams.get(streamId);
  if (!expectationHolds(expected, stream))
    throw new WrongExpectedRevisionError(
      streamId,
      expected,
      stream ? BigInt(stream.length - 1) : 'no_stream',
    );
  const target = stream ?? [];
  const recordedAt = new Date();
  for (const e of events) {
    const recorded: RecordedEvent = {
      id: e.id ?? randomUUID(),
      streamId,
      revision: BigInt(target.length),
      position: joinPosition(BigInt(memory.log.length + 1), 0n),
      type: e.type,
      data: JSON.parse(toJson(e.data)) as unknown,
      metadata: JSON.parse(toJson(e.metadata ?? {})) as Record<string, unknown>,
      recordedAt,
    };
    target.push(recorded);
    memory.log.push(recorded);
  }
  memory.streams.set(streamId, target);
  for (const wake of memory.listeners) wake();
  const last = target[target.length - 1]!;
  return { nextExpectedRevision: last.revision, position: last.position };
}

/** Follows the log from `after`: batches in order, told when caught up, then woken by appends. */
function subscribe(memory: Memory, options: SubscribeOptions): Subscription {
  let position = options.after;
  let stopped = false;
  let caughtUp = false;
  let wake: () => void = () => undefined;
  const caughtUpAt = memory.log.length;
  const listener = () => wake();
  memory.listeners.add(listener);
  const running = (async () => {
    while (!stopped) {
      const from = indexAfter(memory, position);
      const batch = from < 0 ? [] : memory.log.slice(from, from + (options.batchSize ?? 500));
      if (batch.length === 0) {
        if (!caughtUp) options.onCaughtUp?.();
        caughtUp = true;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      try {
        await options.onEvents(batch.map(copy));
      } catch (error) {
        stopped = true;
        options.onError?.(error);
        return;
      }
      position = batch[batch.length - 1]!.position;
      if (!caughtUp && from + batch.length >= caughtUpAt) {
        caughtUp = true;
        options.onCaughtUp?.();
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      memory.listeners.delete(listener);
      wake();
      await running;
    },
  };
}

/**
 * The event store in this process's memory: the same port and the same contract as the
 * PostgreSQL and EventStoreDB adapters, for tests of handler and projector logic without a
 * database. Payloads go through JSON as they would to a real store (bigint becomes a string,
 * nothing is shared with the caller). Nothing survives the process.
 */
export function getInMemoryEventStore(): EventStore {
  const memory: Memory = { log: [], streams: new Map(), listeners: new Set() };
  return {
    kind: 'memory',
    async readStream(streamId, options: ReadStreamOptions = {}) {
      const stream = memory.streams.get(streamId) ?? [];
      const from = Number(options.fromRevision ?? 0n);
      return stream
        .slice(from, options.maxCount === undefined ? undefined : from + options.maxCount)
        .map(copy);
    },
    readStreams(streamIds) {
      return readStreamsOneByOne((id: string) => this.readStream(id), streamIds);
    },
    async appendToStream(streamId, events: NewEvent[], { expectedRevision }) {
      return append(memory, streamId, events, expectedRevision);
    },
    async readAll({ after, limit }: ReadAllOptions) {
      const from = indexAfter(memory, after);
      return from < 0 ? [] : memory.log.slice(from, from + limit).map(copy);
    },
    async headPosition() {
      return memory.log[memory.log.length - 1]?.position;
    },
    subscribeToAll: (options: SubscribeOptions) => subscribe(memory, filteredByType(options)),
    async ping() {},
    async close() {},
  };
}
