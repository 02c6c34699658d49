/**
 * The projector thread's entry (see projectorThread.ts): opens this thread's own infrastructure,
 * starts the background roles on it and answers the main thread's requests until told to stop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { getCommandHandler, getCommandObserver } from '../commands';
import { CheckFailedError, createLogger, type Logger } from '../platform';
import { startBackgroundRoles } from './backgroundRoles';
import { getClosers, type Closers } from './closers';
import { openInfrastructure } from './infrastructure';
import type { ThreadData, ThreadReply, ThreadRequest } from './projectorThread';

/** This thread's infrastructure and command handler, and the background roles on them. */
async function openRoles(data: ThreadData, logger: Logger, closers: Closers) {
  try {
    const infra = await openInfrastructure(data.config, logger, closers, {
      processMetrics: false,
      thread: 'projector',
    });
    const handler = getCommandHandler({
      eventStore: infra.eventStore,
      onHandled: getCommandObserver(infra.metrics),
    });
    closers.add('command handler', () => handler.idle());
    const roles = startBackgroundRoles(infra, new Set(data.roles), handler, data.options, closers);
    return { roles, metrics: infra.metrics };
  } catch (error) {
    await closers.closeAll().catch(() => undefined);
    throw error;
  }
}

/** The answer to one of the main thread's requests. */
async function answer(
  { roles, metrics }: Awaited<ReturnType<typeof openRoles>>,
  closers: Closers,
  request: ThreadRequest,
): Promise<unknown> {
  switch (request.type) {
    case 'check': {
      const check = roles.checks.find((c) => c.name === request.name);
      if (!check) throw new Error(`no check ${request.name}`);
      return (await check.check()) ?? {};
    }
    case 'status':
      return roles.runners.find((r) => r.name === request.name)!.status();
    case 'stopRunner':
      return roles.runners.find((r) => r.name === request.name)!.stop();
    case 'sweep':
      return roles.scheduler?.sweep();
    case 'metrics':
      return metrics.registry.getMetricsAsJSON();
    case 'stop':
      return closers.closeAll();
  }
}

async function run(port: NonNullable<typeof parentPort>, data: ThreadData) {
  const logger = createLogger(data.config.logLevel).child({ thread: 'projector' });
  const closers = getClosers(logger);
  const opened = await openRoles(data, logger, closers);
  port.on('message', (request: ThreadRequest) => {
    answer(opened, closers, request).then(
      (value) => {
        port.postMessage({ id: request.id, ok: true, value } satisfies ThreadReply);
        if (request.type === 'stop') port.close(); // nothing else keeps the thread alive: it ends
      },
      (error: unknown) =>
        port.postMessage({
          id: request.id,
          ok: false,
          error: (error as Error)?.message ?? String(error),
          ...(error instanceof CheckFailedError ? { details: error.details } : {}),
        } satisfies ThreadReply),
    );
  });
  port.postMessage({
    type: 'ready',
    checks: opened.roles.checks.map((c) => c.name),
    runners: opened.roles.runners.map((r) => r.name),
  } satisfies ThreadReply);
}

if (parentPort) {
  const port = parentPort;
  run(port, workerData as ThreadData).catch((error: unknown) => {
    port.postMessage({
      type: 'failed',
      error: (error as Error)?.message ?? String(error),
    } satisfies ThreadReply);
    process.exitCode = 1;
    port.close();
  });
}
