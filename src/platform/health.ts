import { noQuerySchema } from './validation';
import { apiRouter, type DocumentedRouter } from './apiRouter';

export interface HealthCheck {
  name: string;
  /** Resolves with details when healthy; throws (or rejects) when not. */
  check(): Promise<Record<string, unknown> | void>;
}

const CHECK_TIMEOUT_MS = 2000;

/** A failing check that says more than its message: the fields are shown beside it. */
export class CheckFailedError extends Error {
  constructor(
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'CheckFailedError';
  }
}

const withTimeout = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref(),
    ),
  ]);

/** /health/live answers while the process serves; /health/ready runs every dependency check. */
const readySchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ready', 'not_ready'] },
    checks: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        properties: { status: { type: 'string', enum: ['ok', 'failing'] }, error: { type: 'string' } },
        required: ['status'],
      },
    },
  },
  required: ['status', 'checks'],
} as const;

export function healthRoutes(checks: HealthCheck[]): DocumentedRouter {
  const { router, route } = apiRouter();
  route(
    {
      tag: 'Operations',
      method: 'get',
      path: '/health/live',
      operationId: 'getLiveness',
      query: noQuerySchema,
      summary: 'Liveness: the process serves',
      description:
        'Answers 200 while the process serves requests; a platform restarts the process when it does not.',
      responses: {
        200: {
          description: 'Alive',
          schema: { type: 'object', properties: { status: { const: 'ok' } }, required: ['status'] },
        },
      },
    },
    (_req, res) => {
      res.json({ status: 'ok' });
    },
  );
  route(
    {
      tag: 'Operations',
      method: 'get',
      path: '/health/ready',
      operationId: 'getReadiness',
      query: noQuerySchema,
      summary: 'Readiness: PostgreSQL, Redis, the event store, each projection and the scheduler queue',
      description:
        'Checks PostgreSQL, Redis, the event store, each projection (state, lag, position) and the scheduler queue; 503 when any fails, so a load balancer sends no traffic here.',
      responses: {
        200: { description: 'Every check passes', schema: readySchema },
        503: { description: 'A check fails; each check says why', schema: readySchema },
      },
    },
    async (_req, res) => {
      const results = await Promise.all(
        checks.map(async ({ name, check }) => {
          try {
            const details = await withTimeout(check(), CHECK_TIMEOUT_MS);
            return [name, { status: 'ok', ...(details ?? {}) }] as const;
          } catch (error) {
            const details = error instanceof CheckFailedError ? error.details : {};
            return [name, { status: 'failing', error: (error as Error).message, ...details }] as const;
          }
        }),
      );
      const ready = results.every(([, r]) => r.status === 'ok');
      res
        .status(ready ? 200 : 503)
        .json({ status: ready ? 'ready' : 'not_ready', checks: Object.fromEntries(results) });
    },
  );
  return router;
}
