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

export function getChangeSignal(pool: Pool, connectionString: string): ChangeSignal {
  let waiters: Array<() => void> = [];
  let version = 0;
  let notifying = false;
  let notifyAgain = false;
  let closed = false;
  let listener: Client | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;

  const wakeAll = () => {
    version++;
    const current = waiters;
    waiters = [];
    for (const wake of current) wake();
  };

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
        if (notifyAgain && !closed) notify();
      });
  };

  const listen = async () => {
    if (closed) return;
    const client = new Client({ connectionString });
    const retry = () => {
      client.removeAllListeners();
      client.end().catch(() => undefined);
      if (listener === client) listener = undefined;
      if (!closed) reconnectTimer = setTimeout(() => void listen(), 1000);
    };
    client.on('error', retry);
    client.on('notification', wakeAll);
    try {
      await client.connect();
      if (closed) {
        // close() ran while we were connecting: it could not end this client, so we do.
        client.removeAllListeners();
        client.on('error', () => undefined);
        await client.end().catch(() => undefined);
        return;
      }
      await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
      listener = client;
      wakeAll(); // events may have been appended while we were not listening
    } catch {
      retry();
    }
  };
  void listen();

  return {
    appended() {
      wakeAll(); // local subscribers need not wait for the round trip
      notify();
    },
    version: () => version,
    wait(seen, timeoutMs) {
      if (seen !== version) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(done, timeoutMs);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        waiters.push(done);
      });
    },
    wakeAll,
    async close() {
      closed = true;
      clearTimeout(reconnectTimer);
      wakeAll();
      const client = listener;
      listener = undefined;
      if (client) {
        client.removeAllListeners();
        client.on('error', () => undefined);
        await client.end().catch(() => undefined);
      }
    },
  };
}
