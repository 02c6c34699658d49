import type { AppendResult, Decider, EventStore, NewEvent, RecordedEvent } from '../events';
import { WrongExpectedRevisionError } from '../events';
import { CommandBusyError } from './commandErrors';

/** A stream's state as folded, with the revision it was folded to (what an append expects). */
export interface LoadedStream<State> {
  state: State;
  revision: bigint | 'no_stream';
  /** The position of the last event folded, for X-Min-Position; undefined for no stream. */
  position?: string;
}

/**
 * How one command (or one batch of commands) is handled on one stream, for decideAndAppend:
 * what to fold, what to decide, what to answer. Plain streams get it from handleCommand; the
 * auction's performance layer (a state cache, batches of commands, idempotency) gives its own.
 */
export interface StreamHandling<Loaded extends LoadedStream<unknown>, Decided, Result> {
  streamId: string;
  /** The stream folded from `held` on: only what is new beyond it (everything, from nothing). */
  catchUp(held: Loaded | undefined): Promise<Loaded>;
  /** Pure: the decision on this state. Expected failures may be thrown or kept in `Decided`. */
  decide(loaded: Loaded): Decided;
  /** What the decision appends (nothing: answered without writing). */
  eventsOf(decided: Decided): NewEvent[];
  /** The answer, once appended (or when there was nothing to append). */
  settle(loaded: Loaded, decided: Decided, appended: AppendResult | undefined): Result;
  /** A decision taken on a state held from before (a cache) that must be checked on a fresh read. */
  recheck?(decided: Decided): boolean;
}

export interface DecideAndAppendOptions {
  maxAttempts?: number;
  /** A state held from before (the performance layer's cache), else the stream is read whole. */
  held?: LoadedStream<unknown>;
}

const jitter = (attempt: number) =>
  new Promise((r) => setTimeout(r, Math.random() * 5 * 2 ** Math.min(attempt, 5)));

/**
 * The one way a command is handled, for every stream type: fold the stream, decide, append the
 * events with the revision they were decided on. A conflict (another instance wrote first) folds
 * only what is new, decides again, with jitter, at most `maxAttempts` times, then answers
 * CommandBusyError. Nothing is locked.
 */
export async function decideAndAppend<Loaded extends LoadedStream<unknown>, Decided, Result>(
  eventStore: EventStore,
  handling: StreamHandling<Loaded, Decided, Result>,
  options: DecideAndAppendOptions = {},
): Promise<Result> {
  const maxAttempts = options.maxAttempts ?? 12;
  let loaded = options.held as Loaded | undefined;
  let fresh = false;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    if (!loaded) {
      loaded = await handling.catchUp(undefined);
      fresh = true;
    }
    let decided = handling.decide(loaded);
    // A decision on a held state is checked on a fresh read before it is answered.
    if (!fresh && handling.recheck?.(decided)) {
      const caughtUp = await handling.catchUp(loaded);
      if (caughtUp !== loaded) {
        loaded = caughtUp;
        decided = handling.decide(loaded);
      }
    }
    const events = handling.eventsOf(decided);
    let appended: AppendResult | undefined;
    if (events.length > 0) {
      try {
        appended = await eventStore.appendToStream(handling.streamId, events, {
          expectedRevision: loaded.revision,
        });
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        loaded = await handling.catchUp(loaded);
        fresh = true;
        await jitter(attempt);
        continue;
      }
    }
    return handling.settle(loaded, decided, appended);
  }
  throw new CommandBusyError(`${handling.streamId} is busy; retry shortly`);
}

/** What a plain stream's command did: the events it recorded, and where the stream stands. */
export interface CommandOutcome<State, Event> {
  events: Event[];
  state: State;
  revision: bigint | 'no_stream';
  /** The append's position, or the stream's last when nothing was recorded (for X-Min-Position). */
  position: string | undefined;
}

export interface StreamType<State, Command, Event extends { type: string; data: unknown }> {
  decider: Decider<State, Command, Event>;
  /** A recorded event of the stream as the decider's event (upcast here), or undefined to skip it. */
  eventOf(recorded: RecordedEvent): Event | undefined;
}

/**
 * The command handler of plain streams (a user's, and each new kind of this wave): the whole
 * stream is read and folded with the decider's evolve, then decideAndAppend; `metadata` goes on
 * every event. Commands for one stream wait for each other in this process (as the auction's
 * lanes do), so they never conflict among themselves; other instances are met by the revision.
 */
export function getStreamCommands(eventStore: EventStore, options: { maxAttempts?: number } = {}) {
  const tails = new Map<string, Promise<unknown>>();
  const inTurn = <T>(streamId: string, run: () => Promise<T>): Promise<T> => {
    const next = (tails.get(streamId) ?? Promise.resolve()).then(run, run);
    const tail = next.catch(() => undefined);
    tails.set(streamId, tail);
    void tail.then(() => tails.get(streamId) === tail && tails.delete(streamId));
    return next;
  };
  return {
    handle<State, Command, Event extends { type: string; data: unknown }>(
      type: StreamType<State, Command, Event>,
      streamId: string,
      command: Command,
      metadata: Record<string, unknown>,
    ): Promise<CommandOutcome<State, Event>> {
      return inTurn(streamId, () =>
        decideAndAppend(eventStore, plainStream(eventStore, type, streamId, command, metadata), options),
      );
    },
  };
}

export type StreamCommands = ReturnType<typeof getStreamCommands>;

function plainStream<State, Command, Event extends { type: string; data: unknown }>(
  eventStore: EventStore,
  type: StreamType<State, Command, Event>,
  streamId: string,
  command: Command,
  metadata: Record<string, unknown>,
): StreamHandling<LoadedStream<State>, Event[], CommandOutcome<State, Event>> {
  const { decider } = type;
  return {
    streamId,
    async catchUp(held) {
      const fromRevision = held && held.revision !== 'no_stream' ? held.revision + 1n : 0n;
      const recorded = await eventStore.readStream(streamId, { fromRevision });
      let loaded: LoadedStream<State> = held ?? { state: decider.initialState(), revision: 'no_stream' };
      for (const r of recorded) {
        const event = type.eventOf(r);
        const state = event ? decider.evolve(loaded.state, event) : loaded.state;
        loaded = { state, revision: r.revision, position: r.position };
      }
      return loaded;
    },
    decide: (loaded) => decider.decide(command, loaded.state),
    eventsOf: (events) => events.map((e) => ({ type: e.type, data: e.data, metadata })),
    settle: (loaded, events, appended) => ({
      events,
      state: events.reduce(decider.evolve, loaded.state),
      revision: appended ? appended.nextExpectedRevision : loaded.revision,
      position: appended ? appended.position : loaded.position,
    }),
  };
}

/** A stream folded whole by a decider's evolve (only its own events). */
export async function foldStream<S, E extends { type: string; data: unknown }>(
  eventStore: EventStore,
  type: { decider: Decider<S, never, E>; eventOf(r: RecordedEvent): E | undefined },
  streamId: string,
): Promise<S> {
  let state = type.decider.initialState();
  for (const recorded of await eventStore.readStream(streamId)) {
    const event = type.eventOf(recorded);
    if (event) state = type.decider.evolve(state, event);
  }
  return state;
}
