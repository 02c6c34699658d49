import type { ProjectionRunnerOptions, ProjectionStatus, RunnerCell } from './projectionRunner';

/** A runner's status: its state, position and lag (the age of the first event it has not applied). */
export async function statusOf(
  options: ProjectionRunnerOptions,
  cell: RunnerCell,
): Promise<ProjectionStatus> {
  const { state, position, error, hold } = cell;
  let lagMs = 0;
  if (state === 'running' || state === 'failed' || hold.failure) {
    const [next] = await options.eventStore.readAll({ after: position, limit: 1 });
    if (next) lagMs = Math.max(0, Date.now() - next.recordedAt.getTime());
  }
  // Between attempts, and during one, a projection holding at an event is failed.
  const { failure } = hold;
  const shown = failure && state !== 'stopped' ? 'failed' : state;
  return {
    name: options.name,
    state: shown,
    position,
    lagMs,
    ...(error ? { error } : {}),
    ...(failure ? { failure } : {}),
  };
}
