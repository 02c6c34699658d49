import autocannon from 'autocannon';
import jwt from 'jsonwebtoken';
import { v7 as uuidv7 } from 'uuid';

export interface LoadResult {
  target: string;
  auctions: number;
  decidedPerSec: number;
  acceptedPerSec: number;
  p50: number;
  p99: number;
  codes: Record<string, number>;
}

// Amounts keep rising across runs, so a later run on the same auction is not all too-low bids.
let amountBase = 100;

/**
 * The lock baseline's load.js, with ids that our server accepts: C connections bidding
 * ever-increasing amounts on the given auctions from 100 users. Decided = 201 + 422 replies.
 */
export function bidLoad(options: {
  target: string;
  url: string;
  ids: string[];
  secret: string;
  connections: number;
  seconds: number;
  /** Requests per second over all connections; unset: as fast as the server answers. */
  rate?: number;
}): Promise<LoadResult> {
  const tokens = Array.from({ length: 100 }, () =>
    jwt.sign({ sub: uuidv7(), roles: ['bidder'] }, options.secret, { algorithm: 'HS256', expiresIn: 3600 }),
  );
  let n = 0;
  const base = amountBase;
  const codes: Record<string, number> = {};
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.seconds,
        ...(options.rate ? { overallRate: options.rate } : {}),
        requests: [
          {
            method: 'POST',
            setupRequest: (req) => {
              n++;
              const id = options.ids[n % options.ids.length];
              return {
                ...req,
                path: `/auctions/${id}/bids`,
                headers: {
                  'content-type': 'application/json',
                  authorization: `Bearer ${tokens[n % tokens.length]}`,
                },
                body: JSON.stringify({ amount: base + n }),
              };
            },
            onResponse: (status) => {
              codes[status] = (codes[status] ?? 0) + 1;
            },
          },
        ],
      },
      (error, result) => {
        amountBase = base + n + 1;
        if (error) return reject(error);
        const decided = (codes[201] ?? 0) + (codes[422] ?? 0);
        resolve({
          target: options.target,
          auctions: options.ids.length,
          decidedPerSec: Math.round(decided / options.seconds),
          acceptedPerSec: Math.round((codes[201] ?? 0) / options.seconds),
          p50: result.latency.p50,
          p99: result.latency.p99,
          codes,
        });
      },
    );
  });
}
