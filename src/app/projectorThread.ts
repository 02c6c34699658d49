import path from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  CheckFailedError,
  type Config,
  type HealthCheck,
  type Logger,
  type Metrics,
  type MetricsSnapshot,
  type Role,
} from '../platform';
import type { ProjectionRunner, ProjectionStatus } from '../projections';
import type { Closers } from './closers';
import type { StartOptions } from './startOptions';

/** What the projector thread is started with (structured-cloned: no functions). */
export interface ThreadData {
  config: Config;
  roles: Role[];
  options: Pick<StartOptions, 'leaseTtlSeconds' | 'heartbeatMs' | 'projectionRetryDelaysMs'>;
}

type RequestBody =
  { type: 'check' | 'status' | 'stopRunner'; name: string } | { type: 'metrics' | 'sweep' | 'stop' };
export type ThreadRequest = RequestBody & { id: number };

export type ThreadReply =
  | { type: 'ready'; checks: string[]; runners: string[] }
  | { type: 'failed'; error: string }
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: string; details?: Record<string, unknown> };

const REQUEST_TIMEOUT_MS = 5000;
const STOP_TIMEOUT_MS = 8000;
const RESTART_DELAYS_MS = [1000, 2000, 5000, 10_000, 30_000];

/**
 * Runs the projector and scheduler roles of this process on a worker thread of their own, with
 * their own connections. The main event loop keeps the HTTP routes and the WebSocket fan-out: a
 * broadcast to a thousand sockets no longer holds the next batch of every read model back.
 *
 * The main thread's /health/ready asks the thread for each of its checks, /metrics adds the
 * thread's registry, and `projections` / `scheduler` are proxies to the thread's runners. A
 * thread that dies is restarted (its projections resume from their checkpoints); until it is
 * back, its checks fail.
 */
export async function startProjectorThread(
  data: ThreadData,
  deps: { logger: Logger; metrics: Metrics; closers: Closers },
) {
  const { logger } = deps;
  const entry = path.join(__dirname, `projectorWorker${path.extname(__filename)}`);
  // From TypeScript sources (npm start, tests) the thread registers tsx's require hook first:
  // a worker does not inherit the process's loader.
  const start = (workerData: ThreadData) =>
    entry.endsWith('.ts')
      ? new Worker(
          `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(entry)});`,
          {
            eval: true,
            workerData,
          },
        )
      : new Worker(entry, { workerData });
  let worker: Worker | undefined;
  let stopping = false;
  let restarts = 0;
  let nextId = 0;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  const failPending = (reason: string) => {
    for (const { reject } of pending.values()) reject(new Error(reason));
    pending.clear();
  };

  const spawn = () =>
    new Promise<{ checks: string[]; runners: string[] }>((resolve, reject) => {
      const thread = start(data);
      let started = false;
      thread.on('message', (reply: ThreadReply) => {
        if ('id' in reply) {
          const waiter = pending.get(reply.id);
          pending.delete(reply.id);
          if (reply.ok) waiter?.resolve(reply.value);
          else
            waiter?.reject(
              reply.details ? new CheckFailedError(reply.error, reply.details) : new Error(reply.error),
            );
        } else if (reply.type === 'ready') {
          started = true;
          restarts = 0;
          resolve(reply);
        } else reject(new Error(`projector thread failed to start: ${reply.error}`));
      });
      thread.on('error', (error) => logger.error({ err: error }, 'projector thread error'));
      thread.on('exit', (code) => {
        if (worker === thread) worker = undefined;
        failPending('the projector thread is not running');
        if (!started) return reject(new Error(`projector thread exited with ${code} while starting`));
        if (stopping) return;
        const delay = RESTART_DELAYS_MS[Math.min(restarts++, RESTART_DELAYS_MS.length - 1)]!;
        logger.error({ code, restartInMs: delay }, 'projector thread exited; restarting it');
        setTimeout(() => {
          if (!stopping)
            spawn().catch((error: unknown) =>
              logger.error({ err: error }, 'projector thread restart failed'),
            );
        }, delay).unref();
      });
      worker = thread;
    });

  const request = (body: RequestBody, timeoutMs = REQUEST_TIMEOUT_MS) =>
    new Promise<unknown>((resolve, reject) => {
      const thread = worker;
      if (!thread) return reject(new Error('the projector thread is not running'));
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`the projector thread did not answer ${body.type} in ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, {
        resolve: (value) => (clearTimeout(timer), resolve(value)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      thread.postMessage({ ...body, id });
    });

  const { checks, runners } = await spawn();

  deps.metrics.addSource(async () => {
    try {
      return (await request({ type: 'metrics' })) as MetricsSnapshot;
    } catch {
      return []; // a restarting thread has no metrics; the main thread's still answer
    }
  });
  deps.closers.add('projector thread', async () => {
    stopping = true;
    const thread = worker;
    if (!thread) return;
    const exited = new Promise((resolve) => thread.once('exit', resolve));
    await request({ type: 'stop' }, STOP_TIMEOUT_MS).catch((error: unknown) =>
      logger.warn({ err: error }, 'projector thread did not stop cleanly'),
    );
    const timer = setTimeout(() => void thread.terminate(), 2000);
    await exited;
    clearTimeout(timer);
  });

  return {
    checks: checks.map((name): HealthCheck => ({
      name,
      check: async () => (await request({ type: 'check', name })) as Record<string, unknown>,
    })),
    runners: runners.map((name): ProjectionRunner => ({
      name,
      status: async () => (await request({ type: 'status', name })) as ProjectionStatus,
      stop: async () => void (await request({ type: 'stopRunner', name })),
    })),
    /** The thread now (undefined while it restarts): for operators' tools and the crash tests. */
    thread: () => worker,
    scheduler: data.roles.includes('scheduler')
      ? { sweep: async () => void (await request({ type: 'sweep' })) }
      : undefined,
  };
}
