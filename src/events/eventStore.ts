/**
 * The event store port. Revisions are bigint and the first event of a stream is revision 0.
 * Positions are opaque strings that sort (as plain strings) in global log order.
 */
export type ExpectedRevision = 'no_stream' | 'stream_exists' | 'any' | bigint;

export type EventMetadata = Record<string, unknown>;

export interface NewEvent {
  /** Unique id of the event; generated when absent. */
  id?: string;
  type: string;
  data: unknown;
  metadata?: EventMetadata;
}

export interface RecordedEvent {
  id: string;
  streamId: string;
  revision: bigint;
  position: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  recordedAt: Date;
}

export interface AppendResult {
  /** Revision of the last event written: the expected revision of the next append. */
  nextExpectedRevision: bigint;
  /** Position of the last event written. */
  position: string;
}

export interface ReadStreamOptions {
  /** First revision to read (inclusive). Default 0. */
  fromRevision?: bigint;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Read events strictly after this position; from the start when absent. */
  after?: string;
  /** Maximum number of events to return. */
  limit: number;
}

export interface SubscribeOptions {
  /** Deliver events strictly after this position; from the start when absent. */
  after?: string;
  /** Called with each batch in log order; the next batch waits for the returned promise. */
  onEvents(events: RecordedEvent[]): Promise<void>;
  /** Called when onEvents throws; the subscription stops, it never skips the batch. */
  onError?(error: unknown): void;
  /**
   * Deliver only events of these types (the subscription still moves past the others). A store
   * that can filters where the log is kept, so a subscriber to a few rare types does not read
   * every event.
   */
  eventTypes?: readonly string[];
  /** Told how far the subscription has read (delivered, or moved past): everything up to it was handled. */
  onProgress?(position: string): void;
  /** Called once the subscription has delivered everything that existed when it started. */
  onCaughtUp?(): void;
  batchSize?: number;
}

export interface Subscription {
  /** Stops delivery; resolves once no batch is being handled. */
  stop(): Promise<void>;
}

export interface EventStore {
  readonly kind: 'postgres' | 'eventstoredb' | 'memory';
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Many whole streams at once (a missing one is empty), each in revision order. */
  readStreams(streamIds: string[]): Promise<Map<string, RecordedEvent[]>>;
  appendToStream(
    streamId: string,
    events: NewEvent[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult>;
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Position of the newest event in the log, or undefined when the log is empty. */
  headPosition(): Promise<string | undefined>;
  subscribeToAll(options: SubscribeOptions): Subscription;
  /** Throws when the store cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type ActualRevision = bigint | 'no_stream';

export class WrongExpectedRevisionError extends Error {
  readonly code = 'WRONG_EXPECTED_REVISION';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: ActualRevision,
  ) {
    super(`Stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** `readStreams` for a store that reads one stream per request: a few requests at a time. */
export async function readStreamsOneByOne(
  readStream: EventStore['readStream'],
  streamIds: string[],
  concurrency = 16,
): Promise<Map<string, RecordedEvent[]>> {
  const result = new Map<string, RecordedEvent[]>();
  let next = 0;
  const worker = async () => {
    while (next < streamIds.length) {
      const id = streamIds[next++]!;
      result.set(id, await readStream(id));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, streamIds.length) }, worker));
  return new Map(streamIds.map((id) => [id, result.get(id)!]));
}

/** `options` delivering only its `eventTypes`, filtered here (for a store that cannot filter where it reads). */
export function filteredByType(options: SubscribeOptions): SubscribeOptions {
  if (!options.eventTypes) return options;
  const wanted = new Set(options.eventTypes);
  return {
    ...options,
    async onEvents(events) {
      const kept = events.filter((e) => wanted.has(e.type));
      if (kept.length > 0) await options.onEvents(kept);
      if (events.length > 0) options.onProgress?.(events[events.length - 1]!.position);
    },
  };
}
