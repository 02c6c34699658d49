/**
 * The references of bench:websocket: a server that takes the same bid request as ours, answers
 * 201 at once, and broadcasts one pre-encoded frame of FRAME_BYTES to the room of that auction.
 * Nothing else: no event store, no projection, no validation.
 *   tsx bench/broadcasters.ts ws         a bare `ws` server (the ceiling)
 *   tsx bench/broadcasters.ts socketio   Socket.IO 4, websocket transport (the original design's choice)
 * Clients subscribe as they do to ours: `{"type":"subscribe","auctionId":...}` over ws, or the
 * `subscribe` event with that object over Socket.IO.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Server as SocketIoServer } from 'socket.io';
import { WebSocketServer, type WebSocket } from 'ws';

const kind = process.argv[2];
const port = Number(process.env.PORT);
const frameBytes = Number(process.env.FRAME_BYTES ?? 600);
const revisions = new Map<string, number>();

/** A frame shaped like ours (type, auctionId, event with its revision, the view), padded to size. */
function frame(auctionId: string, revision: number): string {
  const head = `{"type":"auction.event","auctionId":"${auctionId}","event":{"revision":${revision},"type":"BidPlaced"},"auction":{"pad":"`;
  return head + 'x'.repeat(Math.max(0, frameBytes - head.length - 3)) + '"}}';
}

/** POST /auctions/:id/bids -> 201 {auctionId, revision}, then `broadcast`. */
function bidRoute(broadcast: (auctionId: string, text: string) => void) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const match = /^\/auctions\/([^/]+)\/bids$/.exec(req.url ?? '');
    req.resume();
    req.on('end', () => {
      if (req.method !== 'POST' || !match) return void res.writeHead(404).end();
      const auctionId = match[1]!;
      const revision = (revisions.get(auctionId) ?? 0) + 1;
      revisions.set(auctionId, revision);
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ auctionId, revision }));
      broadcast(auctionId, frame(auctionId, revision));
    });
  };
}

if (kind === 'ws') {
  const rooms = new Map<string, Set<WebSocket>>();
  const server = createServer(
    bidRoute((auctionId, text) => {
      const encoded = Buffer.from(text); // encoded once, sent to every socket
      for (const ws of rooms.get(auctionId) ?? []) ws.send(encoded, { binary: false });
    }),
  );
  const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: false });
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      const { auctionId } = JSON.parse(data.toString()) as { auctionId: string };
      let room = rooms.get(auctionId);
      if (!room) rooms.set(auctionId, (room = new Set()));
      room.add(ws);
      ws.on('close', () => room.delete(ws));
    });
  });
  server.listen(port);
} else if (kind === 'socketio') {
  const server = createServer();
  const io = new SocketIoServer(server, { transports: ['websocket'], perMessageDeflate: false });
  server.on(
    'request',
    bidRoute((auctionId, text) => io.to(auctionId).emit('message', text)),
  );
  io.on('connection', (socket) => {
    socket.on('subscribe', ({ auctionId }: { auctionId: string }) => void socket.join(auctionId));
  });
  server.listen(port);
} else {
  console.error('usage: tsx bench/broadcasters.ts ws|socketio');
  process.exit(64);
}
