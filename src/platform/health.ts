import { Router } from 'express';

export interface HealthCheck {
  name: string;
  /** Resolves with details when healthy; throws (or rejects) when not. */
  check(): Promise<Record<string, unknown> | void>;
}

const CHECK_TIMEOUT_MS = 2000;

const withTimeout = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref(),
    ),
  ]);

/** /health/live answers while the process serves; /health/ready runs every dependency check. */
export function healthRoutes(checks: HealthCheck[]): Router {
  const router = Router();
  router.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/health/ready', async (_req, res) => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => {
        try {
          const details = await withTimeout(check(), CHECK_TIMEOUT_MS);
          return [name, { status: 'ok', ...(details ?? {}) }] as const;
        } catch (error) {
          return [name, { status: 'failing', error: (error as Error).message }] as const;
        }
      }),
    );
    const ready = results.every(([, r]) => r.status === 'ok');
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : 'not_ready', checks: Object.fromEntries(results) });
  });
  return router;
}
