import { storableJson } from '../../platform';
import {
  ANY,
  AllStreamResolvedEvent,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  type AppendExpectedRevision,
  type Position,
} from '@eventstore/db-client';
import { v7 as uuidv7 } from 'uuid';
import type { EventStore, ExpectedRevision, NewEvent, ReadStreamOptions, RecordedEvent } from '../eventStore';
import { WrongExpectedRevisionError, filteredByType, readStreamsOneByOne } from '../eventStore';
import { joinPosition, splitPosition, toJson } from '../serialization';
import { eventStoreDbSubscription } from './eventStoreDbSubscription';

const toPosition = (position: Position) => joinPosition(position.commit, position.prepare);

export const fromPosition = (position: string): Position => {
  const [commit, prepare] = splitPosition(position);
  return { commit, prepare };
};

const toExpected = (expected: ExpectedRevision): AppendExpectedRevision =>
  expected === 'no_stream'
    ? NO_STREAM
    : expected === 'stream_exists'
      ? STREAM_EXISTS
      : expected === 'any'
        ? ANY
        : expected;

/** Maps a resolved event from `$all`; undefined for system events, links and non-JSON payloads. */
export function toRecordedEvent(resolved: AllStreamResolvedEvent): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event || !event.isJson || event.type.startsWith('$') || !event.position) return undefined;
  return {
    id: event.id,
    streamId: event.streamId,
    revision: event.revision,
    position: toPosition(event.position),
    type: event.type,
    // Logs from before the write side refused unstorable strings: made storable on read, here.
    data: storableJson(event.data),
    metadata: storableJson((event.metadata ?? {}) as Record<string, unknown>),
    recordedAt: event.created,
  };
}

/** Round-trips through our JSON so that bigint values become strings instead of throwing. */
const jsonSafe = <T>(value: T): T => JSON.parse(toJson(value)) as T;

export interface EventStoreDbOptions {
  connectionString: string;
}

/** Reads `$all` after a position; readAll cannot filter, so system events and `after` itself are skipped. */
async function readAll(
  client: EventStoreDBClient,
  { after, limit }: Parameters<EventStore['readAll']>[0],
): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  let from: Position | typeof START = after ? fromPosition(after) : START;
  while (events.length < limit) {
    let read = 0;
    let lastSeen: Position | undefined;
    for await (const resolved of client.readAll({
      fromPosition: from,
      maxCount: limit + 1,
      direction: FORWARDS,
    })) {
      read++;
      if (resolved.event?.position) lastSeen = resolved.event.position;
      const recorded = toRecordedEvent(resolved);
      if (!recorded || (after && recorded.position <= after)) continue;
      if (events.length < limit) events.push(recorded);
    }
    if (read < limit + 1 || !lastSeen) break;
    from = lastSeen;
    after = toPosition(lastSeen);
  }
  return events;
}

async function append(
  client: EventStoreDBClient,
  streamId: string,
  events: NewEvent[],
  expectedRevision: ExpectedRevision,
) {
  if (events.length === 0) throw new Error('appendToStream needs at least one event');
  const data = events.map((e) =>
    jsonEvent({
      id: e.id ?? uuidv7(),
      type: e.type,
      data: jsonSafe(e.data) as Record<string, unknown>,
      metadata: jsonSafe(e.metadata ?? {}),
    }),
  );
  try {
    const result = await client.appendToStream(streamId, data, {
      expectedRevision: toExpected(expectedRevision),
    });
    if (!result.position) throw new Error('EventStoreDB returned no position for an append');
    return { nextExpectedRevision: result.nextExpectedRevision, position: toPosition(result.position) };
  } catch (error) {
    if (!(error instanceof WrongExpectedVersionError)) throw error;
    const actual = error.actualVersion;
    throw new WrongExpectedRevisionError(
      streamId,
      expectedRevision,
      typeof actual === 'bigint' ? actual : 'no_stream',
    );
  }
}

async function readStream(client: EventStoreDBClient, streamId: string, options: ReadStreamOptions = {}) {
  const events: RecordedEvent[] = [];
  try {
    for await (const resolved of client.readStream(streamId, {
      fromRevision: options.fromRevision ?? START,
      direction: FORWARDS,
      ...(options.maxCount !== undefined ? { maxCount: options.maxCount } : {}),
    })) {
      const recorded = toRecordedEvent(resolved as AllStreamResolvedEvent);
      if (recorded) events.push(recorded);
    }
  } catch (error) {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  }
  return events;
}

async function headPosition(client: EventStoreDBClient) {
  for await (const resolved of client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 4096 })) {
    const recorded = toRecordedEvent(resolved);
    if (recorded) return recorded.position;
  }
  return undefined;
}

/**
 * EventStoreDB adapter. Commands share one client; every subscription gets a client of its own,
 * because past about 100 long-lived calls one client hangs without an error.
 */
export function getEventStoreDbEventStore({ connectionString }: EventStoreDbOptions): EventStore {
  const client = EventStoreDBClient.connectionString(connectionString);
  const readAllOf: EventStore['readAll'] = (options) => readAll(client, options);
  return {
    kind: 'eventstoredb',
    appendToStream: (streamId, events, { expectedRevision }) =>
      append(client, streamId, events, expectedRevision),
    readStreams(streamIds) {
      return readStreamsOneByOne((id: string) => this.readStream(id), streamIds);
    },
    readStream: (streamId, options) => readStream(client, streamId, options),
    readAll: readAllOf,
    headPosition: () => headPosition(client),
    subscribeToAll: (options) =>
      eventStoreDbSubscription(filteredByType(options), {
        connect: () => EventStoreDBClient.connectionString(connectionString),
        readAll: readAllOf,
        filter: excludeSystemEvents(),
        toRecordedEvent,
        fromPosition,
      }),
    async ping() {
      await client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 }).toArray();
    },
    async close() {
      await client.dispose();
    },
  };
}
