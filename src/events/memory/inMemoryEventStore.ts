import { randomUUID } from 'node:crypto';
import {
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

/**
 * The event store in this process's memory: the same port and the same contract as the
 * PostgreSQL and EventStoreDB adapters, for tests of handler and projector logic without a
 * database. Payloads go through JSON as they would to a real store (bigint becomes a string,
 * nothing is shared with the caller). Nothing survives the process.
 */
export function getInMemoryEventStore(): EventStore {
  const log: RecordedEvent[] = [];
  const streams = new Map<string, RecordedEvent[]>();
  const listeners = new Set<() => void>();
  // Read as every adapter reads: a string a store cannot hold (a lone surrogate, NUL) as U+FFFD.
  const copy = (e: RecordedEvent): RecordedEvent => ({
    ...e,
    data: storableJson(JSON.parse(toJson(e.data)) as unknown),
    metadata: storableJson(JSON.parse(toJson(e.metadata)) as Record<string, unknown>),
    recordedAt: new Date(e.recordedAt),
  });
  const conflict = (streamId: string, expected: ExpectedRevision, stream: RecordedEvent[] | undefined) =>
    new WrongExpectedRevisionError(streamId, expected, stream ? BigInt(stream.length - 1) : 'no_stream');
  /** Index into the log of the first event after a position. */
  const indexAfter = (after: string | undefined) => (after ? log.findIndex((e) => e.position > after) : 0);

  return {
    kind: 'memory',
    async readStream(streamId, options: ReadStreamOptions = {}) {
      const stream = streams.get(streamId) ?? [];
      const from = Number(options.fromRevision ?? 0n);
      return stream
        .slice(from, options.maxCount === undefined ? undefined : from + options.maxCount)
        .map(copy);
    },
    readStreams(streamIds) {
      return readStreamsOneByOne((id: string) => this.readStream(id), streamIds);
    },
    async appendToStream(streamId, events: NewEvent[], { expectedRevision }): Promise<AppendResult> {
      const stream = streams.get(streamId);
      const ok =
        expectedRevision === 'any' ||
        (expectedRevision === 'no_stream' && !stream) ||
        (expectedRevision === 'stream_exists' && Boolean(stream)) ||
        (typeof expectedRevision === 'bigint' &&
          stream !== undefined &&
          BigInt(stream.length - 1) === expectedRevision);
      if (!ok) throw conflict(streamId, expectedRevision, stream);
      const target = stream ?? [];
      const recordedAt = new Date();
      for (const e of events) {
        const recorded: RecordedEvent = {
          id: e.id ?? randomUUID(),
          streamId,
          revision: BigInt(target.length),
          position: joinPosition(BigInt(log.length + 1), 0n),
          type: e.type,
          data: JSON.parse(toJson(e.data)) as unknown,
          metadata: JSON.parse(toJson(e.metadata ?? {})) as Record<string, unknown>,
          recordedAt,
        };
        target.push(recorded);
        log.push(recorded);
      }
      streams.set(streamId, target);
      for (const wake of listeners) wake();
      const last = target[target.length - 1]!;
      return { nextExpectedRevision: last.revision, position: last.position };
    },
    async readAll({ after, limit }: ReadAllOptions) {
      const from = indexAfter(after);
      return from < 0 ? [] : log.slice(from, from + limit).map(copy);
    },
    async headPosition() {
      return log[log.length - 1]?.position;
    },
    subscribeToAll(options: SubscribeOptions): Subscription {
      let position = options.after;
      let stopped = false;
      let caughtUp = false;
      let wake: () => void = () => undefined;
      const caughtUpAt = log.length;
      const listener = () => wake();
      listeners.add(listener);
      const running = (async () => {
        while (!stopped) {
          const from = indexAfter(position);
          const batch = from < 0 ? [] : log.slice(from, from + (options.batchSize ?? 500));
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
          listeners.delete(listener);
          wake();
          await running;
        },
      };
    },
    async ping() {},
    async close() {},
  };
}
