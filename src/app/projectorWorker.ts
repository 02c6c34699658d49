/**
 * The projector thread's entry (see projectorThread.ts): opens this thread's own infrastructure,
 * starts the background roles on it and answers the main thread's requests until told to stop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { getCommandHandler, getCommandObserver } from '../commands';
import { CheckFailedError, createLogger } from '../platform';
import { startBackgroundRoles, type BackgroundRoles } from './backgroundRoles';
import { getClosers } from './closers';
import { openInfrastructure } from './infrastructure';
import type { ThreadData, ThreadReply, ThreadRequest } from './projectorThread';

async function run(port: NonNullable<typeof parentPort>, data: ThreadData) {
  const logger = createLogger(data.config.logLevel).child({ thread: 'projector' });
  const closers = getClosers(logger);
  let roles: BackgroundRoles;
  let metrics: Awaited<ReturnType<typeof openInfrastructure>>['metrics'];
  try {
    const infra = await openInfrastructure(data.config, logger, closers, {
      processMetrics: false,
      thread: 'projector',
    });
    metrics = infra.metrics;
    const handler = getCommandHandler({
      eventStore: infra.eventStore,
      onHandled: getCommandObserver(infra.metrics),
    });
    closers.add('command handler', () => handler.idle());
    roles = startBackgroundRoles(infra, new Set(data.roles), handler, data.options, closers);
  } catch (error) {
    await closers.closeAll().catch(() => undefined);
    throw error;
  }

  const answer = async (request: ThreadRequest): Promise<unknown> => {
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
  };
  port.on('message', (request: ThreadRequest) => {
    answer(request).then(
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
    checks: roles.checks.map((c) => c.name),
    runners: roles.runners.map((r) => r.name),
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
