import type { Request, Response } from 'express';
import { isPosition } from '../events';
import { ProblemError, validationProblem } from '../platform';

export const MAX_WAIT_MS = 5000;

/** The `X-Min-Position` a client sent, validated. */
export function minPositionOf(req: Request): string | undefined {
  const value = req.get('X-Min-Position');
  if (value === undefined) return undefined;
  if (!isPosition(value)) {
    throw validationProblem([
      { field: 'header.X-Min-Position', message: 'must be a position from a command reply' },
    ]);
  }
  return value;
}

/**
 * Waits (bounded) until the read model has processed `minPosition`, then sets
 * `X-Projection-Position` to the position the answer reflects.
 */
export async function awaitReadModel(
  req: Request,
  res: Response,
  readPosition: () => Promise<string | undefined>,
): Promise<void> {
  const minPosition = minPositionOf(req);
  const deadline = Date.now() + MAX_WAIT_MS;
  let position = await readPosition();
  let delay = 5;
  while (minPosition && (position ?? '') < minPosition) {
    if (Date.now() >= deadline) {
      res.setHeader('Retry-After', '1');
      throw new ProblemError(
        503,
        'PROJECTION_LAGGING',
        'Projection lagging',
        'The read model has not caught up yet',
      );
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 50);
    position = await readPosition();
  }
  res.setHeader('X-Projection-Position', position ?? '');
}

/** The document of a GET on a read model: `X-Min-Position` in, `X-Projection-Position` out. */
export const readModelDocs = {
  headers: [
    {
      name: 'X-Min-Position',
      description: 'Answer only once the read model has processed this position (at most 5 s)',
      schema: { type: 'string' },
    },
  ],
  responseHeaders: { 'X-Projection-Position': 'The log position this answer reflects' },
  problems: { 503: ['PROJECTION_LAGGING'] },
};
