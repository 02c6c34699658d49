import type { CommandHandler } from '../commands';
import type { HealthCheck, Role } from '../platform';
import type { Closers } from './closers';
import type { Infrastructure } from './infrastructure';
import { startProjectorRole } from './projectorRole';
import { startSchedulerRole } from './schedulerRole';
import type { StartOptions } from './startOptions';

/**
 * The roles that follow the log rather than answer requests, the projector and the scheduler,
 * on the infrastructure of the thread they run on (the main one, or the projector thread).
 */
export function startBackgroundRoles(
  infra: Infrastructure,
  roles: ReadonlySet<Role>,
  handler: CommandHandler,
  options: StartOptions,
  closers: Closers,
) {
  const projector = roles.has('projector') ? startProjectorRole(infra, options, closers) : undefined;
  const scheduler = roles.has('scheduler') ? startSchedulerRole(infra, handler, options, closers) : undefined;
  const checks: HealthCheck[] = [...(projector?.checks ?? []), ...(scheduler?.checks ?? [])];
  return {
    runners: [
      ...(projector?.runners ?? []),
      ...(scheduler
        ? [scheduler.reactor, scheduler.sales, scheduler.suspensions, scheduler.afterHammer]
        : []),
    ],
    scheduler: scheduler?.worker,
    checks,
  };
}

export type BackgroundRoles = ReturnType<typeof startBackgroundRoles>;
