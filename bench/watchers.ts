/**
 * The WebSocket bench's watchers: sockets to a target (ours, a bare `ws` broadcaster or Socket.IO)
 * that subscribe to an auction and note when each event frame arrives. Used in the bench's own
 * thread (small cases) and in watcher threads (bench/watcherThread.ts), so that 1,000 sockets'
 * reading does not hold up the bids' replies, nor one another, on a single event loop.
 */
import { io as socketIoClient, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { BROADCASTERS, OURS } from './servers';

export type TargetName = 'ours' | keyof typeof BROADCASTERS;

export interface Watcher {
  subscribe(auctionId: string): void;
  close(): void;
}

/** Milliseconds since the epoch, to the microsecond: comparable across the bench's threads. */
export const clock = () => performance.timeOrigin + performance.now();

const PREFIX = '{"type":"auction.event"';
const PREFIX_BYTES = Buffer.from(PREFIX);
const EVENT = Buffer.from('"event"');
const REVISION = Buffer.from('"revision":');

/**
 * An auction event frame's `auctionId:revision` key, or undefined for any other message. Read
 * off the bytes where it can: decoding 100,000 frames a second into strings was most of a
 * watcher thread's time, time the machine's two cores then lacked for the server under test.
 */
export function eventKey(message: string | Buffer): string | undefined {
  if (typeof message === 'string') {
    if (!message.startsWith(PREFIX)) return undefined;
    const revision = /"revision":(\d+)/.exec(message.slice(message.indexOf('"event"')))![1];
    return `${message.slice(37, 73)}:${revision}`;
  }
  if (message.compare(PREFIX_BYTES, 0, PREFIX_BYTES.length, 0, PREFIX_BYTES.length) !== 0) return undefined;
  let at = message.indexOf(REVISION, message.indexOf(EVENT)) + REVISION.length;
  let revision = 0;
  for (let digit = message[at]! - 48; digit >= 0 && digit <= 9; digit = message[++at]! - 48)
    revision = revision * 10 + digit;
  return `${message.toString('latin1', 37, 73)}:${revision}`;
}

type OnMessage = (message: string | Buffer) => void;

async function openSocketIo(onText: OnMessage): Promise<Watcher> {
  const socket: Socket = socketIoClient(BROADCASTERS.socketio, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
  });
  socket.on('message', onText);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return {
    subscribe: (auctionId) => socket.emit('subscribe', { auctionId }),
    close: () => socket.close(),
  };
}

async function openWs(target: Exclude<TargetName, 'socketio'>, onMessage: OnMessage): Promise<Watcher> {
  const base = target === 'ours' ? OURS : BROADCASTERS[target];
  // The servers' frames are not checked for valid UTF-8 here: the bench measures them, not this.
  const ws = new WebSocket(base.replace('http', 'ws') + '/ws', {
    perMessageDeflate: false,
    skipUTF8Validation: true,
  });
  ws.on('message', (data) => onMessage(data as Buffer));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    subscribe: (auctionId) => ws.send(JSON.stringify({ type: 'subscribe', auctionId })),
    close: () => ws.terminate(),
  };
}

/** Opens `n` watchers of a target, 200 at a time; `onMessage` gets every message and its arrival time. */
export async function openWatchers(
  target: TargetName,
  n: number,
  onMessage: (watcher: number, message: string | Buffer, at: number) => void,
): Promise<Watcher[]> {
  const watchers: Watcher[] = [];
  for (let i = 0; i < n; i += 200) {
    const batch = Array.from({ length: Math.min(200, n - i) }, (_, j) => {
      const index = i + j;
      const listen = (message: string | Buffer) => onMessage(index, message, clock());
      return target === 'socketio' ? openSocketIo(listen) : openWs(target, listen);
    });
    watchers.push(...(await Promise.all(batch)));
  }
  return watchers;
}
