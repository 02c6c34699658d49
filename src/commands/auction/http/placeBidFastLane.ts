import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  bodyValidator,
  hasPlainJsonBody,
  internalError,
  problemOf,
  readJsonBody,
  writeJson,
  writeProblem,
  type FastLane,
  type RateLimitCheck,
} from '../../../platform';
import { placeBidSchema, type PlaceBidBody } from './commandSchemas';
import { idempotencyKeyOf } from './idempotency';
import type { PlaceBid } from './placeBid';
import { placeBidSpec } from './placeBidRoute';

const BID_PATH = /^\/auctions\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/bids$/i;
// passport-jwt's reading of the header: the scheme in any case, then the token.
const BEARER = /^bearer\s+(\S+)$/i;

export interface PlaceBidFastLaneDeps {
  /** The one bid pipeline, which the express route calls too. */
  placeBid: PlaceBid;
  /** The user of a valid token (the same check requireAuth makes), else undefined. */
  verifyToken(token: string): { userId: string } | undefined;
  /** The bid route's per-user limit, when there is one. */
  rateLimit?: RateLimitCheck;
  /** Told of an error no problem describes (a bug), which is answered 500. */
  onBug(error: unknown, req: IncomingMessage): void;
}

/**
 * `POST /auctions/:id/bids` in front of express: the request every bidder sends, and the one the
 * service exists for. It answers exactly what the express route answers (the same validation,
 * limit, command and problems, in the same order) without the router, passport, body-parser and
 * pino-http layers, which cost about a quarter of the main thread under load. It takes only the
 * usual request, decided from the headers before the body is read: a valid bearer token, a plain
 * JSON body of a declared length, no query string. Anything else (no or a bad token, chunked or
 * compressed bodies, another charset) goes to express as before, which answers it.
 */
export function placeBidFastLane(deps: PlaceBidFastLaneDeps): FastLane {
  const validate = bodyValidator(placeBidSchema);
  const lookup = (req: IncomingMessage) => {
    const match = BID_PATH.exec(req.url ?? '');
    if (!match || !hasPlainJsonBody(req)) return undefined;
    const token = BEARER.exec(req.headers.authorization ?? '')?.[1];
    const user = token === undefined ? undefined : deps.verifyToken(token);
    if (!user) return undefined;
    const auctionId = match[1]!.toLowerCase();
    return async (res: ServerResponse, headers: Record<string, string | number>) => {
      const read = await readJsonBody(req);
      if (!read) return void res.destroy();
      if ('problem' in read) return writeProblem(res, read.problem, headers);
      try {
        const limited = deps.rateLimit && (await deps.rateLimit(user.userId, res));
        if (limited) return writeProblem(res, limited, headers);
        const invalid = validate(read.body);
        if (invalid) return writeProblem(res, invalid, headers);
        const answer = await deps.placeBid({
          auctionId,
          userId: user.userId,
          idempotencyKey: idempotencyKeyOf(req.headers['idempotency-key'] as string | undefined),
          body: read.body as PlaceBidBody,
        });
        if ('problem' in answer) return writeProblem(res, answer.problem, headers);
        writeJson(res, 201, answer.reply, Object.assign(headers, answer.headers));
      } catch (error) {
        // A problem thrown before the pipeline (a malformed Idempotency-Key), else a bug.
        const problem = problemOf(error);
        if (!problem) deps.onBug(error, req);
        writeProblem(res, problem ?? internalError(), headers);
      }
    };
  };
  return { method: 'POST', route: placeBidSpec.path, lookup };
}
