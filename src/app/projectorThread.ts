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

type Ready = { checks: string[]; runners: string[] };

/** The main thread's side of the projector thread: the thread now, and the requests it owes. */
interface Host {
  data: ThreadData;
  logger: Logger;
  worker: Worker | undefined;
  stopping: boolean;
  restarts: number;
  nextId: number;
  pending: Map<number, { resolve(value: unknown): void; reject(error: Error): void }>;
}

// From TypeScript sources (npm start, tests) the thread registers tsx's require hook first:
// a worker does not inherit the process's loader.
function newThread(workerData: ThreadData) {
  const entry = path.join(__dirname, `projectorWorker${path.extname(__filename)}`);
  if (!entry.endsWith('.ts')) return new Worker(entry, { workerData });
  const source = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(entry)});`;
  return new Worker(source, { eval: true, workerData });
}

function failPending(host: Host, reason: string) {
  for (const { reject } of host.pending.values()) reject(new Error(reason));
  host.pending.clear();
}

/** A request's answer to whoever waits for it. */
function settle(host: Host, reply: Extract<ThreadReply, { id: number }>) {
  const waiter = host.pending.get(reply.id);
  host.pending.delete(reply.id);
  if (reply.ok) return waiter?.resolve(reply.value);
  waiter?.reject(reply.details ? new CheckFailedError(reply.error, reply.details) : new Error(reply.error));
}

/** A thread that died is started again after a growing pause (unless the process is stopping). */
function restartLater(host: Host, code: number) {
  const delay = RESTART_DELAYS_MS[Math.min(host.restarts++, RESTART_DELAYS_MS.length - 1)]!;
  host.logger.error({ code, restartInMs: delay }, 'projector thread exited; restarting it');
  setTimeout(() => {
    if (host.stopping) return;
    spawn(host).catch((error: unknown) =>
      host.logger.error({ err: error }, 'projector thread restart failed'),
    );
  }, delay).unref();
}

/** Starts a thread; resolves with what it runs once it says it is ready. */
function spawn(host: Host) {
  return new Promise<Ready>((resolve, reject) => {
    const thread = newThread(host.data);
    let started = false;
    thread.on('message', (reply: ThreadReply) => {
      if ('id' in reply) return settle(host, reply);
      if (reply.type === 'failed')
        return reject(new Error(`projector thread failed to start: ${reply.error}`));
      started = true;
      host.restarts = 0;
      resolve(reply);
    });
    thread.on('error', (error) => host.logger.error({ err: error }, 'projector thread error'));
    thread.on('exit', (code) => {
      if (host.worker === thread) host.worker = undefined;
      failPending(host, 'the projector thread is not running');
      if (!started) return reject(new Error(`projector thread exited with ${code} while starting`));
      if (!host.stopping) restartLater(host, code);
    });
    host.worker = thread;
  });
}

function request(host: Host, body: RequestBody, timeoutMs = REQUEST_TIMEOUT_MS) {
  return new Promise<unknown>((resolve, reject) => {
    const thread = host.worker;
    if (!thread) return reject(new Error('the projector thread is not running'));
    const id = host.nextId++;
    const timer = setTimeout(() => {
      host.pending.delete(id);
      reject(new Error(`the projector thread did not answer ${body.type} in ${timeoutMs} ms`));
    }, timeoutMs);
    host.pending.set(id, {
      resolve: (value) => (clearTimeout(timer), resolve(value)),
      reject: (error) => (clearTimeout(timer), reject(error)),
    });
    thread.postMessage({ ...body, id });
  });
}

/** Asks the thread to stop, and ends it if it has not within two seconds more. */
async function stopThread(host: Host) {
  host.stopping = true;
  const thread = host.worker;
  if (!thread) return;
  const exited = new Promise((resolve) => thread.once('exit', resolve));
  await request(host, { type: 'stop' }, STOP_TIMEOUT_MS).catch((error: unknown) =>
    host.logger.warn({ err: error }, 'projector thread did not stop cleanly'),
  );
  const timer = setTimeout(() => void thread.terminate(), 2000);
  await exited;
  clearTimeout(timer);
}

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
  const host: Host = {
    data,
    logger: deps.logger,
    worker: undefined,
    stopping: false,
    restarts: 0,
    nextId: 0,
    pending: new Map(),
  };
  const { checks, runners } = await spawn(host);
  // A restarting thread has no metrics; the main thread's still answer.
  deps.metrics.addSource(() =>
    request(host, { type: 'metrics' }).then(
      (m) => m as MetricsSnapshot,
      () => [],
    ),
  );
  deps.closers.add('projector thread', () => stopThread(host));
  return {
    checks: checks.map((name): HealthCheck => ({
      name,
      check: async () => (await request(host, { type: 'check', name })) as Record<string, unknown>,
    })),
    runners: runners.map((name): ProjectionRunner => ({
      name,
      status: async () => (await request(host, { type: 'status', name })) as ProjectionStatus,
      stop: async () => void (await request(host, { type: 'stopRunner', name })),
    })),
    /** The thread now (undefined while it restarts): for operators' tools and the crash tests. */
    thread: () => host.worker,
    scheduler: data.roles.includes('scheduler')
      ? { sweep: async () => void (await request(host, { type: 'sweep' })) }
      : undefined,
  };
}
