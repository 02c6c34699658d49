import WebSocket from 'ws';

export interface WsMessage {
  type: string;
  auctionId?: string;
  code?: string;
  auction?: Record<string, unknown>;
  event?: { type: string; revision: number; data: Record<string, unknown>; position: string };
  [key: string]: unknown;
}

/** A test client for /ws: records every message, waits for the ones a test expects. */
export async function connectWs(baseUrl: string, options: { token?: string; query?: string } = {}) {
  const url = `${baseUrl.replace(/^http/, 'ws')}/ws${options.query ?? ''}`;
  const ws = new WebSocket(
    url,
    options.token ? { headers: { authorization: `Bearer ${options.token}` } } : {},
  );
  const messages: WsMessage[] = [];
  const raw: string[] = [];
  let waiters: Array<() => void> = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  ws.on('message', (data) => {
    raw.push(data.toString());
    messages.push(JSON.parse(data.toString()) as WsMessage);
    for (const w of waiters) w();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  return {
    ws,
    messages,
    raw,
    closed,
    send: (message: unknown) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
    /** Resolves once `predicate` holds for the messages so far. */
    until(predicate: (messages: WsMessage[]) => boolean, timeoutMs = 10_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (predicate(messages)) {
            clearTimeout(timer);
            waiters = waiters.filter((w) => w !== check);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== check);
          reject(
            new Error(
              `timed out; got ${JSON.stringify(messages.map((m) => m.type + (m.event ? `#${m.event.revision}` : '')))}`,
            ),
          );
        }, timeoutMs);
        waiters.push(check);
        check();
      });
    },
    events: (auctionId: string) =>
      messages.filter((m) => m.type === 'auction.event' && m.auctionId === auctionId),
    close: () => ws.close(),
  };
}
