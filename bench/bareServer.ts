/**
 * The ceiling of our stack: express, the JSON body parser and the same passport-jwt check as the
 * real routes, then a fixed 201. Nothing else. `PORT=3901 JWT_SECRET=... tsx bench/bareServer.ts`
 */
import express from 'express';
import { getJwtAuth, getTokenIssuer } from '../src/auth';

const secret = process.env.JWT_SECRET ?? 'bench-secret-bench-secret-bench-secret';
const { requireAuth } = getJwtAuth(getTokenIssuer(secret, 3600).key);
const app = express();
app.use(express.json({ limit: '64kb' }));
app.post('/auctions/:id/bids', requireAuth, (req, res) => {
  res.status(201).json({ auctionId: req.params.id, amount: (req.body as { amount: number }).amount });
});
app.use((_err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
  res.status(400).end();
});
app.listen(Number(process.env.PORT ?? 3901));
