import { Client, Pool } from 'pg';
import { NOTIFY_CHANNEL } from './sql';

/**
 * Wakes subscribers when events were appended, across processes, with LISTEN/NOTIFY.
 * NOTIFY is sent after the append committed, outside its transaction (NOTIFY inside would
 * serialise every commit on the notification queue lock), and coalesced: at most one in flight,
 * and one more after it if appends happened meanwhile.
 */
export interface ChangeSignal {
  /** Call after an append committed. */
  appended(): void;
  /** A counter that moves on every change signal; read it before reading the log. */
  version(): number;
  /** Resolves once the version differs from `seen` (at once if it already does), or after `timeoutMs`. */
  wait(seen: number, timeoutMs: number): Promise<void>;
  /** Wakes every waiter now (used on stop). */
  wakeAll(): void;
  close(): Promise<void>;
}

interface SignalState {
  waiters: Array<() => void>;
  version: number;
  closed: boolean;
  listener: Client | undefined;
  reconnectTimer: NodeJS.Timeout | undefined;
}

function wakeAll(state: SignalState) {
  state.version++;
  const current = state.waiters;
  state.waiters = [];
  for (const wake of current) wake();
}

/** Ends a client nobody listens to any more, whatever its state. */
async function endQuietly(client: Client) {
  client.removeAllListeners();
  client.on('error', () => undefined);
  await client.end().catch(() => undefined);
}

/** NOTIFY after appends, coalesced: at most one in flight, and one more if appends came meanwhile. */
function coalescedNotify(pool: Pool, state: SignalState) {
  let notifying = false;
  let notifyAgain = false;
  const notify = () => {
    if (notifying) {
      notifyAgain = true;
      return;
    }
    notifying = true;
    notifyAgain = false;
    pool
      .query(`SELECT pg_notify('${NOTIFY_CHANNEL}', '')`)
      .catch(() => undefined) // subscribers fall back to polling
      .finally(() => {
        notifying = false;
        if (notifyAgain && !state.closed) notify();
      });
  };
  return notify;
}

/** A LISTEN connection that wakes every waiter on each notification, reconnecting after a second. */
async function listen(state: SignalState, connectionString: string) {
  if (state.closed) return;
  const client = new Client({ connectionString });
  const retry = () => {
    client.removeAllListeners();
    client.end().catch(() => undefined);
    if (state.listener === client) state.listener = undefined;
    if (!state.closed) state.reconnectTimer = setTimeout(() => void listen(state, connectionString), 1000);
  };
  client.on('error', retry);
  client.on('notification', () => wakeAll(state));
  try {
    await client.connect();
    // close() ran while we were connecting: it could not end this client, so we do.
    if (state.closed) return await endQuietly(client);
    await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
    state.listener = client;
    wakeAll(state); // events may have been appended while we were not listening
  } catch {
    retry();
  }
}

export function getChangeSignal(pool: Pool, connectionString: string): ChangeSignal {
  const state: SignalState = {
    waiters: [],
    version: 0,
    closed: false,
    listener: undefined,
    reconnectTimer: undefined,
  };
  const notify = coalescedNotify(pool, state);
  void listen(state, connectionString);
  return {
    appended() {
      wakeAll(state); // local subscribers need not wait for the round trip
      notify();
    },
    version: () => state.version,
    wait(seen, timeoutMs) {
      if (seen !== state.version) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(done, timeoutMs);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        state.waiters.push(done);
      });
    },
    wakeAll: () => wakeAll(state),
    async close() {
      state.closed = true;
      clearTimeout(state.reconnectTimer);
      wakeAll(state);
      const client = state.listener;
      state.listener = undefined;
      if (client) await endQuietly(client);
    },
  };
}
