import type { Request, Response } from 'express';
import { isPosition } from '../events';
import { ProblemError, validationProblem } from '../platform';

/** `X-Min-Position` waits at most this long per request, whatever read models it consults. */
export const MAX_WAIT_MS = 5000;

/** A read model's position: a checkpoint, or undefined before its first batch. */
export type ReadPosition = () => Promise<string | undefined>;

/** The `X-Min-Position` a client sent, validated. */
export function minPositionOf(req: Request): string | undefined {
  const value = req.get('X-Min-Position');
  if (value === undefined) return undefined;
  if (!isPosition(value)) {
    throw validationProblem([
      {
        field: 'header.X-Min-Position',
        message: 'must be a position from a command reply or an X-Projection-Position',
      },
    ]);
  }
  return value;
}

/** One deadline for the whole request, so consulting two read models never waits twice. */
function deadlineOf(res: Response): number {
  return ((res.locals.readDeadline as number | undefined) ??= Date.now() + MAX_WAIT_MS);
}

const lagging = () => {
  return new ProblemError(
    503,
    'PROJECTION_LAGGING',
    'Projection lagging',
    'The read model has not caught up yet',
  );
};

export const reached = (position: string | undefined, minPosition: string | undefined) =>
  !minPosition || (position ?? '') >= minPosition;

/** Sleeps the next step of a 5 ms doubling to 50 ms back-off, or answers 503 once the request's deadline passed. */
export function backOff(res: Response) {
  let delay = 5;
  return async () => {
    if (Date.now() >= deadlineOf(res)) throw lagging();
    await new Promise((r) => setTimeout(r, Math.min(delay, Math.max(1, deadlineOf(res) - Date.now()))));
    delay = Math.min(delay * 2, 50);
  };
}

/**
 * Waits (within the request's deadline) until the read model has processed `minPosition`, then
 * sets `X-Projection-Position` to the position the answer reflects and returns it.
 */
export async function awaitPosition(
  res: Response,
  readPosition: ReadPosition,
  minPosition: string | undefined,
): Promise<string | undefined> {
  const wait = backOff(res);
  let position = await readPosition();
  while (!reached(position, minPosition)) {
    await wait();
    position = await readPosition();
  }
  res.setHeader('X-Projection-Position', position ?? '');
  return position;
}

/** Waits for the client's `X-Min-Position` (read your writes, monotonic reads). */
export function awaitReadModel(req: Request, res: Response, readPosition: ReadPosition) {
  return awaitPosition(res, readPosition, minPositionOf(req));
}

/** The document of a GET on a read model: `X-Min-Position` in, `X-Projection-Position` out. */
export const readModelDocs = {
  headers: [
    {
      name: 'X-Min-Position',
      description:
        'Answer only once the read model has processed this position (at most 5 s in all, else 503). ' +
        "Send the highest position seen so far (a command reply's `position` or any " +
        '`X-Projection-Position`) and reads never go back in time from one route to the next.',
      schema: { type: 'string' },
    },
  ],
  responseHeaders: { 'X-Projection-Position': 'The log position this answer reflects' },
  problems: { 503: ['PROJECTION_LAGGING'] },
};
